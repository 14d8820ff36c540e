import assert from "node:assert/strict";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Service } from "../config";
import * as pulumi from "@pulumi/pulumi";
import { vaultwarden, vaultwardenAdminTokenScript } from "../components/lxc-service/recipes/compose-apps";
import { qbittorrentLoginLines } from "../components/lxc-service/recipes/native-apps";
import { PUT_FILE_FUNCTION } from "../components/lxc-service/push-files";
import { dnsComment } from "../components/tunnel-ingress";
import type { RecordedResource } from "../src/mock-runtime";
import { byName, dependencyNames, exampleConfig, modelOf, ofType, runProgram } from "./harness";
import { at } from "./bad-inputs/types";
import { assertNoSecretInArgv, recorder } from "./argv-recorder";
import { inCi, requireTool, run } from "./tools";

const DNS = "cloudflare:index/dnsRecord:DnsRecord";
const ACCESS_APP = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication";
const COMMAND = "command:remote:Command";
const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** The example stack with every app's web route asked to be public: the worst first boot. */
function everythingPublic(): Record<string, unknown> {
  const config = exampleConfig();
  const model = modelOf(config);
  for (const s of model.services.filter((x) => x.role === "app" && x.routes.length > 0)) {
    const entry = at(config, "homelab:services", s.name);
    entry.web = { ...((entry.web as Record<string, unknown> | undefined) ?? {}), exposure: "public" };
  }
  return config;
}

/** The registered steps that push a secret into the service's container and hold its generated admin. */
function claimSteps(resources: readonly RecordedResource[], s: Service): RecordedResource[] {
  const password = `mock-random-password-${s.name}-admin-password`;
  return ofType(resources, COMMAND).filter(
    (r) => r.name.startsWith(`${s.name}-secret-`) && r.secretPaths.includes("stdin") && String(r.inputs.stdin).includes(password),
  );
}

test("no public route leads to an unclaimed setup page: each is claimed at converge or held behind Access", async () => {
  const config = everythingPublic();
  const model = modelOf(config);
  const { resources } = await runProgram(config);
  const publicNames = new Set(ofType(resources, DNS).filter((r) => r.inputs.comment === dnsComment("public")).map((r) => r.inputs.name as string));
  const guarded = new Set(ofType(resources, ACCESS_APP).map((r) => r.inputs.domain as string));
  const seen = { claimed: 0, held: 0 };
  for (const s of model.services) {
    for (const r of s.routes) {
      if (s.firstBoot === "wizard") {
        assert.ok(!publicNames.has(r.fqdn), `${r.fqdn}: ${s.app} opens its setup wizard to the first visitor, yet it is public`);
        assert.ok(guarded.has(r.fqdn), `${r.fqdn} is held behind an Access application`);
        assert.equal(r.heldForSetup, true);
        seen.held++;
      } else if (s.firstBoot === "claimed" && publicNames.has(r.fqdn)) {
        const steps = claimSteps(resources, s);
        assert.equal(steps.length, 1, `${s.name}: one secret step carries its generated admin`);
        const step = steps[0] as RecordedResource;
        assert.ok(dependencyNames(byName(resources, `${s.name}-provision`)).includes(step.name), `${s.name}: the app starts only after its admin is in place`);
        seen.claimed++;
      }
    }
  }
  assert.deepEqual(
    model.services.filter((s) => s.firstBoot !== "none").map((s) => `${s.app}:${s.firstBoot}`).sort(),
    ["immich:wizard", "jellyfin:wizard", "nextcloud:claimed", "qbittorrent:claimed", "uptime-kuma:wizard", "vaultwarden:claimed"],
  );
  assert.ok(seen.claimed >= 3 && seen.held >= 3, `every first-boot kind was exercised (${JSON.stringify(seen)})`);
});

test("setupDone: true releases a held wizard app to public, and only that one", async () => {
  const config = exampleConfig();
  at(config, "homelab:services", "immich").setupDone = true;
  const { resources } = await runProgram(config);
  const comment = (fqdn: string): unknown => ofType(resources, DNS).find((r) => r.inputs.name === fqdn)?.inputs.comment;
  assert.equal(comment("photos.harmeetrai.com"), dnsComment("public"));
  assert.ok(!ofType(resources, ACCESS_APP).some((r) => r.inputs.domain === "photos.harmeetrai.com"));
  assert.equal(comment("jellyfin.harmeetrai.com"), dnsComment("protected"), "jellyfin is still held");
  assert.equal(modelOf(config).services.find((s) => s.name === "immich")?.routes[0]?.heldForSetup, false);
});

test("the claimed admins' passwords are generated, and a secret stack output", async () => {
  const { resources, outputs, rawOutputs } = await runProgram();
  for (const name of ["nextcloud", "vaultwarden", "qbittorrent"]) {
    const password = byName(resources, `${name}-admin-password`);
    assert.equal(password.inputs.length, 32);
    assert.equal(password.inputs.special, false);
  }
  assert.equal(await pulumi.isSecret(pulumi.output(rawOutputs.adminPasswords)), true);
  assert.deepEqual(outputs.adminPasswords, {
    nextcloud: "mock-random-password-nextcloud-admin-password",
    qbittorrent: "mock-random-password-qbittorrent-admin-password",
    vaultwarden: "mock-random-password-vaultwarden-admin-password",
  });
});

