import assert from "node:assert/strict";
import { renderAccount } from "../components/lxc-service/account";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { planDatabases, orderExtensions } from "../components/shared-postgres/databases";
import { renderDbEnv } from "../components/shared-postgres/db-env";
import { renderExporterEnv } from "../components/shared-postgres/exporter-env";
import { SharedPostgres } from "../components/shared-postgres";
import { renderPgHba } from "../components/shared-postgres/pg-hba";
import { memorySettings, renderPostgresqlConf } from "../components/shared-postgres/postgresql-conf";
import { renderRecipeScript } from "../components/shared-postgres/recipe";
import { renderPreloadScript, vectorchordUrl } from "../components/shared-postgres/vectorchord";
import { postgresReport } from "../components/shared-postgres/report";
import { CreationLanes } from "../components/shared/lanes";
import type { Homelab, Service } from "../config";
import { installMocks, runStack, type RecordedResource } from "../src/mock-runtime";
import { at } from "./bad-inputs/types";
import { byName, dependencyNames, exampleConfig, modelOf, ofType, runProgram } from "./harness";
import { requireTool, run } from "./tools";

const ROLE = "postgresql:index/role:Role";
const DATABASE = "postgresql:index/database:Database";
const EXTENSION = "postgresql:index/extension:Extension";
const GRANT = "postgresql:index/grant:Grant";
const DB_APPS = { immich: 10, nextcloud: 20, n8n: 10, vaultwarden: 10 } as const;

const server = (model: Homelab): Service => model.services.find((s) => s.name === model.postgres.service) as Service;
const adminOf = (model: Homelab) => ({ proxmoxHost: model.proxmox.sshAddress, operatorCidrs: model.network.operatorCidrs, containerIps: model.services.map((s) => s.ip) });

test("each database app gets one login role and one database it owns, with its pool as the role's connection limit", async () => {
  const { resources } = await runProgram();
  const roles = ofType(resources, ROLE);
  const databases = ofType(resources, DATABASE);
  assert.deepEqual(databases.map((d) => d.inputs.name).sort(), Object.keys(DB_APPS).sort());
  for (const [app, pool] of Object.entries(DB_APPS)) {
    const role = byName(resources, `postgres-${app}-role`);
    assert.deepEqual(
      { name: role.inputs.name, login: role.inputs.login, superuser: role.inputs.superuser, createDatabase: role.inputs.createDatabase, createRole: role.inputs.createRole, replication: role.inputs.replication, connectionLimit: role.inputs.connectionLimit },
      { name: app, login: true, superuser: false, createDatabase: false, createRole: false, replication: false, connectionLimit: pool },
    );
    const db = byName(resources, `postgres-${app}-database`);
    assert.equal(db.inputs.owner, app);
    assert.equal(db.inputs.template, "template0");
    assert.ok(dependencyNames(db).includes(`postgres-${app}-role`), "the database waits for its owner");
  }
  // Four app roles and the exporter's; nothing else.
  assert.deepEqual(roles.map((r) => r.inputs.name).sort(), ["immich", "n8n", "nextcloud", "postgres_exporter", "vaultwarden"]);
});

test("CONNECT is revoked from PUBLIC on every app database, and the exporter is a member of pg_monitor only", async () => {
  const { resources } = await runProgram();
  const grants = ofType(resources, GRANT);
  assert.deepEqual(
    grants.map((g) => [g.inputs.database, g.inputs.objectType, g.inputs.role, g.inputs.privileges]).sort(),
    Object.keys(DB_APPS).sort().map((db) => [db, "database", "public", []]),
  );
  const member = ofType(resources, "postgresql:index/grantRole:GrantRole");
  assert.deepEqual(member.map((g) => [g.inputs.role, g.inputs.grantRole]), [["postgres_exporter", "pg_monitor"]]);
  assert.equal(byName(resources, "postgres-monitoring-role").inputs.connectionLimit, 3);
});

