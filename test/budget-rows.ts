import assert from "node:assert/strict";
import { datasetNodes, type Budgets, type Homelab, type NodeBudget, type TierBudget } from "../config";

/**
 * The budget tables as an operator reads them, and what each row must say, worked out here from the
 * model itself (services, datasets, tiers, nodes) rather than from the budget functions under test.
 */

/** One row of a budget table: who it is for ("" on a single host), what, and its four numbers. */
export interface BudgetRow {
  readonly node: string;
  readonly resource: string;
  readonly host: number;
  readonly reserved: number;
  readonly allocated: number;
  readonly headroom: number;
}

const HOST_HEADER = /^resource\s+host\s+reserved\s+allocated\s+headroom$/;
const NODE_HEADER = /^node\s+resource\s+host\s+reserved\s+allocated\s+headroom$/;
const NUMBERS = String.raw`\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)$`;

/**
 * The rows of a "Host budget" or "Node budgets" table: a header, one row per line, then the line on
 * shared cores. Every line between them must be a row, so a row that fails to print fails here.
 */
export function parseBudgetTable(lines: readonly string[]): BudgetRow[] {
  const [header = "", ...rest] = lines;
  const perNode = NODE_HEADER.test(header);
  assert.ok(perNode || HOST_HEADER.test(header), `not a budget table header: ${header}`);
  const footnote = rest.pop() ?? "";
  assert.match(footnote, /^cores are shared: each container may use up to its own count; headroom is (host|node) cores minus (the|its) largest container$/);
  const row = new RegExp(perNode ? String.raw`^(\S+)\s+(.+?)${NUMBERS}` : String.raw`^()(.+?)${NUMBERS}`);
  return rest.map((line) => {
    const m = row.exec(line);
    assert.ok(m, `not a budget row: ${line}`);
    const [, node = "", resource = "", host, reserved, allocated, headroom] = m;
    return { node, resource, host: Number(host), reserved: Number(reserved), allocated: Number(allocated), headroom: Number(headroom) };
  });
}

