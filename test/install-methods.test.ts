import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { appRecipe } from "../components/lxc-service/recipes";
import { HELPER_FUNCTIONS } from "../components/lxc-service/recipes/helper-functions";
import { helperScriptUrl } from "../components/lxc-service/recipes/install-methods";
import { fetchFileCommand, renderRecipeScript } from "../components/lxc-service/push-files";
import type { Recipe } from "../components/lxc-service/types";
import { catalog } from "../config/catalog";
import { checkComposeFile } from "../config/compose-file";
import type { Homelab, Service } from "../config";
import { byName, dependencyNames, exampleConfig, modelOf, ROOT, runProgram } from "./harness";
import { ADGUARD_COMMIT, documentedOwnApps, withOwnApps } from "./own-apps";
import { assertYamlFilesAsLibraryWrites, pushedFiles } from "./yaml-files";
import { requireTool, run } from "./tools";

/**
 * Apps outside the catalog, installed by the methods any app can use: a compose file or a script from
 * the repository, Debian packages, or a community-scripts install script pinned to a commit.
 */

const serviceOf = (model: Homelab, name: string): Service => model.services.find((s) => s.name === name) ?? assert.fail(`no service ${name}`);
const recipeOf = (model: Homelab, name: string): Recipe => appRecipe(serviceOf(model, name), { lanCidr: model.network.cidrText }) ?? assert.fail(`${name} has no recipe`);
const fileOf = (r: Recipe, path: string): string => {
  const f = r.files.find((x) => x.path === path) ?? assert.fail(`no file ${path}`);
  assert.equal(typeof f.content, "string");
  return f.content as string;
};

test("the own-apps page's example holds three apps outside the catalog, one per method it shows, pinned to a full commit", () => {
  const apps = documentedOwnApps();
  assert.deepEqual(Object.keys(apps).sort(), ["adguard", "mealie", "mosquitto"]);
  for (const name of Object.keys(apps)) assert.equal(catalog[name], undefined, `${name} is in the catalog`);
  assert.deepEqual(Object.values(apps).map((a) => (a.install as { method: string }).method).sort(), ["compose", "debian", "helper-script"]);
  assert.match(ADGUARD_COMMIT, /^[0-9a-f]{40}$/);
});