test("extensions from the catalog are created by the admin in the app's own database, prerequisites first", async () => {
  const { resources } = await runProgram();
  const extensions = ofType(resources, EXTENSION).map((e) => [e.inputs.database, e.inputs.name]);
  assert.deepEqual(extensions.sort(), [["immich", "cube"], ["immich", "earthdistance"], ["immich", "vchord"], ["immich", "vector"], ["n8n", "uuid-ossp"]]);
  const vchord = byName(resources, "postgres-immich-vchord");
  assert.ok(dependencyNames(vchord).includes("postgres-immich-vector"), "vchord waits for vector");
  const earthdistance = byName(resources, "postgres-immich-earthdistance");
  assert.ok(dependencyNames(earthdistance).includes("postgres-immich-cube"), "earthdistance waits for cube");
  const provider = byName(resources, "postgres-provider");
  for (const e of ofType(resources, EXTENSION)) assert.ok(e.provider.startsWith(provider.urn), `${e.name} is created through the admin provider`);
  assert.deepEqual(orderExtensions(["vchord"]), ["vector", "vchord"]);
  assert.deepEqual(orderExtensions(["earthdistance", "cube", "vector", "vchord"]), ["cube", "earthdistance", "vector", "vchord"]);
});

test("every password is a secret input and no generated password appears in a non-secret input", async () => {
  const { resources } = await runProgram();
  const provider = byName(resources, "postgres-provider");
  assert.ok(provider.secretPaths.includes("password"));
  assert.equal(provider.inputs.username, "postgres");
  for (const r of ofType(resources, ROLE)) {
    assert.ok(r.secretPaths.includes("password"), `${r.name}.password is secret`);
    assert.match(String(r.inputs.password), /^mock-random-password-postgres-/);
  }
  const leaks: string[] = [];
  const walk = (r: RecordedResource, value: unknown, path: string): void => {
    if (r.secretPaths.includes(path)) return;
    if (typeof value === "string" && (value.includes("mock-random-password") || value.includes("__plan_secret__"))) leaks.push(`${r.name}.${path}`);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(r, v, path ? `${path}.${i}` : String(i)));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(r, v, path ? `${path}.${k}` : k);
  };
  for (const r of resources) walk(r, r.inputs, "");
  assert.deepEqual(leaks, []);
});

test("the server is provisioned before the provider connects, the provider before databases, databases before the apps' recipes", async () => {
  const { resources } = await runProgram();
  const serverComponent = resources.find((r) => r.type === "homelab:index:LxcService" && r.name === "postgres") as RecordedResource;
  const descendants = (urn: string): RecordedResource[] => resources.filter((r) => r.parentUrn === urn).flatMap((c) => [c, ...descendants(c.urn)]);
  const serverParts = descendants(serverComponent.urn).filter((r) => r.custom);
  assert.ok(serverParts.length >= 1);
  const provider = byName(resources, "postgres-provider");
  for (const part of serverParts) assert.ok(provider.dependencies.includes(part.urn), `the provider waits for ${part.name}`);
  for (const r of [...ofType(resources, ROLE), ...ofType(resources, DATABASE), ...ofType(resources, GRANT), ...ofType(resources, EXTENSION)]) {
    assert.ok(r.provider.startsWith(`${provider.urn}::`), `${r.name} goes through the admin provider`);
  }
  for (const app of Object.keys(DB_APPS)) {
    const recipe = byName(resources, `${app}-provision`);
    const deps = dependencyNames(recipe);
    assert.ok(deps.includes(`postgres-${app}-database`), `${app} waits for its database`);
    assert.ok(deps.includes(`postgres-${app}-role`), `${app} waits for its role`);
  }
});

test("roles and databases are protected and retained; only allowDataLoss lets a destroy drop them", async () => {
  const kept = await runProgram();
  for (const r of [...ofType(kept.resources, ROLE), ...ofType(kept.resources, DATABASE)]) {
    assert.deepEqual([r.name, r.protect, r.retainOnDelete], [r.name, true, true]);
  }
  const config = exampleConfig();
  config["homelab:allowDataLoss"] = true;
  const loose = await runProgram(config);
  for (const r of [...ofType(loose.resources, ROLE), ...ofType(loose.resources, DATABASE)]) {
    assert.deepEqual([r.name, r.protect, r.retainOnDelete], [r.name, false, false]);
  }
});

