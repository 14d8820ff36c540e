import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { parse } from "yaml";
import { storageReport } from "../components/tiered-storage/report";
import { budgets, nodeBudgets, sharedTierBudgets, type Homelab } from "../config";
import { budgetSection, clusterSections } from "../src/plan-report";
import { assertRowsAddUp, type BudgetRow, expectedHostRows, expectedNodeRows, fourTierConfig, parseBudgetTable, rootTier, rowsOfBudgets, rowsOfNodeBudgets } from "./budget-rows";
import { exampleConfig, modelOf, ROOT } from "./harness";

/**
 * The budget tables add up for every row, whatever the sizes: RAM, cores and each tier, on one host
 * and per node of a cluster, in the printed table and in the computation `--json` prints.
 */

type Obj = Record<string, unknown>;

const clusterConfig = (): Obj => (parse(readFileSync(join(ROOT, "config", "examples", "cluster.yaml"), "utf8")) as { config: Obj }).config;

const single = { example: modelOf(), "four tiers": modelOf(fourTierConfig(exampleConfig())) };
const cluster = modelOf(clusterConfig());

/** The rows of the "Storage tiers" table: (node,) tier, path, capacity, datasets, root disks, used, used %, headroom. */
function storageRows(model: Homelab): { node: string; tier: string; capacity: number; datasets: number; rootDisks: number; used: number; percent: string; headroom: number }[] {
  const [tiers] = storageReport(model);
  assert.equal(tiers?.title, "Storage tiers");
  const [header = "", ...rows] = (tiers?.lines ?? []).filter((l) => !l.includes(" share mounted at "));
  assert.match(header, new RegExp(String.raw`^${model.clustered ? String.raw`node\s+` : ""}tier\s+path\s+capacity GiB\s+datasets GiB\s+root disks GiB\s+used GiB\s+used\s+headroom GiB$`));
  const row = new RegExp(String.raw`^${model.clustered ? String.raw`(\S+)\s+` : "()"}(\S+)\s+\S+\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(\S+)\s+(-?\d+)$`);
  return rows.map((line) => {
    const m = row.exec(line);
    assert.ok(m, `not a storage row: ${line}`);
    const [, node = "", tier = "", capacity, datasets, rootDisks, used, percent = "", headroom] = m;
    return { node, tier, capacity: Number(capacity), datasets: Number(datasets), rootDisks: Number(rootDisks), used: Number(used), percent, headroom: Number(headroom) };
  });
}

/**
 * The storage report splits each tier row of a budget table into datasets and root disks: the same
 * tiers in the same order, the same capacity, use and headroom, and a use that is their sum.
 */
function assertStorageReportAgrees(model: Homelab, budgetRows: readonly BudgetRow[]): void {
  const tierRows = budgetRows.filter((r) => r.resource.endsWith(" disk (GiB)"));
  const storage = storageRows(model);
  assert.deepEqual(storage.map((r) => [r.node, `${r.tier} disk (GiB)`]), tierRows.map((r) => [r.node, r.resource]));
  for (const [i, r] of storage.entries()) {
    const row = tierRows[i];
    assert.ok(row);
    assert.equal(r.datasets + r.rootDisks, r.used, `${r.node} ${r.tier}: datasets + root disks = used`);
    assert.equal(r.rootDisks, r.tier === rootTier(model) ? model.services.filter((s) => r.node === "" || r.node === "(shared)" || s.node === r.node).reduce((sum, s) => sum + s.diskGiB, 0) : 0, `${r.node} ${r.tier}: root disks`);
    assert.deepEqual([r.capacity, r.used, r.headroom], [row.host, row.allocated, row.headroom], `${r.node} ${r.tier}: as in the budget table`);
    assert.equal(r.percent, r.capacity > 0 ? `${Math.round((r.used / r.capacity) * 100)}%` : "-", `${r.node} ${r.tier}`);
  }
}

/** Checks every table of a single host against the model: the host budget, the computation, the storage report. */
function assertHostTablesAddUp(model: Homelab): void {
  const printed = parseBudgetTable(budgetSection(model).lines);
  const expected = expectedHostRows(model);
  assert.deepEqual(printed, expected, "each printed row is what the model asks of the host");
  assert.deepEqual(rowsOfBudgets("", budgets(model)), expected, "the computation --json prints says the same");
  assertRowsAddUp(printed, model);
  // Every root disk counts once, on the tier that holds the root storage.
  const b = budgets(model);
  assert.equal(b.tiers.reduce((s, t) => s + t.rootDisksGiB, 0), rootTier(model) === undefined ? 0 : model.services.reduce((s, x) => s + x.diskGiB, 0));
  assert.ok(b.tiers.every((t) => t.rootDisksGiB === 0 || t.tier === rootTier(model)), "no other tier carries root disks");
  assertStorageReportAgrees(model, expected);
}