test("a compose app from the repository runs its file, named for the service, on its database env file", () => {
  const model = modelOf(withOwnApps());
  const mealie = serviceOf(model, "mealie");
  assert.equal(mealie.install.source?.kind, "compose");
  const r = recipeOf(model, "mealie");
  const doc = parse(fileOf(r, "/opt/mealie/compose.yaml")) as { name: string; services: Record<string, { image: string; env_file: string[]; restart: string; volumes: string[] }> };
  assert.equal(doc.name, "mealie");
  assert.equal(doc.services.mealie?.image, "ghcr.io/mealie-recipes/mealie:v3.6.1");
  assert.deepEqual(doc.services.mealie?.env_file, ["/opt/mealie/db.env"]);
  assert.equal(doc.services.mealie?.restart, "unless-stopped");
  assert.deepEqual(doc.services.mealie?.volumes, ["/srv/mealie:/app/data"]);
  assert.match(fileOf(r, "/opt/mealie/compose.yaml"), /- "9000:9000"/, "a YAML 1.1 reader keeps the port mapping a string");
  // The database env file is derived from the shared one, and is Compose's --env-file for ${PGHOST}.
  assert.match(r.script, /read_db_env\n/);
  assert.match(r.script, /printf '%s=%s\\n' DATABASE_URL "postgresql:\/\/\$\(urlencode "\$PGUSER"\)/);
  assert.match(r.script, /\| put_file \/opt\/mealie\/db\.env 0600 root:root\n/);
  assert.ok(r.script.includes("docker compose --env-file /opt/mealie/db.env --file /opt/mealie/compose.yaml config --quiet\n"));
  assert.ok(r.script.includes("docker compose --env-file /opt/mealie/db.env --file /opt/mealie/compose.yaml up --detach --remove-orphans --quiet-pull\n"));
  assert.equal(model.datasets.find((d) => d.name === "mealie-data")?.hostPath, "/mnt/nvme/apps/mealie/data");
});

test("a catalog app takes the same keys: with a source its catalog recipe steps aside", () => {
  const config = exampleConfig();
  const kuma = (config["homelab:services"] as Record<string, Record<string, unknown>>)["uptime-kuma"]!;
  kuma.install = { method: "helper-script", script: "uptimekuma", commit: ADGUARD_COMMIT };
  const model = modelOf(config);
  assert.equal(serviceOf(model, "uptime-kuma").install.source?.kind, "helper-script");
  const r = recipeOf(model, "uptime-kuma");
  assert.equal(r.fetched?.[0]?.url, helperScriptUrl("uptimekuma", ADGUARD_COMMIT));
  assert.doesNotMatch(r.script, /docker compose/, "the catalog's compose recipe is not used");
  // Without a source the catalog recipe stays, at its catalog version.
  assert.match(recipeOf(modelOf(), "uptime-kuma").script, /docker compose --file \/opt\/uptime-kuma\/compose\.yaml up/);
});

test("Debian packages are pinned to their upstream glob and checked after the install", () => {
  const r = recipeOf(modelOf(withOwnApps()), "mosquitto");
  assert.match(r.script, /put_file \/etc\/apt\/preferences\.d\/homelab-mosquitto 0644 root:root <<'EOF'\nPackage: mosquitto\nPin: version 2\.0\.\*\nPin-Priority: 1001\nEOF\napt_install mosquitto\ncheck_version mosquitto '2\.0\.\*'\n/);
});

test("packages from a vendor repository trust only the key with the pinned fingerprint", () => {
  const config = withOwnApps();
  const fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
  (config["homelab:services"] as Record<string, Record<string, unknown>>).mosquitto!.install = {
    method: "debian",
    packages: { mosquitto: "2.0.*" },
    repository: { url: "https://repo.example.org/debian", suite: "trixie", components: ["main"], keyUrl: "https://repo.example.org/key.asc", fingerprint: fingerprint.toLowerCase().replace(/(.{4})/g, "$1 ").trim() },
  };
  const r = recipeOf(modelOf(config), "mosquitto");
  assert.ok(r.script.includes(`grep -q '^fpr:::::::::${fingerprint}:'`), "the normalised fingerprint is checked");
  assert.ok(r.script.includes("curl -fsSL --retry 3 -o /etc/apt/keyrings/homelab-mosquitto.gpg.tmp https://repo.example.org/key.asc"));
  assert.ok(r.script.includes("deb [signed-by=/etc/apt/keyrings/homelab-mosquitto.gpg] https://repo.example.org/debian trixie main\n"));
  assert.match(r.script, /Package: mosquitto\nPin: version 2\.0\.\*\nPin-Priority: 1001/);
  assert.match(r.script, /apt_install mosquitto\ncheck_version mosquitto '2\.0\.\*'\n/);
  // The key is fetched and checked before the list that trusts it is written.
  assert.ok(r.script.indexOf("gpg --show-keys") < r.script.indexOf("/etc/apt/sources.list.d/homelab-mosquitto.list"));
});

test("a script from the repository is pushed and run as root with the service's facts", () => {
  const config = withOwnApps();
  (config["homelab:services"] as Record<string, Record<string, unknown>>).mosquitto!.install = { method: "script", file: "test/fixtures/apps/demo/install.sh" };
  const r = recipeOf(modelOf(config), "mosquitto");
  assert.equal(fileOf(r, "/usr/local/lib/homelab/install/mosquitto.sh"), readFileSync(join(ROOT, "test/fixtures/apps/demo/install.sh"), "utf8"));
  assert.equal(r.files[0]?.mode, "0755");
  assert.match(r.script, /export HOMELAB_SERVICE=mosquitto\nexport HOMELAB_USER=mosquitto\nbash \/usr\/local\/lib\/homelab\/install\/mosquitto\.sh\n$/);
});

test("a helper script is fetched on the host at its commit and run in the container once per pin", () => {
  const model = modelOf(withOwnApps());
  const r = recipeOf(model, "adguard");
  const url = helperScriptUrl("adguard", ADGUARD_COMMIT);
  assert.equal(url, `https://raw.githubusercontent.com/community-scripts/ProxmoxVE/${ADGUARD_COMMIT}/install/adguard-install.sh`);
  assert.deepEqual(r.fetched, [{ url, sha256: undefined, path: "/usr/local/lib/homelab/helper-scripts/adguard-install.sh" }]);
  assert.equal(fileOf(r, "/usr/local/lib/homelab/helper-functions.sh"), HELPER_FUNCTIONS);
  for (const line of ["apt_install sudo jq", "rm -f /usr/lib/python3.*/EXTERNALLY-MANAGED", "export APPLICATION=adguard", "export CTTYPE=1", "export PCT_OSTYPE=debian", "export SSH_ROOT=no", "export VERBOSE=yes", 'FUNCTIONS_FILE_PATH="$(cat /usr/local/lib/homelab/helper-functions.sh)"']) {
    assert.ok(r.script.includes(`${line}\n`), `recipe sets ${line}`);
  }
  assert.ok(r.script.includes(`bash /usr/local/lib/homelab/helper-scripts/adguard-install.sh < "$answers"\n`));
  assert.ok(r.script.includes(`!= ${ADGUARD_COMMIT}: ]; then`), "runs again only for another pin");
});

test("the host fetch checks a pinned sha256 before the script goes into the container", () => {
  const sha = "a".repeat(64);
  const cmd = fetchFileCommand(150, { url: helperScriptUrl("adguard", ADGUARD_COMMIT), sha256: sha, path: "/usr/local/lib/homelab/helper-scripts/adguard-install.sh" });
  assert.ok(cmd.includes(`curl -fsSL --retry 3 https://raw.githubusercontent.com/community-scripts/ProxmoxVE/${ADGUARD_COMMIT}/install/adguard-install.sh -o "$cache.tmp"`));
  assert.ok(cmd.indexOf(`if [ "$have" != ${sha} ]; then`) < cmd.indexOf("pct exec 150"), "checked before it is written");
  assert.match(cmd, /pct exec 150 -- sh -c .*\/usr\/local\/lib\/homelab\/helper-scripts\/adguard-install\.sh.* < "\$cache"$/);
});

test("the program registers the fetch on the host before the helper script's recipe runs", async () => {
  const { resources } = await runProgram(withOwnApps());
  const fetch = byName(resources, "adguard-fetch-0");
  assert.match(String(fetch.inputs.create), new RegExp(`ProxmoxVE/${ADGUARD_COMMIT}/install/adguard-install\\.sh`));
  assert.ok(dependencyNames(byName(resources, "adguard-provision")).includes("adguard-fetch-0"));
  assert.match(String(byName(resources, "mosquitto-provision").inputs.stdin), /check_version mosquitto '2\.0\.\*'/);
  assert.match(String(byName(resources, "mealie-files").inputs.stdin), /put_file \/opt\/mealie\/compose\.yaml/);
});

test("every YAML file pushed for the own-apps page's apps is what the yaml package writes for its value, the compose file from the repository too", async () => {
  const { resources } = await runProgram(withOwnApps());
  assertYamlFilesAsLibraryWrites(resources, 9);
  assert.ok(pushedFiles(String(byName(resources, "mealie-files").inputs.stdin)).has("/opt/mealie/compose.yaml"));
});

test("a compose file's volumes must land on the service's datasets, and its images be pinned", () => {
  const mounts = [{ dataset: "x-data", tier: "nvme" as const, hostPath: "/mnt/nvme/apps/x/data", path: "/srv/x", readOnly: false }, { dataset: "media", tier: "raid" as const, hostPath: "/mnt/raid/media", path: "/media", readOnly: true }];
  const ok = (volumes: unknown[]): string[] => checkComposeFile("c.yaml", JSON.stringify({ services: { a: { image: "nginx:1.29.0", volumes } } }), mounts).problems;
  assert.deepEqual(ok(["/srv/x/html:/usr/share/nginx/html", "/media:/media:ro", "/etc/localtime:/etc/localtime:ro", { type: "tmpfs", target: "/tmp" }]), []);
  assert.match(ok(["/media/film:/film"]).join(), /not on a writable dataset of the service; its source must lie under one of: \/srv\/x, \/media/);
  assert.match(ok(["/srv/other:/data"]).join(), /not on a writable dataset/);
  assert.match(ok([{ type: "bind", source: "/var/lib/x", target: "/x" }]).join(), /'bind \/var\/lib\/x:\/x' is not on a writable dataset/);
  assert.match(ok(["./html:/html"]).join(), /has a relative source/);
  assert.match(ok(["cache:/cache"]).join(), /is a named or anonymous volume on the container's root disk/);
  assert.match(checkComposeFile("c.yaml", "services: { a: { image: nginx } }", mounts).problems.join(), /service 'a' runs 'nginx', which is not pinned/);
  assert.match(checkComposeFile("c.yaml", "services: { a: { build: . } }", mounts).problems.join(), /service 'a' has no image/);
  assert.match(checkComposeFile("c.yaml", "services: {\n  a: [", mounts).problems.join(), /c\.yaml is not valid YAML at line \d+, column \d+/);
});

/** A PATH directory whose apt-get records its arguments instead of changing this machine. */
function aptStub(dir: string): string {
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "apt-get"), `#!/bin/bash\nprintf '%s\\n' "$*" >> ${JSON.stringify(join(dir, "apt.log"))}\necho "apt-get output for $1"\n`);
  chmodSync(join(bin, "apt-get"), 0o755);
  return bin;
}