test("the component exposes each app's db.env as a secret, plus the admin and monitoring passwords", async () => {
  const model = modelOf();
  installMocks();
  let captured: SharedPostgres | undefined;
  await runStack(() => {
    const provider = new proxmoxve.Provider("proxmox", {});
    captured = new SharedPostgres("postgres", {
      server: server(model),
      apps: model.services,
      settings: model.postgres,
      operatorCidrs: model.network.operatorCidrs,
      containerIps: model.services.map((s) => s.ip),
      platform: {
        domain: model.domain,
        network: model.network,
        proxmox: model.proxmox,
        templateIds: {},
        connection: { host: "192.168.1.10", port: 22, user: "root", privateKey: pulumi.secret("key") },
        lanes: new CreationLanes(1),
        provider,
        allowDataLoss: false,
      },
      dependsOn: [],
    });
    return {};
  });
  const pg = captured as SharedPostgres;
  const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));
  const isSecret = (o: pulumi.Output<unknown>): Promise<boolean> => (o as unknown as { isSecret: Promise<boolean> }).isSecret;
  assert.deepEqual(Object.keys(pg.connectionFiles).sort(), Object.keys(DB_APPS).sort());
  const nextcloud = pg.connectionFiles.nextcloud;
  assert.ok(nextcloud);
  assert.equal(nextcloud.path, "/etc/homelab/db.env");
  assert.equal(await isSecret(nextcloud.content), true);
  assert.equal(
    await value(nextcloud.content),
    "PGHOST=192.168.1.110\nPGPORT=5432\nPGDATABASE=nextcloud\nPGUSER=nextcloud\nPGPASSWORD=mock-random-password-postgres-nextcloud-password\n",
  );
  assert.equal(await isSecret(pg.adminPassword), true);
  assert.equal(await isSecret(pg.monitoringPassword), true);
  assert.deepEqual([pg.host, pg.port, pg.monitoringRole], ["192.168.1.110", 5432, "postgres_exporter"]);
});

test("postgresql.conf sizes memory from the container and counts every connection", () => {
  const model = modelOf();
  const plan = planDatabases(server(model), model.services, model.postgres);
  const conf = renderPostgresqlConf(plan, 4096);
  const settings = Object.fromEntries(conf.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(" = ") as [string, string]));
  assert.deepEqual(settings, {
    listen_addresses: "'127.0.0.1,192.168.1.110'",
    port: "5432",
    max_connections: "58",
    superuser_reserved_connections: "5",
    password_encryption: "'scram-sha-256'",
    shared_buffers: "'1024MB'",
    effective_cache_size: "'3072MB'",
    work_mem: "'17MB'",
    maintenance_work_mem: "'256MB'",
  });
  // Every connection running three sorts still fits beside shared buffers.
  for (const [mem, conns] of [[1024, 64], [4096, 58], [16384, 200], [65536, 500]] as const) {
    const m = memorySettings(mem, conns);
    assert.ok(m.sharedBuffersMiB + m.workMemMiB * conns * 3 <= mem, `${mem} MiB / ${conns}`);
    assert.ok(m.maintenanceWorkMemMiB <= 2048 && m.maintenanceWorkMemMiB >= 16);
  }
});

test("without an app that needs VectorChord nothing is preloaded and no extension package is installed", () => {
  const config = exampleConfig();
  (config["homelab:services"] as Record<string, Record<string, unknown>>).immich = { vmId: 120, ip: "192.168.1.120", database: false };
  const model = modelOf(config);
  const plan = planDatabases(server(model), model.services, model.postgres);
  assert.doesNotMatch(renderPostgresqlConf(plan, 4096), /shared_preload_libraries/);
  const script = renderRecipeScript({ server: server(model), plan, admin: adminOf(model), vectorchordVersion: "0.4.3", exporterPort: 9187 });
  assert.doesNotMatch(script, /pgvector|vchord/);
  assert.match(script, /apt-get install -y -q --no-install-recommends postgresql-17 prometheus-postgres-exporter\n/);
  // Without pgvector, Debian 13's own PostgreSQL 17 serves; only other majors or releases need PGDG.
  assert.match(script, /\n  trixie:17\) ;;\n/);
  assert.equal(plan.budget.maxConnections, 48);
});

