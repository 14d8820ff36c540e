import { codePointOrder } from "../order";
import { failoverCandidates, nodeAffinityRule } from "./ha";
import type { Homelab, Problem } from "../model";
import { defaultTier } from "../tiers";
import type { TierName } from "../schema";

export interface TierBudget {
  readonly tier: TierName;
  readonly capacityGiB: number;
  /** Dataset quotas on the tier. */
  readonly datasetsGiB: number;
  /** Container root disks (they live on the NVMe root storage). */
  readonly rootDisksGiB: number;
  readonly usedGiB: number;
  readonly headroomGiB: number;
}

export interface Budgets {
  readonly ram: { readonly hostMiB: number; readonly reservedMiB: number; readonly availableMiB: number; readonly containersMiB: number; readonly headroomMiB: number };
  readonly cores: { readonly host: number; readonly allocated: number; readonly largest: number };
  readonly tiers: readonly TierBudget[];
}

/** What the stack asks of the host, against what the host has. */
export function budgets(model: Homelab): Budgets {
  const containersMiB = model.services.reduce((sum, s) => sum + s.memoryMiB, 0);
  const availableMiB = model.proxmox.ramMiB - model.proxmox.reservedRamMiB;
  const rootDisks = model.services.reduce((sum, s) => sum + s.diskGiB, 0);
  // Root disks are counted on the default fast tier, where the root storage is on a typical host.
  const fast = defaultTier(model.tiers, "fast")?.name;
  const tiers = Object.values(model.tiers).map(({ name: tier, capacityGiB }): TierBudget => {
    const datasetsGiB = model.datasets.filter((d) => d.tier === tier).reduce((sum, d) => sum + d.quotaGiB, 0);
    const rootDisksGiB = tier === fast ? rootDisks : 0;
    const usedGiB = datasetsGiB + rootDisksGiB;
    return { tier, capacityGiB, datasetsGiB, rootDisksGiB, usedGiB, headroomGiB: capacityGiB - usedGiB };
  });
  return {
    ram: { hostMiB: model.proxmox.ramMiB, reservedMiB: model.proxmox.reservedRamMiB, availableMiB, containersMiB, headroomMiB: availableMiB - containersMiB },
    cores: {
      host: model.proxmox.cores,
      allocated: model.services.reduce((sum, s) => sum + s.cores, 0),
      largest: Math.max(0, ...model.services.map((s) => s.cores)),
    },
    tiers,
  };
}

/** The host's RAM, cores and tiers must hold what the stack file asks for. */
export function checkBudgets(model: Homelab): Problem[] {
  if (model.clustered) return checkNodeBudgets(model);
  const problems: Problem[] = [];
  const b = budgets(model);
  if (b.ram.availableMiB <= 0) {
    problems.push({ path: "homelab:proxmox.reservedRamMiB", message: `${b.ram.reservedMiB} MiB reserve leaves nothing of ${b.ram.hostMiB} MiB for containers` });
  } else if (b.ram.headroomMiB < 0) {
    problems.push({
      path: "homelab:services",
      message: `containers ask for ${b.ram.containersMiB} MiB of memory but the host has ${b.ram.availableMiB} MiB (${b.ram.hostMiB} MiB RAM minus ${b.ram.reservedMiB} MiB reserved); over by ${-b.ram.headroomMiB} MiB`,
    });
  }
  for (const s of model.services) {
    if (s.cores > b.cores.host) problems.push({ path: `${s.configPath}.cores`, message: `${s.cores} cores is more than the host's ${b.cores.host}` });
  }
  for (const t of b.tiers) {
    if (t.headroomGiB < 0) {
      problems.push({
        path: `homelab:storage.tiers.${t.tier}.capacityGiB`,
        message: `datasets (${t.datasetsGiB} GiB)${t.rootDisksGiB ? ` and container root disks (${t.rootDisksGiB} GiB)` : ""} need ${t.usedGiB} GiB but the ${t.tier} tier has ${t.capacityGiB} GiB`,
      });
    }
  }
  return problems;
}

