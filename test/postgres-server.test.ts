import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { renderBootstrapSql } from "../components/shared-postgres/bootstrap-sql";
import { planDatabases, type DatabasePlan } from "../components/shared-postgres/databases";
import { renderPgHba } from "../components/shared-postgres/pg-hba";
import { postgresqlSettings, renderPostgresqlConf } from "../components/shared-postgres/postgresql-conf";
import type { Homelab, Service } from "../config";
import { SUPPORTED_EXTENSIONS } from "../config/schema";
import { exampleConfig, modelOf } from "./harness";
import { socketArgs, startCluster, type PgCluster } from "./pg-cluster";
import { postgresBinDir, requireTool } from "./tools";

/**
 * The rendered postgresql.conf and pg_hba.conf on a real PostgreSQL from Debian, with the declared
 * roles, databases, grants and extensions replayed as SQL rendered from the same plan the Pulumi
 * resources come from.
 *
 * Addresses: the example network is moved to 127.0.0.0/24 (Linux routes all of 127/8 to lo), so the
 * server listens on 127.0.0.110 and each app connects from its own 127.0.0.x. libpq cannot choose a
 * source address, so a small TCP relay in a child process opens the server-side connection from the
 * app's address; pg_hba.conf then sees exactly the address it would see from the app's container.
 *
 * Extensions: pgvector and VectorChord are not packaged by Debian 12 (the server installs them from
 * PGDG and VectorChord's release). The test asserts they are planned and that the preload line is
 * rendered, then leaves exactly those unavailable ones out of the replay and says so in its output;
 * contrib extensions (uuid-ossp) must be available and are replayed.
 */

const asRoot = (): boolean => typeof process.getuid === "function" && process.getuid() === 0;

function loopbackModel(major: number): Homelab {
  const config = exampleConfig();
  // The operator's network is the whole LAN, app containers included: they must still be refused the superuser.
  config["homelab:network"] = { bridge: "vmbr0", cidr: "127.0.0.0/24", gateway: "127.0.0.1", dns: ["127.0.0.53"], adminCidrs: ["127.0.0.192/27"], operatorCidrs: ["127.0.0.0/24"] };
  (config["homelab:proxmox"] as Record<string, unknown>).sshAddress = "127.0.0.10";
  const services = config["homelab:services"] as Record<string, Record<string, unknown>>;
  for (const s of Object.values(services)) s.ip = String(s.ip).replace("192.168.1.", "127.0.0.");
  // The installed major, in both places the config check compares.
  config["homelab:postgres"] = { ...(config["homelab:postgres"] as object), version: major };
  services.postgres = { ...services.postgres, install: { method: "debian", version: String(major) } };
  // A small pool keeps the connection-limit check to a handful of processes.
  services.vaultwarden = { ...services.vaultwarden, database: { pool: 2 } };
  return modelOf(config);
}

const password = (): string => randomBytes(24).toString("base64url");

/** Relays 127.0.0.1:<port> to the server, connecting from each given source address. */
const RELAY = `
const net = require("net");
const [host, port, ...sources] = process.argv.slice(1);
const ports = {};
let pending = sources.length;
for (const source of sources) {
  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port: Number(port), localAddress: source });
    const close = () => { client.destroy(); upstream.destroy(); };
    client.pipe(upstream); upstream.pipe(client);
    for (const s of [client, upstream]) { s.on("error", close); s.on("close", close); }
  });
  server.listen(0, "127.0.0.1", () => { ports[source] = server.address().port; if (--pending === 0) console.log(JSON.stringify(ports)); });
}`;

async function startRelay(host: string, port: number, sources: readonly string[]): Promise<{ ports: Record<string, number>; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(process.execPath, ["-e", RELAY, host, String(port), ...sources]);
  const ports = await new Promise<Record<string, number>>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(JSON.parse(out) as Record<string, number>);
    });
    child.on("exit", (code) => reject(new Error(`relay exited with ${code}`)));
  });
  return { ports, child };
}

