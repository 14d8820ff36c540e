import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { renderAccount } from "../components/lxc-service/account";
import { recipeLogPath, renderPushFiles, renderRecipeScript, secretFileCommand, secretFileScript } from "../components/lxc-service/push-files";
import { DB_ENV_PATH } from "../components/lxc-service/db-env";
import { appRecipe } from "../components/lxc-service/recipes";
import { READ_DB_ENV } from "../components/lxc-service/recipes/shell-steps";
import { securityUpdatesStep } from "../components/lxc-service/recipes/security-updates";
import { jellyfinVersion, servarrUrl } from "../components/lxc-service/recipes/native-apps";
import { composeRunningTag, debianInstalledVersion, majorStepGuard } from "../components/lxc-service/recipes/major-step-guard";
import type { Recipe } from "../components/lxc-service/types";
import { datasetDirCommand } from "../components/tiered-storage/dataset-dir";
import { hostPackagesCommand } from "../components/proxmox-host/host-packages";
import { grafanaRecipeScript } from "../components/monitoring-stack/grafana-recipe";
import { catalog, catalogApps, majorOf, type Homelab, type Service } from "../config";
import { exampleConfig, modelOf, runProgram, tierOf } from "./harness";
import { requireTool, run } from "./tools";

/**
 * Every script the homelab sends to a shell, checked by the real shellcheck; every compose file parsed
 * and checked for pinned images; and the promise that replacing a container loses nothing.
 */

const within = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