test("pg_hba.conf lets each app role in only from its own container to its own database, the admin never from a container, and rejects the rest last", () => {
  const model = modelOf();
  const plan = planDatabases(server(model), model.services, model.postgres);
  const rules = renderPgHba(plan, adminOf(model))
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(/\s+/));
  assert.deepEqual(rules, [
    ["local", "all", "postgres", "peer"],
    ["host", "postgres", "postgres_exporter", "127.0.0.1/32", "scram-sha-256"],
    // First match wins: every container is refused the superuser before the operator's network lets it in.
    ...model.services.map((s) => s.ip).sort((a, b) => Number(a.split(".")[3]) - Number(b.split(".")[3])).map((ip) => ["host", "all", "postgres", `${ip}/32`, "reject"]),
    ["host", "all", "postgres", "192.168.1.10/32", "scram-sha-256"],
    ["host", "all", "postgres", "192.168.1.0/24", "scram-sha-256"],
    ["host", "immich", "immich", "192.168.1.120/32", "scram-sha-256"],
    ["host", "nextcloud", "nextcloud", "192.168.1.121/32", "scram-sha-256"],
    ["host", "n8n", "n8n", "192.168.1.122/32", "scram-sha-256"],
    ["host", "vaultwarden", "vaultwarden", "192.168.1.123/32", "scram-sha-256"],
    ["local", "all", "all", "reject"],
    ["host", "all", "all", "0.0.0.0/0", "reject"],
    ["host", "all", "all", "::/0", "reject"],
    ["host", "replication", "all", "0.0.0.0/0", "reject"],
    ["host", "replication", "all", "::/0", "reject"],
  ]);
});

test("the admin's networks come from operatorCidrs, which default to adminCidrs and then to the LAN", () => {
  const config = exampleConfig();
  assert.deepEqual(modelOf(config).network.operatorCidrs, ["192.168.1.0/24"]);
  at(config, "homelab:network").adminCidrs = ["192.168.1.0/26"];
  assert.deepEqual(modelOf(config).network.operatorCidrs, ["192.168.1.0/26"]);
  at(config, "homelab:network").operatorCidrs = ["192.168.1.50/32", "10.8.0.0/24"];
  const model = modelOf(config);
  assert.deepEqual(model.network.operatorCidrs, ["192.168.1.50/32", "10.8.0.0/24"]);
  const admitted = renderPgHba(planDatabases(server(model), model.services, model.postgres), adminOf(model))
    .split("\n")
    .filter((l) => /^host\s+all\s+postgres\s/.test(l) && l.endsWith("scram-sha-256"))
    .map((l) => l.split(/\s+/)[3]);
  assert.deepEqual(admitted, ["192.168.1.10/32", "192.168.1.50/32", "10.8.0.0/24"]);
});

