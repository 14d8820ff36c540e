import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { pipIndexUrl, unresolvedHosts, urlOn } from "./rehearsal/converge";
import { runSteps, type Outcome } from "./rehearsal/scheduler";
import { bash, bashSync, run } from "./rehearsal/shell";
import { substituteForRehearsal } from "./rehearsal/substitutes";
import { rehearsalPlan } from "./rehearsal/steps";
import { ROOT } from "./harness";

const REHEARSAL_STACK = join(ROOT, "test/rehearsal/Pulumi.rehearsal.yaml");

test("the rehearsal stack is the example homelab, moved onto the rehearsal network and temporary tiers", () => {
  const example = parse(readFileSync(join(ROOT, "Pulumi.homelab.yaml"), "utf8")) as { config: Record<string, unknown> };
  const rehearsal = parse(readFileSync(REHEARSAL_STACK, "utf8")) as { config: Record<string, unknown> };
  // Undo exactly what the rehearsal changes; everything else must be the example's.
  const text = JSON.stringify(rehearsal.config)
    .replaceAll("/var/tmp/homelab-rehearsal/tiers/", "/mnt/")
    .replaceAll('"dns":["10.203.117.1"]', '"dns":["192.168.1.1","1.1.1.1"]')
    .replaceAll("https://10.203.117.1:8006/", "https://192.168.1.10:8006/")
    .replaceAll('"sshAddress":"10.203.117.1"', '"sshAddress":"192.168.1.10"')
    .replaceAll("10.203.117.", "192.168.1.");
  assert.deepEqual(JSON.parse(text), example.config);
});

test("the rehearsal runs each resource after everything it depends on, the provider's dependencies included", async () => {
  const plan = await rehearsalPlan(REHEARSAL_STACK);
  const position = new Map(plan.steps.map((s, i) => [s.resource.name, i]));
  for (const [i, s] of plan.steps.entries()) for (const d of s.after) assert.ok((position.get(d) ?? -1) < i, `${s.resource.name} after ${d}`);
  // The postgresql provider connects once the server is provisioned: its roles wait for that.
  const role = plan.steps.find((s) => s.resource.name === "postgres-immich-role");
  assert.ok(role?.after.includes("postgres-provision"));
  // Every container and command is a step; providers and components are not.
  assert.equal(plan.steps.filter((s) => s.resource.type === "proxmoxve:index/containerLegacy:ContainerLegacy").length, plan.model.services.length);
  assert.ok(plan.steps.every((s) => s.resource.custom && !s.resource.type.startsWith("pulumi:providers:")));
});

test("a failed download is named by its URL or image; the restic repository is the one stand-in on a command's input", () => {
  assert.deepEqual(unresolvedHosts("curl: (6) Could not resolve host: www.postgresql.org\n"), ["www.postgresql.org"]);
  assert.deepEqual(unresolvedHosts("Err:5 https://repo.jellyfin.org/debian trixie InRelease\n  Temporary failure resolving 'repo.jellyfin.org'"), ["repo.jellyfin.org"]);
  assert.deepEqual(unresolvedHosts("Error response from daemon: Get \"https://ghcr.io/v2/\": dial tcp: lookup ghcr.io on 10.203.117.1:53: no such host"), ["ghcr.io"]);
  assert.equal(urlOn("www.postgresql.org", "curl -fsSL https://www.postgresql.org/media/keys/ACCC4CF8.asc -o x"), "https://www.postgresql.org/media/keys/ACCC4CF8.asc");
  assert.equal(urlOn("ghcr.io", 'image: "ghcr.io/immich-app/immich-server:v1.135.3"'), "docker://ghcr.io/immich-app/immich-server:v1.135.3");
  assert.equal(urlOn("registry-1.docker.io", 'image: "docker.io/vaultwarden/server:1.37.4"'), "docker://docker.io/vaultwarden/server:1.37.4");
  const notes: string[] = [];
  const env = "# x\nRESTIC_REPOSITORY=s3:https://s3.example/bucket/restic\nRESTIC_PASSWORD_FILE=/etc/homelab/restic/password\nAWS_ACCESS_KEY_ID=id\nAWS_SECRET_ACCESS_KEY=key\n";
  const out = substituteForRehearsal({ name: "backup-env" } as never, env, notes);
  assert.doesNotMatch(out, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|s3:/);
  assert.match(out, /^RESTIC_REPOSITORY=\/var\/lib\/homelab-rehearsal\/restic-repository$/m);
  assert.match(out, /^RESTIC_PASSWORD_FILE=\/etc\/homelab\/restic\/password$/m);
  assert.equal(notes.length, 1);
  assert.equal(substituteForRehearsal({ name: "x" } as never, "echo hi\n", notes), "echo hi\n");
});

test("a download that cannot be reached holds back its own service's later steps, not another service that waits only for order", async () => {
  assert.equal(
    pipIndexUrl("after connection broken by 'NewConnectionError(...: Failed to establish a new connection: [Errno -2] Name or service not known')': /simple/prometheus-pve-exporter/"),
    "https://pypi.org/simple/prometheus-pve-exporter/",
  );
  const step = (name: string, after: string[]) => ({ resource: { name } as never, after });
  const steps = [step("a-download", []), step("a-next", ["a-download"]), step("b-app", ["a-download"]), step("b-next", ["b-app"])];
  const ran: string[] = [];
  const outcomes = await runSteps(steps, async (s) => {
    ran.push(s.resource.name);
    return s.resource.name === "a-download" ? ({ kind: "needs", url: "https://example.invalid/x", ms: 0 } as Outcome) : ({ kind: "done", ms: 0 } as Outcome);
  }, 2, (s) => s.resource.name.split("-")[0] ?? "");
  assert.deepEqual(ran.sort(), ["a-download", "b-app", "b-next"]);
  assert.deepEqual(outcomes.get("a-next"), { kind: "blocked", by: "a-download" });
});

test("bash run by the rehearsal on this machine reads none of this machine's startup files, though node hands it a socket for stdin", async (t) => {
  const home = mkdtempSync(join(tmpdir(), "rehearsal-home-"));
  writeFileSync(join(home, ".bashrc"), "echo sourced-bashrc\n");
  const saved = { HOME: process.env.HOME, SHLVL: process.env.SHLVL };
  t.after(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    rmSync(home, { recursive: true, force: true });
  });
  process.env.HOME = home;
  delete process.env.SHLVL;
  // The premise: bash at level 1 with a socket on stdin sources ~/.bashrc, as it does under sshd.
  const bare = spawnSync("bash", ["-c", "[ -S /dev/stdin ] && echo stdin-is-a-socket"], { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], env: { PATH: process.env.PATH, HOME: home } });
  assert.match(bare.stdout, /sourced-bashrc/);
  assert.equal((await bash("echo ran")).stdout, "ran\n");
  assert.equal(bashSync("echo ran").stdout, "ran\n");
});

test("a command that outlives its timeout is killed with everything it started, and says so", async () => {
  const started = Date.now();
  // The background sleep holds the output pipe open: killing only the first process would leave run() waiting.
  const r = await run(["bash", "-c", "sleep 30 & sleep 30"], { timeoutMs: 300, check: false });
  assert.ok(Date.now() - started < 10_000, `returned after ${Date.now() - started} ms`);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /killed: still running after 0\.3 s/);
});
