import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { requireTool } from "./tools";
import { RESTIC_KEY_CAPABILITIES } from "../components/restic-backup/b2-access";
import { renderInitCommand, renderResticEnv, s3Repository } from "../components/restic-backup/restic-env";

/**
 * The rendered S3 environment against the real restic binary. A loopback server stands in for B2's
 * S3 endpoint and answers every request like a key that lacks the capability (403 AccessDenied), so
 * the test sees exactly which requests restic makes, signed with which key id and region.
 */

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string;
}

const ACCESS_DENIED = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>not entitled</Message></Error>';

async function withS3StandIn(body: (endpoint: string, seen: Seen[]) => Promise<void>): Promise<void> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: String(req.headers.authorization ?? "") });
    req.resume();
    res.writeHead(403, { "Content-Type": "application/xml" });
    res.end(req.method === "HEAD" ? undefined : ACCESS_DENIED);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await body(`127.0.0.1:${(server.address() as AddressInfo).port}`, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Runs a command without blocking the event loop, which serves the stand-in. */
function runAsync(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ status: code ?? -1, stderr }));
  });
}

/** The rendered env file for the stand-in endpoint (plain http on loopback; B2 itself is https). */
function envFile(dir: string, endpoint: string, region: string | undefined): string {
  const passwordFile = join(dir, "password");
  writeFileSync(passwordFile, "correct horse battery staple", { mode: 0o600 });
  const repository = s3Repository(endpoint, "homelab-bucket", "restic").replace("s3:https://", "s3:http://");
  const rendered = renderResticEnv({ repository, passwordFile, s3: { accessKeyId: "0044keyid0000000000000001", secretAccessKey: "K004SECRETSECRETSECRET", region: region ?? "" } });
  const path = join(dir, "restic.env");
  writeFileSync(path, region === undefined ? rendered.replace(/^AWS_DEFAULT_REGION=.*\n/m, "") : rendered, { mode: 0o600 });
  return path;
}

/** Runs body in a fresh temp directory, removed afterwards whatever happened. */
async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "homelab-restic-s3-"));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A clean environment: nothing of the caller's restic or AWS settings leaks in. */
const cleanEnv = (dir: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? "", HOME: dir, RESTIC_CACHE_DIR: join(dir, "cache") });

test("restic reads the rendered S3 env: signs with the key id and region, touches only the repository prefix, never lists buckets", async (t) => {
  if (!requireTool(t, "restic", "restic")) return;
  await inTempDir(async (dir) => {
    await withS3StandIn(async (endpoint, seen) => {
      const result = await runAsync("bash", ["-c", renderInitCommand(envFile(dir, endpoint, "us-west-004"))], cleanEnv(dir));
      // The stand-in refuses everything, so init fails, but at the S3 answers and not at the config.
      assert.notEqual(result.status, 0);
      assert.doesNotMatch(result.stderr, /invalid format|is empty|does not follow/);
      const requests = seen.map((r) => `${r.method} ${r.url}`);
      assert.ok(requests.includes("HEAD /homelab-bucket/restic/config"), `cat config stats the repository's config: ${requests.join(", ")}`);
      for (const r of seen) {
        assert.match(r.authorization, /^AWS4-HMAC-SHA256 Credential=0044keyid0000000000000001\/\d{8}\/us-west-004\/s3\/aws4_request/, `${r.method} ${r.url}`);
        assert.ok(!r.url.includes("location"), `no GetBucketLocation: ${r.method} ${r.url}`);
        assert.ok(!(r.method === "GET" && r.url === "/"), "no ListBuckets");
        // Everything but the bucket check stays below `restic/`: the key's namePrefix is enough.
        const underPrefix = r.url.startsWith("/homelab-bucket/restic/") || /^\/homelab-bucket\/\?.*&prefix=restic%2F/.test(r.url);
        assert.ok(underPrefix || (r.method === "HEAD" && r.url === "/homelab-bucket/"), `outside the key's prefix: ${r.method} ${r.url}`);
      }
    });
  });
});

test("restic init needs its HeadBucket answered, so the key keeps listBuckets", async (t) => {
  if (!requireTool(t, "restic", "restic")) return;
  await inTempDir(async (dir) => {
    await withS3StandIn(async (endpoint, seen) => {
      const result = await runAsync("bash", ["-c", renderInitCommand(envFile(dir, endpoint, "us-west-004"))], cleanEnv(dir));
      assert.equal(`${seen.at(-1)?.method} ${seen.at(-1)?.url}`, "HEAD /homelab-bucket/");
      // restic 0.14 (Debian 12) gives up when the bucket check is refused; it never goes on to create one.
      assert.match(result.stderr, /client\.BucketExists: Access Denied/);
      assert.ok(!seen.some((r) => r.method === "PUT"), "nothing is written");
      assert.ok(RESTIC_KEY_CAPABILITIES.includes("listBuckets"));
    });
  });
});

test("without AWS_DEFAULT_REGION restic first asks the bucket's location, which is why the env sets it", async (t) => {
  if (!requireTool(t, "restic", "restic")) return;
  await inTempDir(async (dir) => {
    await withS3StandIn(async (endpoint, seen) => {
      const result = await runAsync("bash", ["-c", renderInitCommand(envFile(dir, endpoint, undefined))], cleanEnv(dir));
      assert.notEqual(result.status, 0);
      assert.deepEqual([seen[0]?.method, seen[0]?.url], ["GET", "/homelab-bucket/?location="]);
    });
  });
});

test("an unreachable endpoint fails at the connection, not at parsing the repository or credentials", async (t) => {
  if (!requireTool(t, "restic", "restic")) return;
  await inTempDir(async (dir) => {
    // Port 9 (discard) on loopback: nothing listens there.
    const env = envFile(dir, "127.0.0.1:9", "us-west-004");
    const result = await runAsync("bash", ["-c", `set -a; . '${env}'; set +a; exec restic cat config`], cleanEnv(dir));
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /dial tcp 127\.0\.0\.1:9: connect: connection refused/);
    assert.match(result.stderr, /http:\/\/127\.0\.0\.1:9\/homelab-bucket\/restic\/config/);
  });
});
