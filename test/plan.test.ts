import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse, stringify } from "yaml";
import { storageReport } from "../components/tiered-storage/report";
import type { Budgets, NodeBudget, TierBudget } from "../config";
import { assertRowsAddUp, expectedHostRows, expectedNodeRows, fourTierConfig, parseBudgetTable, planSection, rowsOfBudgets, rowsOfNodeBudgets } from "./budget-rows";
import { exampleConfig, modelOf, ROOT } from "./harness";
import { PLACEHOLDER_MARK } from "../src/stack-file";
import { run } from "./tools";

const plan = (...args: string[]) => run(process.execPath, ["--import", "tsx", join(ROOT, "src/plan.ts"), ...args], { cwd: ROOT });

/** Each plan is run once per process, text or JSON: the tests below read the same output. */
const runs = new Map<string, ReturnType<typeof plan>>();
const planOnce = (...args: string[]): ReturnType<typeof plan> => {
  const key = args.join("\0");
  const done = runs.get(key) ?? plan(...args);
  runs.set(key, done);
  return done;
};

test("npm run plan -- --json prints one JSON object with resources as the design specifies", () => {
  const result = planOnce("--json");
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
  const result = planOnce();
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
  rmSync(dir, { recursive: true, force: true });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  const lines = result.stderr.trim().split("\n");
  assert.deepEqual(lines, [
    "homelab:services.syncthing.ip: 192.168.2.130 is outside the network 192.168.1.0/24",
    "homelab:services.traefik.vmId: vmId 110 is also used by homelab:services.postgres.vmId",
  ]);
});

interface PlanJson {
  readonly budgets: Budgets;
  readonly nodes?: readonly NodeBudget[];
  readonly sharedTiers?: readonly TierBudget[];
  readonly reports: readonly { title: string; lines: string[] }[];
}

/** The stack files the budget tables are read from (plan arguments), and their config: the example, the 3-node example, and the example grown to four tiers. */
function stackFiles(): [string, string[], Record<string, unknown>][] {
  const dir = mkdtempSync(join(tmpdir(), "homelab-plan-budget-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const fourTiers = join(dir, "Pulumi.four-tiers.yaml");
  writeFileSync(fourTiers, stringify({ config: fourTierConfig(exampleConfig()) }));
  const cluster = join(ROOT, "config", "examples", "cluster.yaml");
  return [
    ["the example", [], exampleConfig()],
    ["the 3-node example", ["--stack-file", cluster], (parse(readFileSync(cluster, "utf8")) as { config: Record<string, unknown> }).config],
    ["four tiers", ["--stack-file", fourTiers], fourTierConfig(exampleConfig())],
  ];
}

for (const [name, args, config] of stackFiles()) {
  test(`every row of the printed budget table is the budget --json prints, adds up, and counts every dataset and root disk on its tier (${name})`, () => {
    const text = planOnce(...args);
    const json = planOnce(...args, "--json");
    assert.equal(text.status, 0, text.stderr);
    assert.equal(json.status, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as PlanJson;
    const model = modelOf(config);
    const printed = model.clustered ? parseBudgetTable(planSection(text.stdout, "Node budgets")) : parseBudgetTable(planSection(text.stdout, "Host budget"));
    const fromJson = model.clustered ? rowsOfNodeBudgets(doc.nodes ?? [], doc.sharedTiers ?? []) : rowsOfBudgets("", doc.budgets);
    assert.deepEqual(printed, fromJson, "the text and the JSON say the same, row by row");
    assert.deepEqual(printed, model.clustered ? expectedNodeRows(model) : expectedHostRows(model), "and what the model asks for");
    assertRowsAddUp(printed, model);
    assert.ok(printed.filter((r) => r.resource.endsWith(" disk (GiB)")).length >= 2, "tier rows are there");
    // The storage report splits the same tier rows into datasets and root disks (test/budget.test.ts), in the text and the JSON alike.
    const storage = storageReport(model)[0]?.lines;
    assert.deepEqual(planSection(text.stdout, "Storage tiers"), storage);
    assert.deepEqual(doc.reports.find((r) => r.title === "Storage tiers")?.lines, storage);
  });
}