/** Checks a cluster's node budget table against the model and the computation. */
function assertNodeTablesAddUp(model: Homelab): void {
  const section = clusterSections(model).find((s) => s.title === "Node budgets");
  assert.ok(section);
  const printed = parseBudgetTable(section.lines);
  const expected = expectedNodeRows(model);
  assert.deepEqual(printed, expected, "each printed row is what the model places on that node");
  assert.deepEqual(rowsOfNodeBudgets(nodeBudgets(model), sharedTierBudgets(model)), expected, "the computation --json prints says the same");
  assertRowsAddUp(printed, model);
  // A dataset on a node-local tier counts on exactly one node, a root disk on its container's node.
  const tierTotal = (tier: string): number => printed.filter((r) => r.resource === `${tier} disk (GiB)`).reduce((s, r) => s + r.allocated, 0);
  const fast = rootTier(model);
  for (const t of Object.values(model.tiers)) {
    const rootDisks = t.name === fast ? model.services.reduce((s, x) => s + x.diskGiB, 0) : 0;
    assert.equal(tierTotal(t.name), model.datasets.filter((d) => d.tier === t.name).reduce((s, d) => s + d.quotaGiB, 0) + rootDisks, `${t.name}: every dataset and root disk on it counts once`);
  }
  assertStorageReportAgrees(model, expected);
}

for (const [name, model] of Object.entries(single)) {
  test(`every row of the host budget adds up and matches the computation (${name})`, () => assertHostTablesAddUp(model));
}

test("every row of the node budgets adds up and matches the computation (the 3-node example)", () => assertNodeTablesAddUp(cluster));

test("the example's host budget says what the stack file asks: RAM, cores and both tiers, root disks on the NVMe", () => {
  assert.deepEqual(
    parseBudgetTable(budgetSection(single.example).lines).map((r) => [r.resource, r.host, r.reserved, r.allocated, r.headroom]),
    [
      ["RAM (MiB)", 32768, 4096, 25856, 2816],
      ["cores (shared)", 12, 0, 27, 8],
      ["nvme disk (GiB)", 930, 0, 678 + 124, 128],
      ["raid disk (GiB)", 43000, 0, 38500, 4500],
    ],
  );
});

/** Sizes for every service, dataset, tier and node of a model, and which fast tier is the default. */
function resized(model: Homelab) {
  const fastTiers = Object.values(model.tiers).filter((t) => t.class === "fast").map((t) => t.name);
  return fc
    .record({
      host: fc.record({ ramMiB: fc.integer({ min: 1024, max: 262144 }), reservedRamMiB: fc.integer({ min: 0, max: 16384 }), cores: fc.integer({ min: 1, max: 128 }) }),
      services: fc.array(fc.record({ memoryMiB: fc.integer({ min: 64, max: 16384 }), cores: fc.integer({ min: 1, max: 16 }), diskGiB: fc.integer({ min: 1, max: 200 }) }), { minLength: model.services.length, maxLength: model.services.length }),
      quotas: fc.array(fc.integer({ min: 1, max: 20000 }), { minLength: model.datasets.length, maxLength: model.datasets.length }),
      capacities: fc.array(fc.integer({ min: 1, max: 60000 }), { minLength: Object.keys(model.tiers).length, maxLength: Object.keys(model.tiers).length }),
      nodes: fc.array(fc.record({ ramMiB: fc.integer({ min: 1024, max: 262144 }), reservedRamMiB: fc.integer({ min: 0, max: 16384 }), cores: fc.integer({ min: 1, max: 128 }), capacity: fc.integer({ min: 1, max: 60000 }) }), { minLength: model.nodes.length, maxLength: model.nodes.length }),
      defaultFast: fc.constantFrom(...fastTiers),
    })
    .map((r): Homelab => ({
      ...model,
      proxmox: { ...model.proxmox, ...r.host },
      services: model.services.map((s, i) => ({ ...s, ...r.services[i] })),
      datasets: model.datasets.map((d, i) => ({ ...d, quotaGiB: r.quotas[i] ?? d.quotaGiB })),
      tiers: Object.fromEntries(Object.values(model.tiers).map((t, i) => [t.name, { ...t, capacityGiB: r.capacities[i] ?? t.capacityGiB, default: t.class === "fast" ? t.name === r.defaultFast : t.default }])),
      nodes: model.nodes.map((n, i) => {
        const size = r.nodes[i];
        return size ? { ...n, ramMiB: size.ramMiB, reservedRamMiB: size.reservedRamMiB, cores: size.cores, capacityGiB: Object.fromEntries(Object.keys(n.capacityGiB).map((k) => [k, size.capacity])) } : n;
      }),
    }));
}

for (const [name, model] of Object.entries(single)) {
  test(`whatever the sizes, every row of the host budget and the storage report adds up (${name}, generated)`, () => {
    fc.assert(fc.property(resized(model), assertHostTablesAddUp), { numRuns: 300 });
  });
}

test("whatever the sizes, every row of the node budgets adds up (the 3-node example, generated)", () => {
  fc.assert(fc.property(resized(cluster), assertNodeTablesAddUp), { numRuns: 300 });
});