export interface NodeBudget {
  readonly node: string;
  readonly services: readonly string[];
  readonly ram: { readonly hostMiB: number; readonly reservedMiB: number; readonly availableMiB: number; readonly containersMiB: number; readonly headroomMiB: number };
  readonly cores: { readonly host: number; readonly allocated: number; readonly largest: number };
  /** The node's own node-local tiers. */
  readonly tiers: readonly TierBudget[];
  /** Memory of the HA services that move here when another node fails, by failed node. */
  readonly absorbsMiB: Readonly<Record<string, number>>;
}

/**
 * The node that holds each dataset: for a node-local tier, the node of the first service (in the stack
 * file's order) that mounts it, else the first node with the tier; a dataset on a shared tier is on every
 * node and is looked after (created, backed up) from the node the API endpoint is on.
 */
export function datasetNodes(model: Homelab): ReadonlyMap<string, string> {
  const at = new Map<string, string>();
  for (const s of model.services) for (const m of s.mounts) if (model.tiers[m.tier]?.shared === false && !at.has(m.dataset)) at.set(m.dataset, s.node);
  const apiNode = model.nodes.find((n) => n.name === model.proxmox.nodeName) ?? model.nodes[0];
  for (const d of model.datasets) {
    if (at.has(d.name)) continue;
    const home = model.tiers[d.tier]?.shared ? apiNode : apiNode?.tiers.includes(d.tier) ? apiNode : model.nodes.find((n) => n.tiers.includes(d.tier));
    if (home) at.set(d.name, home.name);
  }
  return at;
}

/**
 * The node each HA service restarts on when its node fails: among the nodes it may go to (its
 * node-affinity rule's, by priority), the one with the most RAM left after what already moved there,
 * then the first in the stack file's order. A service with a strict rule and none of its nodes left stays down.
 */
export function failoverTargets(model: Homelab, failed: string): ReadonlyMap<string, string> {
  const free = new Map(model.nodes.map((n) => [n.name, n.ramMiB - n.reservedRamMiB - model.services.filter((s) => s.node === n.name).reduce((sum, s) => sum + s.memoryMiB, 0)]));
  const targets = new Map<string, string>();
  const moving = model.services.filter((s) => s.ha && s.node === failed).sort((x, y) => y.memoryMiB - x.memoryMiB || codePointOrder(x.name, y.name));
  for (const s of moving) {
    const priority = nodeAffinityRule(model, s.name)?.nodes ?? {};
    const rank = (node: string): number => priority[node] ?? -1;
    const to = failoverCandidates(model, s).reduce<string | undefined>(
      (best, n) => (best === undefined || rank(n) > rank(best) || (rank(n) === rank(best) && (free.get(n) ?? 0) > (free.get(best) ?? 0)) ? n : best),
      undefined,
    );
    if (to === undefined) continue;
    targets.set(s.name, to);
    free.set(to, (free.get(to) ?? 0) - s.memoryMiB);
  }
  return targets;
}

/** Each node's budget on a cluster: what is placed on it against what it has, and what it absorbs on a failover. */
export function nodeBudgets(model: Homelab): NodeBudget[] {
  const at = datasetNodes(model);
  const fast = defaultTier(model.tiers, "fast")?.name;
  const absorbs = new Map<string, Record<string, number>>(model.nodes.map((n) => [n.name, {}]));
  for (const failed of model.nodes) {
    for (const [service, to] of failoverTargets(model, failed.name)) {
      const row = absorbs.get(to) ?? {};
      row[failed.name] = (row[failed.name] ?? 0) + (model.services.find((s) => s.name === service)?.memoryMiB ?? 0);
      absorbs.set(to, row);
    }
  }
  return model.nodes.map((node): NodeBudget => {
    const here = model.services.filter((s) => s.node === node.name);
    const containersMiB = here.reduce((sum, s) => sum + s.memoryMiB, 0);
    const availableMiB = node.ramMiB - node.reservedRamMiB;
    const tiers = node.tiers
      .map((name) => model.tiers[name])
      .filter((t) => t !== undefined && !t.shared)
      .map((t): TierBudget => {
        const datasetsGiB = model.datasets.filter((d) => d.tier === t?.name && at.get(d.name) === node.name).reduce((sum, d) => sum + d.quotaGiB, 0);
        const rootDisksGiB = t?.name === fast ? here.reduce((sum, s) => sum + s.diskGiB, 0) : 0;
        const capacityGiB = (t ? node.capacityGiB[t.name] : undefined) ?? t?.capacityGiB ?? 0;
        return { tier: t?.name ?? "", capacityGiB, datasetsGiB, rootDisksGiB, usedGiB: datasetsGiB + rootDisksGiB, headroomGiB: capacityGiB - datasetsGiB - rootDisksGiB };
      });
    return {
      node: node.name,
      services: here.map((s) => s.name),
      ram: { hostMiB: node.ramMiB, reservedMiB: node.reservedRamMiB, availableMiB, containersMiB, headroomMiB: availableMiB - containersMiB },
      cores: { host: node.cores, allocated: here.reduce((sum, s) => sum + s.cores, 0), largest: Math.max(0, ...here.map((s) => s.cores)) },
      tiers,
      absorbsMiB: absorbs.get(node.name) ?? {},
    };
  });
}