test("Nextcloud installs with the generated admin from a 0600 env file; Vaultwarden refuses sign-ups", async () => {
  const { resources } = await runProgram();
  const [nextcloudAdmin] = claimSteps(resources, modelOf().services.find((s) => s.name === "nextcloud") as Service);
  assert.ok(nextcloudAdmin);
  assert.equal(nextcloudAdmin.inputs.stdin, "NEXTCLOUD_ADMIN_USER=admin\nNEXTCLOUD_ADMIN_PASSWORD=mock-random-password-nextcloud-admin-password\n");
  assert.match(String(nextcloudAdmin.inputs.create), /\/opt\/nextcloud\/admin\.env/);
  assert.match(String(nextcloudAdmin.inputs.create), /chmod 0600 /);
  const vw = modelOf().services.find((s) => s.name === "vaultwarden") as Service;
  const recipe = vaultwarden(vw, { user: "admin", password: pulumi.secret("unused-here") });
  const compose = recipe.files.find((f) => f.path === "/opt/vaultwarden/compose.yaml")?.content;
  assert.equal(typeof compose, "string");
  assert.ok(String(byName(resources, "vaultwarden-files").inputs.stdin).includes(Buffer.from(String(compose)).toString("base64").slice(0, 76)), "that compose file is pushed");
  assert.match(String(compose), /SIGNUPS_ALLOWED: "false"/);
  assert.match(String(compose), /- "\/opt\/vaultwarden\/admin\.env"/);
  const provision = String(byName(resources, "vaultwarden-provision").inputs.stdin);
  assert.doesNotMatch(provision, /mock-random-password/, "the token never reaches the script");
});

test("qBittorrent's login lines, derived in the container by the recipe's own Python, verify as qBittorrent verifies them: PBKDF2-HMAC-SHA512, 100000 rounds, 16-byte salt, 64-byte key (real python3)", (t) => {
  const rec = recorder(t, [{ name: "python3", debianPackage: "python3-minimal" }]);
  if (!rec) return;
  const dir = rec.dir;
  try {
    const password = "Gen3rated Admin\\Passw0rd'\"$";
    const loginFile = join(dir, "login");
    writeFileSync(loginFile, `admin\n${password}`, { mode: 0o600 });
    const derive = (): string[] => {
      const out = join(dir, "lines");
      const r = run("bash", ["-euo", "pipefail", "-c", qbittorrentLoginLines(loginFile, out)], { env: { ...process.env, PATH: rec.path } });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(qbittorrentLoginLines(loginFile, out), /Gen3rated/, "the password is read from the file, never written into the command");
      return readFileSync(out, "utf8").split("\n");
    };
    const lines = derive();
    assert.equal(lines[0], "WebUI\\Username=admin");
    assert.equal(lines[2], "", "each line ends with a newline, and there are two");
    const m = /^WebUI\\Password_PBKDF2="@ByteArray\(([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)\)"$/.exec(lines[1] ?? "");
    assert.ok(m, lines[1]);
    const salt = Buffer.from(m[1] ?? "", "base64");
    const key = Buffer.from(m[2] ?? "", "base64");
    assert.equal(salt.length, 16);
    assert.equal(key.length, 64);
    assert.deepEqual(pbkdf2Sync(password, salt, 100000, 64, "sha512"), key);
    assert.notDeepEqual(pbkdf2Sync("another password", salt, 100000, 64, "sha512"), key);
    assert.notEqual(derive()[1]?.split(":")[0], lines[1]?.split(":")[0], "each derivation draws a fresh salt");
    assertNoSecretInArgv(rec, password, ["python3"]);
  } finally {
    rec.cleanup();
  }
});

test("Vaultwarden's admin token becomes an argon2id PHC hash in the container, from stdin, the same on every run (real argon2)", (t) => {
  const argon2 = requireTool(t, "argon2", "argon2");
  const rec = recorder(t, [{ name: "argon2", debianPackage: "argon2" }]);
  if (!argon2 || !rec) return;
  if (!asRoot) {
    if (inCi()) throw new Error("the env file is chowned to root: required under CI=true");
    t.skip("SKIPPED: the env file is chowned to root, which needs root");
    return;
  }
  const name = `hl-vw-${randomBytes(4).toString("hex")}`;
  const dir = `/opt/${name}`;
  const token = randomBytes(24).toString("base64url");
  mkdirSync(dir, { mode: 0o700 });
  try {
    writeFileSync(`${dir}/admin-token`, token, { mode: 0o600 });
    // apt_install is the recipe's package step; argon2 is installed here already, so it only checks that.
    const script = `set -euo pipefail\napt_install() { command -v "$1" >/dev/null; }\n${PUT_FILE_FUNCTION}${vaultwardenAdminTokenScript({ name })}`;
    const converge = (): string => {
      const r = run("bash", ["-c", script], { env: { ...process.env, PATH: rec.path } });
      assert.equal(r.status, 0, r.stderr);
      return readFileSync(`${dir}/admin.env`, "utf8");
    };
    const first = converge();
    const m = /^ADMIN_TOKEN='(\$argon2id\$v=19\$m=65540,t=3,p=4\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+)'\n$/.exec(first);
    assert.ok(m, first);
    assert.ok(!first.includes(token), "only the hash is stored");
    assert.equal(statSync(`${dir}/admin.env`).mode & 0o777, 0o600);
    const mtime = statSync(`${dir}/admin.env`).mtimeMs;
    assert.equal(converge(), first, "same token and kept salt: the same hash");
    assert.equal(statSync(`${dir}/admin.env`).mtimeMs, mtime, "and the file is not rewritten");
    // The hash is of this token: argon2 over the kept salt and the token gives it again.
    const salt = readFileSync(`${dir}/admin-token.salt`, "utf8").trim();
    const again = run(argon2, [salt, "-id", "-e", "-k", "65540", "-t", "3", "-p", "4"], { input: token });
    assert.equal(again.stdout.trim(), m[1]);
    assert.doesNotMatch(script, new RegExp(token), "the token is not in the script");
    assertNoSecretInArgv(rec, token, ["argon2"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rec.cleanup();
  }
});