function runFixture(t: import("node:test").TestContext, env: Record<string, string>): { status: number; stdout: string; stderr: string; dir: string; apt: string[] } | undefined {
  const bash = requireTool(t, "bash", "bash");
  if (!bash) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "homelab-helper-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = aptStub(dir);
  const answers = "n\n".repeat(100);
  const result = run(bash, [join(ROOT, "test/fixtures/helper-scripts/demo-install.sh")], {
    input: answers,
    env: {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      FUNCTIONS_FILE_PATH: HELPER_FUNCTIONS,
      APPLICATION: "Demo",
      app: "demo",
      tz: "Etc/UTC",
      VERBOSE: "no",
      CTTYPE: "1",
      PCT_OSTYPE: "debian",
      PCT_OSVERSION: "13",
      NETWORK_CHECK_HOST: "localhost",
      DEMO_PREFIX: dir,
      ...env,
    },
  });
  let apt: string[] = [];
  try {
    apt = readFileSync(join(dir, "apt.log"), "utf8").trimEnd().split("\n");
  } catch {
    apt = [];
  }
  return { ...result, dir, apt };
}

test("an install script of the helper-script shape runs to the end with the homelab's helper functions", (t) => {
  const r = runFixture(t, {});
  if (!r) return;
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(r.dir, "opt/demo/install.info"), "utf8"), "app=demo os=debian-13 type=1 tz=Etc/UTC\n");
  assert.throws(() => readFileSync(join(r.dir, "opt/demo/extras")), "the prompt read 'n': optional extras declined");
  assert.deepEqual(r.apt, ["update", "-o Dpkg::Options::=--force-confold -y dist-upgrade", "install -y curl", "-y autoremove", "-y autoclean"]);
  assert.match(r.stdout, /\[ok\] localhost resolves\n/);
  assert.match(r.stdout, /\[ok\] Installed Demo\n/);
  assert.doesNotMatch(r.stdout, /apt-get output/, "$STD keeps a successful command quiet");
  assert.doesNotMatch(r.stdout + r.stderr, /\x1b\[/, "no terminal escape codes");
});

