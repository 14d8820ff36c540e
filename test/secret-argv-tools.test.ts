import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { renderInitCommand, renderResticEnv } from "../components/restic-backup/restic-env";
import { ADMIN_PASSWORD_PATH } from "../components/shared-postgres/recipe";
import { assertNoSecretInArgv, recorder } from "./argv-recorder";
import { byName, runProgram } from "./harness";
import { startCluster } from "./pg-cluster";
import { postgresBinDir, requireTool, run } from "./tools";

/**
 * The host's and the database's secret-handling steps, run for real with every command they call
 * wrapped on PATH by an argv recorder (argv-recorder.ts): each step still does its job, and no
 * recorded argv holds the secret. qBittorrent's and Vaultwarden's steps are run the same way in
 * first-boot.test.ts. The static proof (proof-secret-argv.test.ts) covers every script; this shows on
 * the real tools that what it lets through really keeps the secret off the command line.
 */

const SECRET = "s3cr3t-Value_9~x.Y";

test("the Postgres admin password step sets the password through psql's stdin: it logs in with it, and no argv held it", async (t) => {
  const bin = postgresBinDir();
  if (!requireTool(t, "initdb", "postgresql", bin ? [bin] : []) || bin === undefined) return;
  const rec = recorder(t, [{ name: "runuser", debianPackage: "util-linux" }, { name: "psql", debianPackage: "postgresql-client" }]);
  if (!rec) return;
  const cluster = await startCluster(bin);
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