test("the postgres user has the catalog ids (outside the system range) before the recipe installs anything; the recipe pins the major and passes shellcheck", (t) => {
  const model = modelOf();
  const s = server(model);
  const plan = planDatabases(s, model.services, model.postgres);
  const script = renderRecipeScript({ server: s, plan, admin: adminOf(model), vectorchordVersion: "0.4.3", exporterPort: 9187 });
  const at = (needle: string): number => {
    const i = script.indexOf(needle);
    assert.ok(i >= 0, `recipe has: ${needle}`);
    return i;
  };
  // LxcService's file step creates the account before any recipe runs; the recipe refuses other ids.
  assert.match(renderAccount(s), /^ensure_user 5432 5432 postgres \/var\/lib\/postgresql \/bin\/bash$/m);
  assert.ok(at('[ "$(id -u postgres):$(id -g postgres)" = "5432:5432" ]') < at("apt-get install -y -q --no-install-recommends postgresql-common"));
  assert.ok(at("apt-get install -y -q --no-install-recommends postgresql-common") < at("apt-get install -y -q --no-install-recommends postgresql-17 prometheus-postgres-exporter postgresql-17-pgvector"));
  at("mountpoint -q \"$DATA_ROOT\"");
  // Debian 13 packages PostgreSQL 17 and its pgvector; PGDG (key pinned) only for anything else.
  assert.ok(at("  trixie:17) ;;") < at("B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8"));
  assert.doesNotMatch(script, /vchord|VCHORD/, "VectorChord is its own step");
  const preload = renderPreloadScript(plan, "0.4.3");
  assert.ok(preload.indexOf("VCHORD_VERSION=0.4.3") < preload.indexOf("shared_preload_libraries = 'vchord.so'"), "the library is installed before it is preloaded");
  assert.ok(preload.includes(vectorchordUrl(17, "0.4.3")));
  assert.doesNotMatch(script, /mock-random-password|__plan_secret__/);
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!shellcheck) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-pg-recipe-"));
  try {
    const file = join(dir, "recipe.sh");
    // With a pinned checksum too, so the verify branch is checked as well.
    for (const text of [script, preload, renderPreloadScript(plan, "0.4.3", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]) {
      writeFileSync(file, `#!/usr/bin/env bash\nset -euo pipefail\n${text}`);
      const result = run(shellcheck, ["--severity=style", file]);
      assert.equal(result.status, 0, result.stdout);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an app's db.env holds exactly libpq's five variables", () => {
  assert.equal(renderDbEnv({ host: "10.0.0.5", port: 5432, database: "n8n", user: "n8n", password: "p-w" }), "PGHOST=10.0.0.5\nPGPORT=5432\nPGDATABASE=n8n\nPGUSER=n8n\nPGPASSWORD=p-w\n");
});

test("the exporter reads its role and password from the env file, over loopback, on the catalog's metrics port", () => {
  assert.equal(
    renderExporterEnv({ role: "postgres_exporter", password: "p-w", database: "postgres", listenPort: 9187 }),
    "DATA_SOURCE_NAME=\nDATA_SOURCE_URI=127.0.0.1:5432/postgres?sslmode=disable\nDATA_SOURCE_USER=postgres_exporter\nDATA_SOURCE_PASS=p-w\nARGS=--web.listen-address=:9187\n",
  );
});

test("the plan report lists databases, owners, extensions and the pools against max_connections", () => {
  const [section] = postgresReport(modelOf());
  assert.ok(section);
  const text = section.lines.join("\n");
  assert.match(text, /^immich\s+immich\s+192\.168\.1\.120\s+vector, vchord, cube, earthdistance\s+10$/m);
  assert.match(text, /^n8n\s+n8n\s+192\.168\.1\.122\s+uuid-ossp\s+10$/m);
  assert.match(text, /max_connections = 58: app pools 50 \+ admin 5 \(superuser-reserved\) \+ monitoring 3/);
});

test("an app's recipe waits for its own role, database and extensions, so a VectorChord download holds back Immich alone", async () => {
  const { resources } = await runProgram();
  const immich = dependencyNames(byName(resources, "immich-provision"));
  assert.ok(immich.includes("postgres-immich-vchord") && immich.includes("postgres-immich-database"), "immich's recipe waits for its database and vchord");
  const n8n = dependencyNames(byName(resources, "n8n-provision"));
  assert.ok(n8n.includes("postgres-n8n-database") && n8n.includes("postgres-n8n-uuid-ossp"), "n8n's recipe waits for its database and extension");
  for (const other of ["postgres-preload", "postgres-immich-vchord", "postgres-immich-database"]) assert.ok(!n8n.includes(other), `n8n does not wait for ${other}`);
  // Containers (and so the creation lanes) wait for no app's database: a missing extension blocks one recipe.
  for (const c of ofType(resources, "proxmoxve:index/containerLegacy:ContainerLegacy")) {
    assert.ok(!dependencyNames(c).some((d) => /^postgres-.*-(database|role|vchord|vector|cube|earthdistance|uuid-ossp)$/.test(d)), `${c.name} waits for no database`);
  }
  // The backup needs the server running, not VectorChord.
  const backup = dependencyNames(byName(resources, "backup-init"));
  assert.ok(backup.includes("postgres-provision") && !backup.includes("postgres-preload") && !backup.includes("postgres-immich-vchord"), backup.join(","));
  const preload = byName(resources, "postgres-preload");
  assert.ok(dependencyNames(byName(resources, "postgres-immich-vchord")).includes("postgres-preload"), "vchord waits for its library");
  assert.match(String(preload.inputs.create), /pct exec 110 -- bash -s$/);
});