test("a failing step stops the helper script with its line and command", (t) => {
  const r = runFixture(t, { DEMO_FAIL: "yes" });
  if (!r) return;
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /\[failed\] line \d+: exit code 1: false/);
  assert.deepEqual(r.apt.slice(-1), ["install -y curl"], "nothing after the failure ran");
});

test("a helper the homelab does not provide fails by name instead of running half an install", (t) => {
  const r = runFixture(t, { DEMO_TOOLS: "yes" });
  if (!r) return;
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /fetch_and_deploy_gh_release: not a command here, nor one of the install\.func functions this homelab provides/);
});

test("network_check fails instead of asking when the name does not resolve", (t) => {
  const r = runFixture(t, { NETWORK_CHECK_HOST: "does-not-exist.invalid" });
  if (!r) return;
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /does-not-exist\.invalid does not resolve/);
  assert.deepEqual(r.apt, [], "nothing was installed");
});

test("shellcheck passes the install methods' scripts, the helper functions and the example scripts", (t) => {
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!shellcheck) return;
  const config = withOwnApps();
  (config["homelab:services"] as Record<string, unknown>).demo = {
    vmId: 153,
    ip: "192.168.1.153",
    cores: 1,
    memoryMiB: 256,
    diskGiB: 4,
    user: { name: "demo", uid: 1000, gid: 1000 },
    install: { method: "script", file: "test/fixtures/apps/demo/install.sh" },
  };
  const model = modelOf(config);
  const dir = mkdtempSync(join(tmpdir(), "homelab-install-sc-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files: string[] = [];
  const add = (name: string, text: string): void => {
    const path = join(dir, name);
    writeFileSync(path, text);
    files.push(path);
  };
  for (const name of ["adguard", "mealie", "mosquitto", "demo"]) add(`${name}-recipe.sh`, renderRecipeScript(recipeOf(model, name).script));
  add("helper-functions.sh", HELPER_FUNCTIONS);
  add("fetch.sh", `#!/bin/sh\n# shellcheck disable=SC2016\n${fetchFileCommand(150, { url: helperScriptUrl("adguard", ADGUARD_COMMIT), sha256: "a".repeat(64), path: "/usr/local/lib/homelab/helper-scripts/adguard-install.sh" })}\n`);
  files.push(join(ROOT, "test/fixtures/apps/demo/install.sh"));
  const result = run(shellcheck, ["--shell=bash", "--severity=style", ...files]);
  assert.equal(result.status, 0, result.stdout);
  // The fixture sources the interface at run time: checked with it as the source path.
  const fixture = run(shellcheck, ["--severity=style", "--exclude=SC1091", join(ROOT, "test/fixtures/helper-scripts/demo-install.sh")]);
  assert.equal(fixture.status, 0, fixture.stdout);
});