/** psql arguments and environment as the cluster owner would run them. */
function psqlCommand(cluster: PgCluster, args: readonly string[], pw: string): [string, string[]] {
  const psql = `${cluster.bin}/psql`;
  return asRoot() ? ["runuser", ["-u", "postgres", "--", "env", `PGPASSWORD=${pw}`, psql, ...args]] : [psql, [...args]];
}

/** A session held open until `close`, ready once it answered its first query. */
async function holdSession(cluster: PgCluster, args: readonly string[], pw: string): Promise<{ close: () => Promise<void> }> {
  const [cmd, argv] = psqlCommand(cluster, args, pw);
  const child = spawn(cmd, argv, { env: { ...process.env, PGPASSWORD: pw }, cwd: "/" });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`held session exited with ${code}`)));
    child.stdin.write("SELECT 'ready';\n");
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit");
        child.on("exit", () => resolve());
        child.stdin.end();
      }),
  };
}

test("the rendered configuration and the declared databases hold on a real PostgreSQL", async (t) => {
  const bin = postgresBinDir();
  if (!requireTool(t, "initdb", "postgresql", bin ? [bin] : [])) return;
  const binDir = bin as string;
  const major = Number(binDir.split("/").at(-2));
  const model = loopbackModel(major);
  const server = model.services.find((s) => s.name === "postgres") as Service;
  const plan = planDatabases(server, model.services, model.postgres);

  const conf = renderPostgresqlConf(plan, server.memoryMiB);
  const hba = renderPgHba(plan, { proxmoxHost: model.proxmox.sshAddress, operatorCidrs: model.network.operatorCidrs, containerIps: model.services.map((s) => s.ip) });

  // The preload is the VectorChord step's (its library is not installable here), not this file's.
  assert.doesNotMatch(conf, /shared_preload_libraries/);
  assert.deepEqual(plan.preloadLibraries, ["vchord.so"], "immich's vchord is preloaded by its own step");
  const loadableConf = conf;
  t.diagnostic("left out of the test server: the VectorChord step (its release package is not in Debian)");

  const passwords: Record<string, string> = { postgres: password(), [plan.monitoring.role]: password() };
  for (const app of plan.apps) passwords[app.owner] = password();
  const admin = passwords.postgres as string;

  const cluster = await startCluster(binDir, { conf: loadableConf, hba, superuserPassword: admin, listenAddresses: null });
  const relay = await startRelay(plan.host, cluster.port, ["127.0.0.10", "127.0.0.200", ...new Set(model.services.map((s) => s.ip))]);
  let restored: PgCluster | undefined;
  try {
    const sql = (text: string, database = "postgres"): string => {
      const r = cluster.psql(text, { database });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    /** Connects as `user` to `database` from `source`, through the relay, with the user's password. */
    const from = (source: string, user: string, database: string, text: string, pw = passwords[user] ?? "") => {
      const port = relay.ports[source];
      assert.ok(port, `relay for ${source}`);
      return cluster.exec("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database], text, { PGPASSWORD: pw });
    };
    const appOf = (service: string) => {
      const app = plan.apps.find((a) => a.service === service);
      assert.ok(app, service);
      return app;
    };

    await t.test("postgresql.conf and pg_hba.conf load with no error and the server runs with the rendered values", () => {
      assert.equal(sql("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL"), "0");
      assert.equal(sql("SELECT count(*) FROM pg_file_settings WHERE error IS NOT NULL"), "0");
      const ruleLines = hba.split("\n").filter((l) => l.trim() && !l.startsWith("#")).length;
      // One more: the test's own socket login for its superuser session.
      assert.equal(sql("SELECT count(*) FROM pg_hba_file_rules"), String(ruleLines + 1));
      for (const [name, rendered] of postgresqlSettings(plan, server.memoryMiB)) {
        if (name === "port" || name === "shared_preload_libraries") continue;
        const value = rendered.replace(/^'|'$/g, "");
        const mib = /^(\d+)MB$/.exec(value);
        if (mib) assert.equal(sql(`SELECT pg_size_bytes(current_setting('${name}'))`), String(Number(mib[1]) * 1024 * 1024), name);
        else assert.equal(sql(`SELECT current_setting('${name}')`), value, name);
      }
    });

    const available = new Set(sql("SELECT name FROM pg_available_extensions").split("\n"));
    const missing = [...new Set(plan.apps.flatMap((a) => a.extensions))].filter((e) => !available.has(e));
    await t.test("only extensions from outside Debian are unavailable here, and they are named", () => {
      for (const e of missing) assert.notEqual(SUPPORTED_EXTENSIONS[e]?.source, "contrib", `${e} ships with PostgreSQL and must be available`);
      assert.ok(available.has("uuid-ossp"));
      t.diagnostic(`planned but not installable on this test server, left out of the replay: ${missing.join(", ") || "none"}`);
    });
    const replayable: DatabasePlan = { ...plan, apps: plan.apps.map((a) => ({ ...a, extensions: a.extensions.filter((e) => available.has(e)) })) };
    const replay = cluster.psql(renderBootstrapSql(replayable, passwords));
    assert.equal(replay.status, 0, replay.stderr);

    await t.test("each app role connects from its own container to its own database and creates a table there", () => {
      assert.equal(sql("SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'public'", "nextcloud"), major >= 15 ? "pg_database_owner" : "postgres");
      for (const app of plan.apps) {
        const r = from(app.ip, app.owner, app.database, `CREATE TABLE notes (id int PRIMARY KEY, body text);\nINSERT INTO notes VALUES (1, '${app.service} one'), (2, '${app.service} two');\nSELECT current_user || '@' || current_database();`);
        assert.equal(r.status, 0, `${app.service}: ${r.stderr}`);
        assert.equal(r.stdout.trim(), `${app.owner}@${app.database}`);
      }
      assert.equal(from(appOf("n8n").ip, "n8n", "n8n", "SELECT length(uuid_generate_v4()::text);").stdout.trim(), "36");
    });

    await t.test("an app role cannot connect to another app's database, nor from another container", () => {
      const immich = appOf("immich");
      const nextcloud = appOf("nextcloud");
      const other = from(immich.ip, "immich", "nextcloud", "SELECT 1;");
      assert.notEqual(other.status, 0);
      assert.match(other.stderr, /pg_hba\.conf rejects connection for host "127\.0\.0\.120", user "immich", database "nextcloud"/);
      const elsewhere = from(immich.ip, "nextcloud", "nextcloud", "SELECT 1;");
      assert.match(elsewhere.stderr, /pg_hba\.conf rejects connection for host "127\.0\.0\.120", user "nextcloud"/);
      // Behind pg_hba.conf, the databases themselves refuse strangers too.
      assert.equal(sql(`SELECT has_database_privilege('immich', '${nextcloud.database}', 'CONNECT'), has_database_privilege('nextcloud', '${nextcloud.database}', 'CONNECT')`), "f|t");
    });

    await t.test("an app role cannot create roles or databases", () => {
      const n8n = appOf("n8n");
      assert.match(from(n8n.ip, "n8n", "n8n", "CREATE ROLE intruder;").stderr, /permission denied to create role/);
      assert.match(from(n8n.ip, "n8n", "n8n", "CREATE DATABASE intruder;").stderr, /permission denied to create database/);
    });

    await t.test("connections past a role's limit are refused", async () => {
      const vw = appOf("vaultwarden");
      const args = ["-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", String(relay.ports[vw.ip]), "-U", vw.owner, "-d", vw.database];
      const held = [];
      for (let i = 0; i < vw.connectionLimit; i++) held.push(await holdSession(cluster, args, passwords[vw.owner] ?? ""));
      try {
        const extra = from(vw.ip, vw.owner, vw.database, "SELECT 1;");
        assert.notEqual(extra.status, 0);
        assert.match(extra.stderr, /too many connections for role "vaultwarden"/);
      } finally {
        for (const h of held) await h.close();
      }
    });

    await t.test("the admin connects only from the Proxmox host and the operator's network, never from a container inside it; the exporter only over loopback", () => {
      assert.equal(from("127.0.0.10", "postgres", "immich", "SELECT current_user;", admin).stdout.trim(), "postgres");
      assert.equal(from("127.0.0.200", "postgres", "postgres", "SELECT current_user;", admin).stdout.trim(), "postgres");
      // Every container sits inside operatorCidrs here, and each is refused with the right password.
      for (const s of model.services) {
        assert.match(from(s.ip, "postgres", "postgres", "SELECT 1;", admin).stderr, /pg_hba\.conf rejects connection for host "[\d.]+", user "postgres"/, s.name);
      }
      const monitor = plan.monitoring.role;
      const local = cluster.exec("psql", ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(cluster.port), "-U", monitor, "-d", "postgres"], "SELECT pg_has_role(current_user, 'pg_monitor', 'MEMBER'), rolsuper FROM pg_roles WHERE rolname = current_user;", { PGPASSWORD: passwords[monitor] ?? "" });
      assert.equal(local.stdout.trim(), "t|f", local.stderr);
      assert.match(from(appOf("n8n").ip, monitor, "postgres", "SELECT 1;").stderr, /pg_hba\.conf rejects connection/);
    });

    await t.test("a pg_dumpall of the cluster restores into a fresh cluster with identical rows, owners and limits", async () => {
      const dump = cluster.exec("pg_dumpall", [...socketArgs(cluster), "-U", "postgres"]);
      assert.equal(dump.status, 0, dump.stderr);
      restored = await startCluster(binDir);
      const load = restored.exec("psql", [...socketArgs(restored), "-X", "-q", "-U", "postgres", "-d", "postgres"], dump.stdout);
      assert.equal(load.status, 0, load.stderr);
      // The fresh cluster already has its superuser; that is the only statement allowed to fail.
      assert.deepEqual(load.stderr.split("\n").filter((l) => l.includes("ERROR")).map((l) => l.replace(/^.*ERROR:\s+/, "")), ['role "postgres" already exists']);
      const fresh = restored;
      const both = (text: string, database = "postgres"): [string, string] => {
        const r = fresh.psql(text, { database });
        assert.equal(r.status, 0, r.stderr);
        return [sql(text, database), r.stdout.trim()];
      };
      for (const app of plan.apps) {
        const [before, after] = both("SELECT string_agg(id || ':' || body, ',' ORDER BY id) || ' owned by ' || (SELECT tableowner FROM pg_tables WHERE tablename = 'notes') FROM notes", app.database);
        assert.equal(after, before);
        assert.equal(after, `1:${app.service} one,2:${app.service} two owned by ${app.owner}`);
      }
      const [rolesBefore, rolesAfter] = both("SELECT string_agg(rolname || ' ' || rolconnlimit || ' ' || rolcreaterole || rolcreatedb || rolsuper, ',' ORDER BY rolname) FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%'");
      assert.equal(rolesAfter, rolesBefore);
      const [dbsBefore, dbsAfter] = both("SELECT string_agg(datname || ' ' || pg_get_userbyid(datdba) || ' ' || coalesce(datacl::text, ''), ',' ORDER BY datname) FROM pg_database");
      assert.equal(dbsAfter, dbsBefore);
      const [extBefore, extAfter] = both("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension", "n8n");
      assert.equal(extAfter, extBefore);
      assert.match(extAfter, /uuid-ossp/);
    });
  } finally {
    relay.child.kill();
    restored?.stop();
    cluster.stop();
  }
});
