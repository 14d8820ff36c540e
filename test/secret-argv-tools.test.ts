import assert from "node:assert/strict";
import { pbkdf2Sync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { qbittorrentLoginLines } from "../components/lxc-service/recipes/native-apps";
import { vaultwardenAdminTokenScript, adminEnvFile } from "../components/lxc-service/recipes/compose-apps";
import { renderInitCommand, renderResticEnv } from "../components/restic-backup/restic-env";
import { ADMIN_PASSWORD_PATH } from "../components/shared-postgres/recipe";
import type { Service } from "../config";
import { byName, modelOf, runProgram } from "./harness";
import { startCluster } from "./pg-cluster";
import { postgresBinDir, requireTool, run } from "./tools";

/**
 * The secret-handling steps, run for real with every command they call wrapped on PATH by a
 * recorder that writes its argv and then runs the real tool: each step still does its job, and no
 * recorded argv holds the secret. The static proof (proof-secret-argv.test.ts) covers every script;
 * this shows on the real tools that what it lets through really keeps the secret off the command line.
 */

interface Recorder {
  readonly dir: string;
  readonly path: string;
  /** Every recorded call: the command's name and its arguments. */
  calls(): string[][];
  cleanup(): void;
}

/** A PATH whose first directory wraps each named tool: record argv (NUL-separated), then exec the real one. */
function recorder(t: TestContext, tools: readonly { name: string; debianPackage: string }[]): Recorder | undefined {
  const dir = mkdtempSync(join(tmpdir(), "homelab-argv-"));
  const bin = join(dir, "bin");
  const log = join(dir, "calls");
  mkdirSync(bin);
  mkdirSync(log);
  // The steps drop to other users (runuser -u postgres): the wrappers and the log must serve them too.
  chmodSync(dir, 0o755);
  chmodSync(log, 0o1777);
  for (const { name, debianPackage } of tools) {
    const real = requireTool(t, name, debianPackage);
    if (real === undefined) return undefined;
    writeFileSync(join(bin, name), `#!/bin/bash\nprintf '%s\\0' ${name} "$@" > "$(mktemp ${log}/call.XXXXXX)"\nexec ${real} "$@"\n`, { mode: 0o755 });
  }
  return {
    dir,
    path: `${bin}:${process.env.PATH ?? ""}`,
    calls: () => readdirSync(log).map((f) => readFileSync(join(log, f), "utf8").split("\0").slice(0, -1)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The recorded calls of `name`, and a check that no call of any tool carries the secret. */
function assertNoSecretInArgv(rec: Recorder, secret: string, mustCall: readonly string[]): void {
  const calls = rec.calls();
  for (const name of mustCall) assert.ok(calls.some((c) => c[0] === name), `${name} was called (calls: ${calls.map((c) => c[0]).join(", ")})`);
  const carrying = calls.filter((c) => c.some((arg) => arg.includes(secret)));
  assert.deepEqual(carrying, [], "no argv holds the secret");
}

const SECRET = "s3cr3t-Value_9~x.Y";

test("the Postgres admin password step sets the password through psql's stdin: it logs in with it, and no argv held it", async (t) => {
  const bin = postgresBinDir();
  if (bin === undefined && requireTool(t, "initdb", "postgresql", ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/15/bin"]) === undefined) return;
  const rec = recorder(t, [{ name: "runuser", debianPackage: "util-linux" }, { name: "psql", debianPackage: "postgresql-client" }]);
  if (!rec) return;
  const cluster = await startCluster(bin ?? "");
  try {
    const { resources } = await runProgram();
    const recipe = String(byName(resources, "postgres-provision").inputs.stdin);
    const lines = recipe.split("\n");
    const from = lines.findIndex((l) => l.startsWith("admin_password="));
    const to = lines.indexOf("unset admin_password");
    assert.ok(from > 0 && to > from, "the recipe reads, uses and forgets the admin password");
    const passwordFile = join(rec.dir, "admin-password");
    writeFileSync(passwordFile, `${SECRET}\n`, { mode: 0o600 });
    const step = lines.slice(from, to + 1).join("\n").replaceAll(ADMIN_PASSWORD_PATH, passwordFile);
    const result = run("bash", ["-euo", "pipefail", "-c", step], { env: { ...process.env, PATH: rec.path, PGHOST: join(cluster.dir, "socket"), PGPORT: String(cluster.port) } });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(cluster.psql("SELECT 1", { host: "127.0.0.1", password: SECRET }).stdout.trim(), "1", "the new password logs in over TCP");
    assert.notEqual(cluster.psql("SELECT 1", { host: "127.0.0.1", password: "wrong" }).status, 0, "a wrong one does not");
    assertNoSecretInArgv(rec, SECRET, ["runuser", "psql"]);
  } finally {
    cluster.stop();
    rec.cleanup();
  }
});

test("the restic jobs read the repository password and the B2 key from their 0600 environment: init and check work, and no argv held them", async (t) => {
  const rec = recorder(t, [{ name: "restic", debianPackage: "restic" }, { name: "flock", debianPackage: "util-linux" }]);
  if (!rec) return;
  try {
    const keySecret = `K004${SECRET}`;
    const passwordFile = join(rec.dir, "restic.password");
    const envFile = join(rec.dir, "restic.env");
    writeFileSync(passwordFile, SECRET, { mode: 0o600 });
    writeFileSync(envFile, renderResticEnv({ repository: join(rec.dir, "repo"), passwordFile, s3: { accessKeyId: "0044keyid", secretAccessKey: keySecret, region: "us-west-004" } }), { mode: 0o600 });
    const env = { ...process.env, PATH: rec.path, HOMELAB_RESTIC_ENV: envFile, HOMELAB_TEXTFILE_DIR: rec.dir, HOMELAB_RESTIC_LOCK: join(rec.dir, "lock") };
    const init = run("bash", ["-c", renderInitCommand(envFile)], { env });
    assert.equal(init.status, 0, init.stderr);
    assert.ok(existsSync(join(rec.dir, "repo", "config")), "the repository was created");
    const { resources } = await runProgram();
    const check = run("bash", ["-c", String(byName(resources, "backup-script-check").inputs.stdin)], { env });
    assert.equal(check.status, 0, check.stderr);
    assert.match(readFileSync(join(rec.dir, "homelab_restic_check.prom"), "utf8"), /homelab_restic_last_success_timestamp_seconds\{job="check"\} [1-9]/);
    for (const secret of [SECRET, keySecret]) assertNoSecretInArgv(rec, secret, ["restic"]);
  } finally {
    rec.cleanup();
  }
});

test("qBittorrent's WebUI hash is derived from the login file by Python: the PBKDF2 verifies the password, and no argv held it", (t) => {
  const rec = recorder(t, [{ name: "python3", debianPackage: "python3" }]);
  if (!rec) return;
  try {
    const login = join(rec.dir, "login");
    const out = join(rec.dir, "lines");
    writeFileSync(login, `admin\n${SECRET}`, { mode: 0o600 });
    const result = run("bash", ["-euo", "pipefail", "-c", qbittorrentLoginLines(login, out)], { env: { ...process.env, PATH: rec.path } });
    assert.equal(result.status, 0, result.stderr);
    const lines = readFileSync(out, "utf8");
    assert.match(lines, /^WebUI\\Username=admin$/m);
    const [, salt, key] = /^WebUI\\Password_PBKDF2="@ByteArray\(([^:]+):([^)]+)\)"$/m.exec(lines) ?? [];
    assert.ok(salt && key, lines);
    assert.equal(pbkdf2Sync(SECRET, Buffer.from(salt, "base64"), 100000, 64, "sha512").toString("base64"), key, "the hash is the password's");
    assertNoSecretInArgv(rec, SECRET, ["python3"]);
  } finally {
    rec.cleanup();
  }
});

test("Vaultwarden's admin token is hashed by argon2 from stdin: the same salt and token give the written hash, and no argv held the token", (t) => {
  const rec = recorder(t, [{ name: "argon2", debianPackage: "argon2" }]);
  if (!rec) return;
  try {
    const service = modelOf().services.find((s) => s.app === "vaultwarden") as Service;
    const dir = adminEnvFile(service).replace(/\/admin\.env$/, "");
    const script = vaultwardenAdminTokenScript(service).replaceAll(dir, rec.dir);
    // The recipe's own helpers: apt is not this test's business, put_file writes where it is told.
    const helpers = 'apt_install() { :; }\nput_file() { cat > "$1"; chmod "$2" "$1"; }\n';
    writeFileSync(join(rec.dir, "admin-token"), SECRET, { mode: 0o600 });
    const result = run("bash", ["-euo", "pipefail", "-c", helpers + script], { env: { ...process.env, PATH: rec.path } });
    assert.equal(result.status, 0, result.stderr);
    const written = /^ADMIN_TOKEN='(\$argon2id\$[^']+)'$/m.exec(readFileSync(join(rec.dir, "admin.env"), "utf8"))?.[1];
    assert.ok(written, "an argon2id PHC string was written");
    const salt = readFileSync(join(rec.dir, "admin-token.salt"), "utf8").trim();
    const again = run("argon2", [salt, "-id", "-e", "-k", "65540", "-t", "3", "-p", "4"], { input: SECRET });
    assert.equal(again.stdout.trim(), written, "the hash is the token's");
    assertNoSecretInArgv(rec, SECRET, ["argon2"]);
  } finally {
    rec.cleanup();
  }
});