/** The lines of one `== <title>` section of the text plan, up to the blank line that ends it. */
export function planSection(text: string, title: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(`== ${title}`);
  assert.ok(start >= 0, `the plan has a section "${title}"`);
  const end = lines.indexOf("", start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Root disks live on the root storage, which the budget counts on the default fast tier. */
export const rootTier = (model: Homelab): string | undefined => Object.values(model.tiers).find((t) => t.class === "fast" && t.default)?.name;

/** What a tier holds: the quotas of the datasets on it, plus the root disks of `services` if it is the root tier. */
function tierRow(model: Homelab, node: string, tier: string, capacity: number, datasets: readonly Homelab["datasets"][number][], services: readonly Homelab["services"][number][]): BudgetRow {
  const allocated = sum(datasets.filter((d) => d.tier === tier).map((d) => d.quotaGiB)) + (tier === rootTier(model) ? sum(services.map((s) => s.diskGiB)) : 0);
  return { node, resource: `${tier} disk (GiB)`, host: capacity, reserved: 0, allocated, headroom: capacity - allocated };
}

function computeRows(node: string, host: { ramMiB: number; reservedRamMiB: number; cores: number }, services: readonly Homelab["services"][number][]): BudgetRow[] {
  const memory = sum(services.map((s) => s.memoryMiB));
  return [
    { node, resource: "RAM (MiB)", host: host.ramMiB, reserved: host.reservedRamMiB, allocated: memory, headroom: host.ramMiB - host.reservedRamMiB - memory },
    // Cores are shared, not reserved: the headroom is what is left beside the largest container.
    { node, resource: "cores (shared)", host: host.cores, reserved: 0, allocated: sum(services.map((s) => s.cores)), headroom: host.cores - Math.max(0, ...services.map((s) => s.cores)) },
  ];
}

/** Every row the single host's budget table must print, in order: RAM, cores, then each tier as declared. */
export function expectedHostRows(model: Homelab): BudgetRow[] {
  return [
    ...computeRows("", model.proxmox, model.services),
    ...Object.values(model.tiers).map((t) => tierRow(model, "", t.name, t.capacityGiB, model.datasets, model.services)),
  ];
}

/**
 * Every row of a cluster's node budget table: per node its RAM, cores and node-local tiers (a dataset
 * on one counts on the node that holds it, root disks on the node their container runs on), then
 * each shared tier once, with every dataset on it (and every root disk, if it is the root tier).
 */
export function expectedNodeRows(model: Homelab): BudgetRow[] {
  const at = datasetNodes(model);
  return [
    ...model.nodes.flatMap((n) => {
      const here = model.services.filter((s) => s.node === n.name);
      const held = model.datasets.filter((d) => at.get(d.name) === n.name);
      const local = n.tiers.flatMap((name) => {
        const t = model.tiers[name];
        return t && !t.shared ? [tierRow(model, n.name, name, n.capacityGiB[name] ?? t.capacityGiB, held, here)] : [];
      });
      return [...computeRows(n.name, n, here), ...local];
    }),
    ...Object.values(model.tiers)
      .filter((t) => t.shared)
      .map((t) => tierRow(model, "(shared)", t.name, t.capacityGiB, model.datasets, model.services)),
  ];
}

/** The rows a budget computation (as `--json` prints it) stands for, and its tiers' own arithmetic checked on the way. */
export function rowsOfBudgets(node: string, b: Pick<Budgets, "ram" | "cores" | "tiers">): BudgetRow[] {
  return [
    { node, resource: "RAM (MiB)", host: b.ram.hostMiB, reserved: b.ram.reservedMiB, allocated: b.ram.containersMiB, headroom: b.ram.headroomMiB },
    { node, resource: "cores (shared)", host: b.cores.host, reserved: 0, allocated: b.cores.allocated, headroom: b.cores.host - b.cores.largest },
    ...b.tiers.map((t) => rowOfTier(node, t)),
  ];
}

export function rowOfTier(node: string, t: TierBudget): BudgetRow {
  assert.equal(t.usedGiB, t.datasetsGiB + t.rootDisksGiB, `${node} ${t.tier}: used is datasets plus root disks`);
  return { node, resource: `${t.tier} disk (GiB)`, host: t.capacityGiB, reserved: 0, allocated: t.usedGiB, headroom: t.headroomGiB };
}

/** The rows of a cluster's node budgets and shared tiers. */
export const rowsOfNodeBudgets = (nodes: readonly NodeBudget[], shared: readonly TierBudget[]): BudgetRow[] => [
  ...nodes.flatMap((n) => rowsOfBudgets(n.node, n)),
  ...shared.map((t) => rowOfTier("(shared)", t)),
];

/**
 * What must hold of every printed row whatever the model: RAM and disks leave what is not reserved or
 * allocated, cores (shared) leave what the largest container does not use, nothing is reserved but RAM.
 */
export function assertRowsAddUp(rows: readonly BudgetRow[], model: Homelab): void {
  for (const r of rows) {
    const what = `${r.node} ${r.resource}`.trim();
    if (r.resource === "cores (shared)") {
      const largest = Math.max(0, ...model.services.filter((s) => r.node === "" || s.node === r.node).map((s) => s.cores));
      assert.equal(r.headroom, r.host - largest, `${what}: headroom is cores minus the largest container`);
      assert.equal(r.reserved, 0, what);
    } else {
      assert.equal(r.host - r.reserved - r.allocated, r.headroom, `${what}: host - reserved - allocated = headroom`);
      if (r.resource !== "RAM (MiB)") assert.equal(r.reserved, 0, what);
    }
  }
}

type Obj = Record<string, unknown>;

/**
 * A synthetic stack: the example plus a second fast tier (an SSD, not the default, so it holds
 * datasets but no root disks) and an NFS bulk tier, with datasets moved onto both.
 */
export function fourTierConfig(example: Obj): Obj {
  const config = structuredClone(example);
  const storage = config["homelab:storage"] as { tiers: Record<string, Obj>; datasets: Record<string, Obj> };
  storage.tiers.ssd = { class: "fast", path: "/mnt/ssd", capacityGiB: 480, proxmoxStorage: "ssd-dir" };
  storage.tiers.nas = { class: "bulk", kind: "nfs", path: "/mnt/nas", capacityGiB: 16000, proxmoxStorage: "nas-dir" };
  // Two tiers per class: the catalog's fast and bulk datasets stay on nvme and raid.
  storage.tiers.nvme = { ...storage.tiers.nvme, default: true };
  storage.tiers.raid = { ...storage.tiers.raid, default: true };
  storage.datasets.archive = { tier: "nas", quotaGiB: 8000, uid: 1000, gid: 2000, content: "documents" };
  storage.datasets.scratch = { tier: "ssd", quotaGiB: 120, content: "cache" };
  const services = config["homelab:services"] as Record<string, Obj>;
  services.syncthing = { ...services.syncthing, datasets: { sync: { tier: "nas" }, config: { tier: "ssd" } } };
  return config;
}