/** The example stack with every catalog app present (the example already runs each of them once). */
function everyAppModel(): Homelab {
  const config = exampleConfig();
  // Sonarr pins a checksum and Radarr does not, so both download branches are rendered.
  const sonarr = (config["homelab:services"] as Record<string, Record<string, unknown>>).sonarr;
  assert.ok(sonarr);
  sonarr.install = { method: "binary", version: catalog.sonarr?.install.version, sha256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" };
  const model = modelOf(config);
  const apps = new Set(model.services.map((s) => s.app));
  assert.deepEqual(catalogApps().filter((a) => !apps.has(a)), [], "the example stack runs every catalog app");
  return model;
}

const recipes = (model: Homelab): [Service, Recipe][] =>
  model.services.flatMap((s): [Service, Recipe][] => {
    const r = appRecipe(s, { lanCidr: model.network.cidrText, ...(s.firstBoot === "claimed" ? { admin: TEST_ADMIN } : {}) });
    return r ? [[s, r]] : [];
  });

/** The generated admin a claimed app's recipe receives from LxcService. */
const TEST_ADMIN = { user: "admin", password: pulumi.secret("Gen3ratedAdminPassw0rdForTests42") };

const plainFiles = (r: Recipe): { path: string; content: string }[] =>
  r.files.filter((f) => !f.secret).map((f) => {
    assert.equal(typeof f.content, "string", `${f.path}: recipe files are rendered text`);
    return { path: f.path, content: f.content as string };
  });

/** Every script with a name: recipes as `bash -s` receives them, push scripts, and host command lines. */
function allScripts(model: Homelab): [string, string][] {
  const scripts: [string, string][] = [];
  for (const [s, r] of recipes(model)) {
    scripts.push([`${s.name}-recipe`, renderRecipeScript(r.script)]);
    scripts.push([`${s.name}-files`, renderPushFiles(renderAccount(s), plainFiles(r).map((f) => ({ ...f, mode: "0644", owner: "root:root" })))]);
  }
  const jellyfin = model.services.find((s) => s.name === "jellyfin");
  assert.ok(jellyfin && jellyfin.devices.length > 0, "the device group path of the account script is covered");
  scripts.push(["secret-file", `#!/bin/sh\n${secretFileScript("/etc/homelab/db.env", "0600", "root:root")}\n`]);
  // On the host line the inner script is single-quoted on purpose: the container's sh expands it.
  scripts.push(["secret-file-host", `#!/bin/sh\n# shellcheck disable=SC2016\n${secretFileCommand(123, "/etc/homelab/db.env", "0600", "root:root")}\n`]);
  for (const d of model.datasets) scripts.push([`dataset-${d.name}`, `#!/bin/sh\n${datasetDirCommand(d, tierOf(model, d.tier))}\n`]);
  scripts.push(["host-packages", `#!/bin/sh\n${hostPackagesCommand(["restic", "prometheus-node-exporter"])}\n`]);
  return scripts;
}

test("every rendered script passes shellcheck", (t) => {
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!shellcheck) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-shellcheck-"));
  try {
    const scripts = allScripts(everyAppModel());
    assert.ok(scripts.length > 40);
    const paths = scripts.map(([name, text]) => {
      const path = join(dir, `${name}.sh`);
      writeFileSync(path, text);
      return path;
    });
    const result = run(shellcheck, ["--severity=style", ...paths]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("shellcheck is not a rubber stamp: it rejects an unquoted expansion", (t) => {
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!shellcheck) return;
  const result = run(shellcheck, ["-"], { input: "#!/bin/bash\nset -euo pipefail\nrm -rf $1/data\n" });
  assert.notEqual(result.status, 0);
  assert.match(result.stdout, /SC2086/);
});

const IMAGE = /^(?<name>[a-z0-9]+(?:[._\/-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[0-9a-f]{64}))?$/;

/** An image reference is pinned when it has a tag other than latest, or a digest. */
export function isPinnedImage(ref: string): boolean {
  const m = IMAGE.exec(ref);
  if (!m?.groups) return false;
  const { tag, digest } = m.groups;
  return digest !== undefined || (tag !== undefined && tag !== "latest");
}

test("the image pin rule accepts tags and digests and rejects latest and bare names", () => {
  assert.ok(isPinnedImage("ghcr.io/immich-app/immich-server:v1.135.3"));
  assert.ok(isPinnedImage(`docker.io/library/nginx@sha256:${"a".repeat(64)}`));
  assert.ok(isPinnedImage("localhost:5000/app:1.2"));
  assert.ok(!isPinnedImage("docker.io/library/nginx"));
  assert.ok(!isPinnedImage("nginx:latest"));
  assert.ok(!isPinnedImage("localhost:5000/app"));
});

test("every compose file parses, pins every image, and keeps every bind volume on a dataset", () => {
  const model = everyAppModel();
  const composeApps = recipes(model).filter(([s]) => s.install.method === "compose");
  assert.deepEqual(composeApps.map(([s]) => s.name).sort(), ["immich", "n8n", "nextcloud", "uptime-kuma", "vaultwarden"]);
  for (const [s, r] of composeApps) {
    const file = plainFiles(r).find((f) => f.path === `/opt/${s.name}/compose.yaml`);
    assert.ok(file, `${s.name} renders its compose file`);
    const doc = parse(file.content) as { name: string; services: Record<string, { image: string; volumes?: string[]; restart: string; env_file?: string[] }> };
    assert.equal(doc.name, s.name);
    const services = Object.entries(doc.services);
    assert.ok(services.length > 0);
    for (const [name, svc] of services) {
      assert.ok(isPinnedImage(svc.image), `${s.name}/${name}: ${svc.image} is not pinned`);
      assert.equal(svc.restart, "unless-stopped", "containers come back after a reboot");
      for (const v of svc.volumes ?? []) {
        const source = v.split(":")[0] ?? "";
        if (source === "/etc/localtime") continue;
        assert.ok(s.mounts.some((m) => !m.readOnly && within(source, m.path)), `${s.name}/${name}: volume ${v} is not on a dataset`);
      }
      if (svc.env_file) assert.equal(s.database !== undefined, true, `${s.name}/${name} reads database settings it has no database for`);
    }
    // The app's own version is the tag of its main image.
    assert.ok(services.some(([, svc]) => svc.image.endsWith(`:${s.install.version}`)), `${s.name} runs ${s.install.version}`);
  }
});

/** The parsed compose file of a catalog compose app in the example stack. */
function composeOf(model: Homelab, name: string): { services: Record<string, { image: string; volumes?: string[]; environment?: Record<string, string> }> } {
  const [s, r] = recipes(model).find(([x]) => x.name === name) ?? assert.fail(name);
  const file = plainFiles(r).find((f) => f.path === `/opt/${s.name}/compose.yaml`) ?? assert.fail(`${name} compose file`);
  return parse(file.content) as ReturnType<typeof composeOf>;
}

test("Immich's library is mounted at /data, where its own compose file puts it, and both images run the pin", () => {
  const model = everyAppModel();
  const immich = model.services.find((s) => s.name === "immich") ?? assert.fail("immich");
  const doc = composeOf(model, "immich");
  assert.deepEqual(doc.services["immich-server"]?.volumes, ["/data/immich/library:/data", "/etc/localtime:/etc/localtime:ro"]);
  assert.equal(doc.services["immich-server"]?.image, "ghcr.io/immich-app/immich-server:v3.3.1");
  assert.equal(doc.services["immich-machine-learning"]?.image, `ghcr.io/immich-app/immich-machine-learning:${immich.install.version}`);
  assert.equal(doc.services["immich-server"]?.environment?.DB_VECTOR_EXTENSION, "vectorchord");
});

test("n8n 2.x keeps its encryption key and files on its dataset and sets no deprecated runner switch", () => {
  const doc = composeOf(everyAppModel(), "n8n");
  const n8n = doc.services.n8n ?? assert.fail("n8n service");
  assert.equal(n8n.image, "docker.n8n.io/n8nio/n8n:2.42.5");
  assert.deepEqual(n8n.volumes, ["/data/n8n:/home/node/.n8n"]);
  // N8N_RUNNERS_ENABLED is deprecated from 2.0: the task runner is always on.
  assert.equal(n8n.environment?.N8N_RUNNERS_ENABLED, undefined);
  assert.equal(n8n.environment?.DB_TYPE, "postgresdb");
});

test("Uptime Kuma 2.x keeps kuma.db on its dataset and is told to use SQLite instead of asking on first start", () => {
  const kuma = composeOf(everyAppModel(), "uptime-kuma").services["uptime-kuma"] ?? assert.fail("uptime-kuma service");
  assert.equal(kuma.image, "docker.io/louislam/uptime-kuma:2.5.5");
  assert.deepEqual(kuma.volumes, ["/data/uptime-kuma:/app/data"]);
  assert.deepEqual(kuma.environment, { UPTIME_KUMA_DB_TYPE: "sqlite" });
});

test("a port mapping survives a YAML 1.1 reader as a string", () => {
  const model = everyAppModel();
  const [, r] = recipes(model).find(([s]) => s.name === "immich") ?? assert.fail("immich");
  const content = plainFiles(r)[0]?.content ?? "";
  assert.match(content, /- "2283:2283"/);
  const doc = parse(content, { version: "1.1" }) as { services: Record<string, { ports?: unknown[] }> };
  assert.deepEqual(doc.services["immich-server"]?.ports, ["2283:2283"]);
});

test("containers are cattle, datasets are pets: for every catalog app every state path is on a writable dataset", () => {
  const model = everyAppModel();
  for (const app of catalogApps()) {
    const spec = catalog[app];
    assert.ok(spec);
    assert.ok((spec.statePaths ?? []).length > 0 || ["traefik", "cloudflared"].includes(app), `${app} declares where it keeps state`);
    for (const s of model.services.filter((x) => x.app === app)) {
      for (const p of s.statePaths) {
        const mount = s.mounts.find((m) => within(p, m.path));
        assert.ok(mount, `${s.name}: ${p} is not on a dataset`);
        assert.equal(mount.readOnly, false, `${s.name}: ${p} is on a read-only mount`);
        const dataset = model.datasets.find((d) => d.name === mount.dataset);
        assert.ok(dataset && within(dataset.hostPath, tierOf(model, dataset.tier).path), `${s.name}: ${p} lives on its tier`);
      }
    }
  }
});

test("native apps keep their state where the catalog says: unit data flags point into state paths", () => {
  const model = everyAppModel();
  for (const [s, r] of recipes(model).filter(([x]) => x.install.method !== "compose")) {
    const text = [r.script, ...plainFiles(r).map((f) => f.content)].join("\n");
    const flags = [...text.matchAll(/--(?:home|profile)=(\S+)|-data=(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
    for (const dir of flags) assert.ok(s.statePaths.some((p) => within(dir, p)), `${s.name}: ${dir} is not a state path`);
    if (s.app !== "jellyfin") assert.ok(flags.length > 0, `${s.name} names its data directory`);
  }
});

test("recipes pin versions: upstream globs for Debian packages, checked after install; apt pins for vendor repos; versioned release URLs", () => {
  const model = everyAppModel();
  const text = (name: string): string => {
    const found = recipes(model).find(([s]) => s.name === name);
    assert.ok(found);
    return found[1].script;
  };
  assert.match(text("qbittorrent"), /Package: qbittorrent-nox\nPin: version 5\.1\.\*\nPin-Priority: 1001/);
  assert.match(text("qbittorrent"), /\ncheck_version qbittorrent-nox '5\.1\.\*'\n/);
  // repo.jellyfin.org versions a release <tag without v>+<deb13|deb12>: the 12.1 line takes 12.1.1, never 12.10 (proven with apt below).
  for (const pkg of ["jellyfin-server", "jellyfin-web"]) {
    assert.ok(text("jellyfin").includes(`Package: ${pkg}\nPin: version /^12\\.1[.+]/\nPin-Priority: 1001`), `${pkg} pinned to the 12.1 line`);
    assert.ok(text("jellyfin").includes(`\ncheck_version ${pkg} '12.1[.+]*'\n`), `${pkg} checked after install`);
  }
  assert.match(text("jellyfin"), /\napt_install jellyfin-server jellyfin-web jellyfin-ffmpeg8\n/);
  assert.match(text("syncthing"), /Package: syncthing\nPin: version 1\.29\.\*\nPin-Priority: 1001/);
  // docker-cli is only a Recommends of docker.io: without it the rehearsal found no `docker` command.
  for (const [pkg, glob] of [["docker.io", "26.1.*"], ["docker-cli", "26.1.*"], ["docker-compose", "2.26.*"], ["containerd", "1.7.*"], ["runc", "1.1.*"]]) {
    assert.ok(text("immich").includes(`Package: ${pkg}\nPin: version ${glob}\nPin-Priority: 1001`), `${pkg} pinned to ${glob}`);
  }
  // No exact Debian revision anywhere: those leave the archive at the next point release.
  for (const [, r] of recipes(model)) assert.doesNotMatch(r.script, /\+deb1[23]u\d|\+b\d+\b/);
  // The ICU package is found in the release's archive (libicu76 on Debian 13), not named for Debian 12.
  // Jellyfin is .NET too, and its package depends on no ICU (jellyfin-packaging debian/control).
  for (const app of ["sonarr", "jellyfin"]) {
    assert.doesNotMatch(text(app), /libicu\d+ /);
    assert.match(text(app), /apt-cache pkgnames libicu[^\n]*\n[^\n]*\napt_install "\$icu"/, `${app} installs the release's ICU`);
  }
  assert.equal(servarrUrl("sonarr", "4.0.20.3014"), "https://github.com/Sonarr/Sonarr/releases/download/v4.0.20.3014/Sonarr.main.4.0.20.3014.linux-x64.tar.gz");
  assert.equal(servarrUrl("radarr", "6.4.4.10685"), "https://github.com/Radarr/Radarr/releases/download/v6.4.4.10685/Radarr.master.6.4.4.10685.linux-core-x64.tar.gz");
  assert.equal(servarrUrl("prowlarr", "2.6.5.5623"), "https://github.com/Prowlarr/Prowlarr/releases/download/v2.6.5.5623/Prowlarr.master.2.6.5.5623.linux-core-x64.tar.gz");
  for (const app of ["sonarr", "radarr", "prowlarr"]) assert.ok(text(app).includes(servarrUrl(app, catalog[app]?.install.version ?? "")), `${app} downloads its catalog pin`);
});

test("apps on the shared database read it from the 0600 db.env file, never from a rendered file", () => {
  const model = everyAppModel();
  for (const [s, r] of recipes(model)) {
    const uses = r.script.includes("/etc/homelab/db.env");
    assert.equal(uses, s.database !== undefined, `${s.name} reads db.env iff it has a database`);
    for (const f of plainFiles(r)) assert.ok(!/PASSWORD=|PGPASSWORD/.test(f.content) || f.content.includes("_FILE"), `${f.path} holds no password`);
    if (uses) assert.match(r.script, new RegExp(`\\| put_file /opt/${s.name}/db\\.env 0600 root:root`));
  }
});

test("the account step creates the app user with its catalog uid and gid before any file lands", () => {
  const model = everyAppModel();
  const sonarr = model.services.find((s) => s.name === "sonarr");
  assert.ok(sonarr);
  const script = renderPushFiles(renderAccount(sonarr), [{ path: "/etc/x", content: "x", mode: "0644", owner: "sonarr:sonarr" }]);
  const user = script.indexOf("ensure_user 1000 2000 sonarr /var/lib/sonarr /usr/sbin/nologin");
  assert.ok(user > 0 && user < script.indexOf("put_file /etc/x"));
  const immich = model.services.find((s) => s.name === "immich");
  assert.ok(immich);
  assert.equal(renderAccount(immich), "", "a root app needs no account");
});

test("the push script is idempotent: a second run rewrites nothing, a changed file is replaced atomically", (t) => {
  const bash = requireTool(t, "bash", "bash");
  if (!bash) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-push-"));
  try {
    const owner = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
    const tricky = "line with 'quotes' and $HOME and `ticks`\nHOMELAB_EOF_0\n";
    const script = (content: string): string =>
      renderPushFiles("", [
        { path: `${dir}/etc/app/config.yaml`, content, mode: "0640", owner },
        { path: `${dir}/etc/app/other`, content: "unchanged\n", mode: "0644", owner },
      ]);
    assert.equal(run(bash, ["-s"], { input: script(tricky) }).status, 0);
    assert.equal(readFileSync(`${dir}/etc/app/config.yaml`, "utf8"), tricky);
    assert.equal(statSync(`${dir}/etc/app/config.yaml`).mode & 0o777, 0o640);
    const before = statSync(`${dir}/etc/app/other`).ino;
    const configBefore = statSync(`${dir}/etc/app/config.yaml`).ino;
    assert.equal(run(bash, ["-s"], { input: script(tricky) }).status, 0);
    assert.equal(statSync(`${dir}/etc/app/config.yaml`).ino, configBefore, "same bytes: the file is left alone");
    assert.equal(run(bash, ["-s"], { input: script("new\n") }).status, 0);
    assert.equal(readFileSync(`${dir}/etc/app/config.yaml`, "utf8"), "new\n");
    assert.equal(statSync(`${dir}/etc/app/other`).ino, before);
    assert.deepEqual(readdirSync(`${dir}/etc/app`).sort(), ["config.yaml", "other"], "no temporary file is left behind");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the database env reader takes quoted values as data and URL-encodes a password for Vaultwarden", (t) => {
  const bash = requireTool(t, "bash", "bash");
  if (!bash) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-dbenv-"));
  try {
    const envFile = join(dir, "db.env");
    writeFileSync(envFile, "PGHOST=192.168.1.110\nPGPORT='5432'\nPGDATABASE=\"vaultwarden\"\nPGUSER=vaultwarden\nPGPASSWORD='p@ss w/rd$(touch pwned)'\n", { mode: 0o600 });
    const reader = READ_DB_ENV.split(DB_ENV_PATH).join(envFile);
    const result = run(bash, ["-s"], {
      input: `set -euo pipefail\n${reader}printf '%s|%s|%s|%s\\n' "$PGHOST" "$PGPORT" "$PGDATABASE" "$PGPASSWORD"\nurlencode "$PGPASSWORD"\n`,
      cwd: dir,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, "192.168.1.110|5432|vaultwarden|p@ss w/rd$(touch pwned)\np%40ss%20w%2Frd%24%28touch%20pwned%29");
    assert.ok(!readdirSync(dir).includes("pwned"), "a value is never executed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("SharedPostgres writes the database env file with the keys the recipes read", async () => {
  const pg = await import("../components/shared-postgres/db-env");
  const written = pg.renderDbEnv({ host: "h", port: 5432, database: "d", user: "u", password: "p" });
  assert.deepEqual(written.trim().split("\n").map((l) => l.split("=")[0]), ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD"]);
});

/** Runs an app's major-step guard under bash -euo pipefail, with `probe` as its question and a docker that does `docker`. */
function runGuard(service: Service, probe: string, docker = "true"): { status: number; stderr: string; calls: string } {
  const dir = mkdtempSync(join(tmpdir(), "homelab-guard-"));
  try {
    writeFileSync(join(dir, "docker"), `#!/bin/bash\necho "$*" >> ${dir}/calls\n${docker}\n`, { mode: 0o755 });
    const r = run("bash", ["-euo", "pipefail", "-c", majorStepGuard(service, probe)], { env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ""}` } });
    const calls = statSync(join(dir, "calls"), { throwIfNoEntry: false }) ? readFileSync(join(dir, "calls"), "utf8") : "";
    return { status: r.status, stderr: r.stderr, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a guard's message is the same however the test runner was started: no socket on stdin, no SHLVL, and bash reads no startup file", (t) => {
  const saved = process.env.SHLVL;
  t.after(() => {
    if (saved === undefined) delete process.env.SHLVL;
    else process.env.SHLVL = saved;
  });
  // A runner started without SHLVL hands bash level 1; with a socket on stdin it then read /etc/bash.bashrc.
  delete process.env.SHLVL;
  const immich = modelOf().services.find((s) => s.app === "immich") as Service;
  const guard = runGuard(immich, composeProbe(immich, "immich-server"), "echo ghcr.io/immich-app/immich-server:v1.135.3");
  assert.equal(guard.status, 1);
  assert.match(guard.stderr, /^immich runs v1\.135\.3, and the pin v3\.3\.1 skips a major: [^\n]*\n$/);
  assert.equal(run("bash", ["-c", "[ -S /dev/stdin ] && echo socket || echo file"]).stdout, "file\n");
  assert.equal(run("bash", ["-c", "[ -S /dev/stdin ] && echo socket || cat"], { input: "given" }).stdout, "given");
});

/** What the compose recipe asks Docker about a service's pinned container. */
const composeProbe = (s: Service, composeService: string): string => composeRunningTag(["docker", "compose", "--file", `/opt/${s.name}/compose.yaml`], composeService);

test("an install on a major the pin skips stops before up, naming the release line to run first; one major ahead, a fresh install, or no answer from Docker goes on", () => {
  const model = modelOf();
  const immich = model.services.find((s) => s.app === "immich") as Service;
  assert.equal(immich.install.version, "v3.3.1");
  const skipped = runGuard(immich, composeProbe(immich, "immich-server"), "echo ghcr.io/immich-app/immich-server:v1.135.3");
  assert.equal(skipped.status, 1);
  assert.equal(
    skipped.stderr.trim(),
    "immich runs v1.135.3, and the pin v3.3.1 skips a major: immich upgrades one major at a time. Set homelab:services.immich.install.version to a v2.x release and homelab:services.immich.install.from to v1.135.3, run pulumi up, then v3.3.1; back up immich's data before each step",
  );
  assert.equal(skipped.calls.trim(), "compose --file /opt/immich/compose.yaml ps --all --format {{.Image}} immich-server", "it asks Docker what the pinned service's container runs");
  assert.equal(runGuard(immich, composeProbe(immich, "immich-server"), "echo ghcr.io/immich-app/immich-server:v2.4.1").status, 0, "one major ahead");
  assert.equal(runGuard(immich, composeProbe(immich, "immich-server"), "echo ghcr.io/immich-app/immich-server:v3.3.1").status, 0, "the same release");
  assert.equal(runGuard(immich, composeProbe(immich, "immich-server"), "true").status, 0, "no container yet: a fresh install");
  assert.equal(runGuard(immich, composeProbe(immich, "immich-server"), "exit 1").status, 0, "Docker cannot tell: the plan's install.from check is all there is");

  const nextcloud = model.services.find((s) => s.app === "nextcloud") as Service;
  const fromOld = runGuard(nextcloud, composeProbe(nextcloud, "nextcloud"), "echo docker.io/library/nextcloud:33.0.2-apache");
  assert.equal(fromOld.status, 1);
  assert.match(fromOld.stderr, /runs 33\.0\.2-apache, and the pin 35\.0\.1-apache skips a major: .* to a 34\.x release /);

  // Grafana from its apt repository: dpkg knows what is installed (the real dpkg-query, on a package this machine has).
  const grafana = model.services.find((s) => s.app === "grafana") as Service;
  assert.equal(majorOf(grafana.install.version), 13);
  assert.equal(runGuard(grafana, debianInstalledVersion("no-such-package-here")).status, 0, "not installed: a fresh install");
  const dpkg = run("bash", ["-c", debianInstalledVersion("bash")]);
  assert.match(dpkg.stdout, /^\d+\.\d+/, "dpkg-query prints the installed version alone");
  const oldGrafana = runGuard(grafana, "echo 11.6.1");
  assert.equal(oldGrafana.status, 1);
  assert.match(oldGrafana.stderr, /^grafana runs 11\.6\.1, and the pin 13\.2\.3 skips a major: .* to a 12\.x release and homelab:services\.grafana\.install\.from to 11\.6\.1/);
});

test("the guard sits between Compose's check of the file and its up, for the apps that upgrade one major at a time, on the service that runs the pin", () => {
  const model = modelOf();
  const guarded: string[] = [];
  for (const s of model.services.filter((x) => x.install.method === "compose" && x.app in catalog)) {
    const recipe = appRecipe(s, { lanCidr: model.network.cidrText, ...(s.firstBoot === "claimed" ? { admin: TEST_ADMIN } : {}) });
    assert.ok(recipe, s.name);
    const script = recipe.script;
    const guard = script.indexOf("upgrades one major at a time: a pin more than one major past");
    if (s.upgrade?.oneMajorAtATime) {
      guarded.push(s.name);
      assert.ok(guard >= 0, `${s.name}: its recipe carries the guard`);
      assert.ok(guard > script.indexOf(" config --quiet"), `${s.name}: after the file is checked`);
      assert.ok(guard < script.indexOf(" up --detach"), `${s.name}: before anything running is touched`);
      const asked = /ps --all --format '\{\{\.Image\}\}' ([a-z0-9-]+)/.exec(script)?.[1] ?? "";
      const composeFile = recipe.files.find((f) => f.path === `/opt/${s.name}/compose.yaml`)?.content;
      const services = (parse(String(composeFile)) as { services: Record<string, { image: string }> }).services;
      assert.match(services[asked]?.image ?? "", new RegExp(`:${s.install.version.replace(/\./g, "\\.")}$`), `${s.name}: ${asked} runs the pinned version`);
    } else {
      assert.equal(guard, -1, `${s.name} may jump majors: no guard`);
    }
  }
  assert.deepEqual(guarded.sort(), ["immich", "n8n", "nextcloud", "uptime-kuma"]);
  const grafana = modelOf().services.find((s) => s.app === "grafana") as Service;
  const script = grafanaRecipeScript(grafana);
  const asks = script.indexOf(`running="$(${debianInstalledVersion("grafana")} 2>/dev/null || true)"`);
  assert.ok(asks >= 0, "Grafana's recipe asks dpkg what runs");
  assert.ok(asks < script.indexOf(`grafana=${grafana.install.version}`), "before it installs the pin");
});

test("the Jellyfin pin takes the line's point releases and no other line, as apt and check_version read it", (t) => {
  const aptGet = requireTool(t, "apt-get", "apt");
  const aptCache = requireTool(t, "apt-cache", "apt");
  const bash = requireTool(t, "bash", "bash");
  if (!aptGet || !aptCache || !bash) return;
  const { pin, glob } = jellyfinVersion("12.1");
  const versions = ["12.0.3+deb13", "12.1+deb13", "12.1.1+deb13", "12.10+deb13", "12.2+deb13"];
  const root = mkdtempSync(join(tmpdir(), "homelab-aptpin-"));
  try {
    for (const d of ["repo", "etc/preferences.d", "state/lists/partial", "cache/archives/partial"]) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, "status"), "");
    writeFileSync(join(root, "repo/Packages"), versions.map((v) => `Package: jellyfin-server\nVersion: ${v}\nArchitecture: all\nFilename: j_${v}.deb\nSize: 1\nDescription: stand-in\n`).join("\n"));
    writeFileSync(join(root, "etc/sources.list"), `deb [trusted=yes] file:${root}/repo ./\n`);
    writeFileSync(join(root, "etc/preferences.d/jellyfin"), `Package: jellyfin-server\nPin: version ${pin}\nPin-Priority: 1001\n`);
    const opts = ["-o", `Dir::Etc=${root}/etc`, "-o", `Dir::State=${root}/state`, "-o", `Dir::State::status=${root}/status`, "-o", `Dir::Cache=${root}/cache`];
    const update = run(aptGet, [...opts, "update", "-qq"]);
    assert.equal(update.status, 0, update.stderr);
    const policy = run(aptCache, [...opts, "policy", "jellyfin-server"]);
    assert.equal(policy.status, 0, policy.stderr);
    const pinned = [...policy.stdout.matchAll(/^\s+(?:\*\*\* )?(\S+) 1001$/gm)].map((m) => m[1]).sort();
    assert.deepEqual(pinned, ["12.1+deb13", "12.1.1+deb13"]);
    assert.match(policy.stdout, /Candidate: 12\.1\.1\+deb13/);
    const checked = versions.filter((v) => run(bash, ["-c", `[[ "$1" == ${glob} ]]`, "-", v]).status === 0);
    assert.deepEqual(checked, ["12.1+deb13", "12.1.1+deb13"]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** A rendered recipe run under bash as `pct exec` would, its log moved under `dir`, with systemctl and getent standing in for a booted container. */
function runRecipe(dir: string, recipe: string, step: string): { status: number; stdout: string; stderr: string; log: string } {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "systemctl"), "#!/bin/sh\necho running\n", { mode: 0o755 });
  writeFileSync(join(bin, "getent"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  writeFileSync(join(bin, "apt-get"), "#!/bin/sh\necho \"E: Unable to locate package $3\" >&2\nexit 100\n", { mode: 0o755 });
  const log = join(dir, "log", `${step}.log`);
  // The security-updates step is the container's own business (test/security-updates.test.ts); this runs the recipe's.
  const script = renderRecipeScript(recipe, step, 120).replace(recipeLogPath(step), log).replace(securityUpdatesStep(), "");
  const r = run("bash", ["-s"], { input: script, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` } });
  return { ...r, log };
}

test("a failing recipe leaves its whole output in a 0600 log in the container, and tells the host the failing step and the log's path, never the secret", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "homelab-recipe-log-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const secret = join(dir, "secret.env");
  writeFileSync(secret, "ADMIN_PASSWORD=SECRET-IN-A-FILE\n", { mode: 0o600 });
  const recipe = `echo "configuring with $(cat ${secret})"
install_app() {
  apt-get install -y no-such-package
  echo "never reached"
}
install_app
echo "not reached either"
`;
  const r = runRecipe(dir, recipe, "nextcloud-provision");
  assert.notEqual(r.status, 0);
  const script = renderRecipeScript(recipe, "nextcloud-provision", 120).replace(securityUpdatesStep(), "").split("\n");
  const line = script.findIndex((l) => l.includes("apt-get install -y no-such-package")) + 1;
  assert.match(r.stderr, new RegExp(`recipe nextcloud-provision failed with exit status 100 at line ${line}: apt-get install -y no-such-package\\n`));
  assert.ok(r.stderr.includes(`its output is in ${r.log} in the container: pct exec 120 -- cat ${r.log}`), r.stderr);
  assert.ok(!`${r.stdout}${r.stderr}`.includes("SECRET-IN-A-FILE"), "the output that reaches Pulumi holds no secret");
  assert.ok(!r.stderr.includes("E: Unable to locate"), "the failing command's own output stays in the log");
  const log = readFileSync(r.log, "utf8");
  assert.match(log, /configuring with ADMIN_PASSWORD=SECRET-IN-A-FILE/);
  assert.match(log, /E: Unable to locate package no-such-package/);
  assert.ok(!log.includes("never reached"));
  assert.equal(statSync(r.log).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, "log")).mode & 0o777, 0o700);
});

test("a recipe that exits on its own says so and points at the log; one that succeeds says nothing and keeps its log", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "homelab-recipe-log-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const exited = runRecipe(dir, 'echo "the pinned version is gone" >&2\nexit 3\n', "jellyfin-provision");
  assert.equal(exited.status, 3);
  assert.match(exited.stderr, /recipe jellyfin-provision failed with exit status 3 at line \?: an exit of its own \(the last lines of the log say why\)\n/);
  assert.match(readFileSync(exited.log, "utf8"), /the pinned version is gone/);
  const ok = runRecipe(dir, 'echo "installed"\n', "mealie-provision");
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout + ok.stderr, "");
  assert.equal(readFileSync(ok.log, "utf8"), "installed\n");
});

test("every recipe step names its own log and keeps the trap that reports its failure: the LXC recipes, the Proxmox exporter and the Postgres preload", async () => {
  const { resources } = await runProgram();
  const steps = resources.filter((r) => r.type === "command:remote:Command" && /^#!\/bin\/bash\nset -Eeuo pipefail\n/.test(String(r.inputs.stdin ?? "")));
  assert.ok(steps.length >= 10, `only ${steps.length} recipe steps`);
  for (const s of steps) {
    const text = String(s.inputs.stdin);
    assert.ok(text.includes(`homelab_log=${recipeLogPath(s.name)}\n`), `${s.name} logs to ${recipeLogPath(s.name)}`);
    // A recipe's own EXIT trap would replace the one that tells the host what failed.
    assert.deepEqual([...text.matchAll(/^\s*trap .* EXIT$/gm)].map((m) => m[0]), ["trap homelab_failed EXIT"], s.name);
  }
  assert.ok(steps.some((s) => s.name === "monitoring-pve-exporter"));
});
