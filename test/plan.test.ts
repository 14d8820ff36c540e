import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "./harness";
import { PLACEHOLDER_MARK } from "../src/stack-file";
import { run } from "./tools";

const plan = (...args: string[]) => run(process.execPath, ["--import", "tsx", join(ROOT, "src/plan.ts"), ...args], { cwd: ROOT });

test("npm run plan -- --json prints one JSON object with resources as the design specifies", () => {
  const result = plan("--json");
  assert.equal(result.status, 0, result.stderr);
  const doc = JSON.parse(result.stdout) as { resources: Record<string, unknown>[]; budgets: { ram: { headroomMiB: number } } };
  assert.ok(doc.resources.length > 20);
  for (const r of doc.resources) {
    for (const key of ["type", "name", "parent", "custom", "inputs", "protect", "retainOnDelete", "dependsOn"]) assert.ok(key in r, `${String(r.name)} lacks ${key}`);
    assert.ok(r.parent === null || typeof r.parent === "string");
    assert.ok(Array.isArray(r.dependsOn) && (r.dependsOn as unknown[]).every((d) => typeof d === "string"));
  }
  const names = new Set(doc.resources.map((r) => r.name));
  assert.ok(doc.resources.every((r) => r.parent === null || names.has(r.parent as string)), "parents are named resources");
  assert.ok(doc.budgets.ram.headroomMiB >= 0);
  assert.ok(!result.stdout.includes(PLACEHOLDER_MARK), "a placeholder secret was printed");
  const provider = doc.resources.find((r) => r.type === "pulumi:providers:proxmoxve");
  assert.equal((provider?.inputs as Record<string, unknown>).password, "[secret]");
});

test("the text plan lists resources per component and the host budget", () => {
  const result = plan();
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /== Resources to create/);
  assert.match(result.stdout, /homelab:index:LxcService immich/);
  assert.match(result.stdout, /== Host budget/);
  assert.match(result.stdout, /RAM \(MiB\)\s+32768\s+4096/);
  assert.ok(!result.stdout.includes(PLACEHOLDER_MARK));
});

test("an invalid stack file exits 1 with one line per problem and no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "homelab-plan-"));
  const bad = readFileSync(join(ROOT, "Pulumi.homelab.yaml"), "utf8")
    .replace("traefik: { vmId: 111", "traefik: { vmId: 110")
    .replace("ip: 192.168.1.130", "ip: 192.168.2.130");
  const file = join(dir, "Pulumi.bad.yaml");
  writeFileSync(file, bad);
  const result = plan("--stack-file", file);
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  const lines = result.stderr.trim().split("\n");
  assert.deepEqual(lines, [
    "homelab:services.syncthing.ip: 192.168.2.130 is outside the network 192.168.1.0/24",
    "homelab:services.traefik.vmId: vmId 110 is also used by homelab:services.postgres.vmId",
  ]);
});