/**
 * The shared tiers of a cluster: every dataset on one counts once, whichever node uses it, and so do
 * the root disks of every container when the share is the default fast tier (as on a single host).
 */
export function sharedTierBudgets(model: Homelab): TierBudget[] {
  const fast = defaultTier(model.tiers, "fast")?.name;
  return Object.values(model.tiers)
    .filter((t) => t.shared)
    .map((t): TierBudget => {
      const datasetsGiB = model.datasets.filter((d) => d.tier === t.name).reduce((sum, d) => sum + d.quotaGiB, 0);
      const rootDisksGiB = t.name === fast ? model.services.reduce((sum, s) => sum + s.diskGiB, 0) : 0;
      const usedGiB = datasetsGiB + rootDisksGiB;
      return { tier: t.name, capacityGiB: t.capacityGiB, datasetsGiB, rootDisksGiB, usedGiB, headroomGiB: t.capacityGiB - usedGiB };
    });
}

/** On a cluster, each node holds what is placed on it; shared tiers hold every dataset on them, counted once. */
function checkNodeBudgets(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  for (const b of nodeBudgets(model)) {
    const path = byName.get(b.node)?.configPath ?? "homelab:proxmox.nodes";
    if (b.ram.availableMiB <= 0) {
      problems.push({ path: `${path}.reservedRamMiB`, message: `${b.ram.reservedMiB} MiB reserve leaves nothing of ${b.ram.hostMiB} MiB for containers` });
    } else if (b.ram.headroomMiB < 0) {
      problems.push({
        path: `${path}.ramMiB`,
        message: `containers placed on node ${b.node} (${b.services.join(", ")}) ask for ${b.ram.containersMiB} MiB but it has ${b.ram.availableMiB} MiB (${b.ram.hostMiB} MiB RAM minus ${b.ram.reservedMiB} MiB reserved); over by ${-b.ram.headroomMiB} MiB: move a service with node: or add RAM`,
      });
    }
    for (const s of model.services.filter((x) => x.node === b.node && x.cores > b.cores.host)) {
      problems.push({ path: `${s.configPath}.cores`, message: `${s.cores} cores is more than node ${b.node}'s ${b.cores.host}` });
    }
    for (const t of b.tiers.filter((x) => x.headroomGiB < 0)) {
      problems.push({
        path: byName.get(b.node)?.capacityGiB[t.tier] !== undefined ? `${path}.capacityGiB.${t.tier}` : `homelab:storage.tiers.${t.tier}.capacityGiB`,
        message: `on node ${b.node}, datasets (${t.datasetsGiB} GiB)${t.rootDisksGiB ? ` and container root disks (${t.rootDisksGiB} GiB)` : ""} need ${t.usedGiB} GiB but the ${t.tier} tier has ${t.capacityGiB} GiB`,
      });
    }
  }
  for (const t of sharedTierBudgets(model).filter((x) => x.headroomGiB < 0)) {
    problems.push({
      path: `homelab:storage.tiers.${t.tier}.capacityGiB`,
      message: `datasets${t.rootDisksGiB ? ` (${t.datasetsGiB} GiB) and container root disks (${t.rootDisksGiB} GiB)` : ""} need ${t.usedGiB} GiB but the shared ${t.tier} tier has ${t.capacityGiB} GiB`,
    });
  }
  return problems;
}
