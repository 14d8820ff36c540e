import type { ClusterNode, Dataset, Problem, Service, Tier } from "./model";
import type { Sections, TierName } from "./schema";
import { codePointOrder } from "./order";
import { configPath } from "./zod-problems";

type Unplaced = Omit<Service, "node" | "placedBy" | "ha">;

/**
 * The nodes: the single host described by `homelab:proxmox` when `nodes` is left out, or the cluster's
 * nodes. A node-local tier a node names must be declared, and must not be a shared one.
 */
export function resolveNodes(proxmox: Sections["proxmox"], tiers: Readonly<Record<TierName, Tier>>, problems: Problem[]): ClusterNode[] {
  const shared = Object.values(tiers).filter((t) => t.shared).map((t) => t.name);
  if (proxmox.nodes === undefined) {
    return [
      {
        name: proxmox.nodeName,
        sshAddress: proxmox.sshAddress,
        sshPort: proxmox.sshPort,
        ramMiB: proxmox.ramMiB,
        reservedRamMiB: proxmox.reservedRamMiB,
        cores: proxmox.cores,
        tiers: Object.keys(tiers),
        devices: [],
        capacityGiB: {},
        configPath: "homelab:proxmox",
      },
    ];
  }
  const nodes = Object.entries(proxmox.nodes).map(([name, n]): ClusterNode => {
    const path = configPath(["proxmox", "nodes", name]);
    for (const t of Object.keys(n.capacityGiB).filter((x) => !n.tiers.includes(x))) {
      problems.push({ path: `${path}.capacityGiB.${t}`, message: `sizes tier ${t}, which is not among this node's tiers (${n.tiers.join(", ") || "none"}); list it under tiers, or leave it out here` });
    }
    n.tiers.forEach((t, i) => {
      const tier = tiers[t];
      if (tier === undefined) problems.push({ path: `${path}.tiers.${i}`, message: `unknown tier '${t}' (tiers: ${Object.keys(tiers).join(", ")})` });
      else if (tier.shared) problems.push({ path: `${path}.tiers.${i}`, message: `tier ${t} is shared, so it is on every node already; list only this node's local tiers here` });
    });
    return { name, ...n, tiers: [...shared, ...n.tiers.filter((t) => tiers[t] !== undefined && !tiers[t]?.shared)], configPath: path };
  });
  if (nodes.length === 0) problems.push({ path: configPath(["proxmox", "nodes"]), message: "declares no node; leave nodes out for a single host, or list the cluster's nodes" });
  if (!nodes.some((n) => n.name === proxmox.nodeName) && nodes.length > 0) {
    problems.push({ path: configPath(["proxmox", "nodeName"]), message: `'${proxmox.nodeName}' (the node the API endpoint is on) is not one of the nodes (${nodes.map((n) => n.name).join(", ")})` });
  }
  return nodes;
}

/**
 * Places each service on a node, the same way on every run. Services sharing a dataset on a node-local
 * tier form a group that runs on one node (the data is there). A group goes to the node one of its
 * services names (`node:`); otherwise groups, those passing a device through first, then largest memory
 * first (then by name), go to the allowed node with the most free RAM (then the first in the stack
 * file's order). A node is allowed when it reaches every tier of the group's datasets and has every
 * device the group passes through. Services in `apart` (the tunnel's connectors) go to nodes none of
 * the others is on, while there is such a node.
 */
export function placeServices(
  services: readonly Unplaced[],
  entries: Sections["services"],
  nodes: readonly ClusterNode[],
  datasets: readonly Dataset[],
  tiers: Readonly<Record<TierName, Tier>>,
  clustered: boolean,
  problems: Problem[],
  apart: readonly string[] = [],
): Service[] {
  if (!clustered) {
    const only = nodes[0];
    return services.map((s) => ({ ...s, node: only?.name ?? "", placedBy: "single node", ha: entries[s.name]?.ha === true }));
  }
  const datasetTier = new Map(datasets.map((d) => [d.name, d.tier]));
  const tierOf = (m: Unplaced["mounts"][number]): TierName => datasetTier.get(m.dataset) ?? m.tier;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  /** Why `node` cannot run `s`, or undefined when it can. */
  const refusal = (s: Unplaced, node: ClusterNode): string | undefined => {
    const reasons: string[] = [];
    // An unresolved tier is reported where it is named; it does not also refuse every node.
    const missingTier = s.mounts.find((m) => tierOf(m) in tiers && !node.tiers.includes(tierOf(m)));
    if (missingTier) reasons.push(`its dataset ${missingTier.dataset} is on tier ${tierOf(missingTier)}, which node ${node.name} does not have (${node.name} has: ${node.tiers.join(", ") || "no tier"})`);
    const device = s.devices.find((d) => !node.devices.includes(d.path));
    if (device) reasons.push(`it passes through ${device.path}, which node ${node.name} does not have (${nodes.filter((n) => n.devices.includes(device.path)).map((n) => n.name).join(", ") || "no node"} lists it under devices)`);
    return reasons.length > 0 ? reasons.join(", and ") : undefined;
  };
  // Groups: services joined by a dataset on a node-local tier (union-find over the stack file's order).
  const parent = services.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i] ?? i)));
  const firstHolder = new Map<string, number>();
  services.forEach((s, i) => {
    for (const m of s.mounts.filter((x) => tiers[tierOf(x)]?.shared === false)) {
      const j = firstHolder.get(m.dataset);
      if (j === undefined) firstHolder.set(m.dataset, i);
      else parent[root(i)] = root(j);
    }
  });
  const byRoot = new Map<number, Unplaced[]>();
  services.forEach((s, i) => byRoot.set(root(i), [...(byRoot.get(root(i)) ?? []), s]));
  const groups = [...byRoot.values()];
  const used = new Map<string, number>();
  const freeMiB = (n: ClusterNode): number => n.ramMiB - n.reservedRamMiB - (used.get(n.name) ?? 0);
  const placed = new Map<string, { node: string; placedBy: Service["placedBy"] }>();
  const apartOn = new Set<string>();
  const put = (group: readonly Unplaced[], node: ClusterNode, pinnedBy: string | undefined): void => {
    for (const s of group) {
      const own = entries[s.name]?.node !== undefined;
      const placedBy = own ? "stack file" : s.devices.length > 0 ? "device" : pinnedBy !== undefined || group.length > 1 ? "data" : "packing";
      placed.set(s.name, { node: node.name, placedBy });
      if (apart.includes(s.name)) apartOn.add(node.name);
      used.set(node.name, (used.get(node.name) ?? 0) + s.memoryMiB);
    }
  };
  const unpinned: Unplaced[][] = [];
  for (const group of groups) {
    const named = group.filter((s) => entries[s.name]?.node !== undefined);
    let pin: ClusterNode | undefined;
    for (const s of named) {
      const wanted = entries[s.name]?.node ?? "";
      const node = byName.get(wanted);
      if (node === undefined) {
        problems.push({ path: `${s.configPath}.node`, message: `unknown node '${wanted}' (nodes: ${nodes.map((n) => n.name).join(", ")})` });
      } else if (pin !== undefined && pin !== node) {
        problems.push({ path: `${s.configPath}.node`, message: `names node ${wanted}, but it shares node-local data with ${group.filter((x) => x !== s).map((x) => x.name).join(", ")}, placed on ${pin.name}; name the same node` });
      } else pin = node;
    }
    if (named.length > 0 && pin === undefined) continue;
    if (pin !== undefined) {
      for (const s of group) {
        const why = refusal(s, pin);
        if (why) problems.push({ path: entries[s.name]?.node !== undefined ? `${s.configPath}.node` : s.configPath, message: `cannot run on node ${pin.name}: ${why}` });
      }
      put(group, pin, named[0]?.name);
    } else unpinned.push(group);
  }
  const memory = (g: readonly Unplaced[]): number => g.reduce((sum, s) => sum + s.memoryMiB, 0);
  const hasDevice = (g: readonly Unplaced[]): boolean => g.some((s) => s.devices.length > 0);
  unpinned.sort((a, b) => Number(hasDevice(b)) - Number(hasDevice(a)) || memory(b) - memory(a) || codePointOrder(a[0]?.name ?? "", b[0]?.name ?? ""));
  for (const group of unpinned) {
    const fits = nodes.filter((n) => group.every((s) => refusal(s, n) === undefined));
    const spread = group.some((s) => apart.includes(s.name)) ? fits.filter((n) => !apartOn.has(n.name)) : [];
    const allowed = spread.length > 0 ? spread : fits;
    const best = allowed.reduce<ClusterNode | undefined>((acc, n) => (acc === undefined || freeMiB(n) > freeMiB(acc) ? n : acc), undefined);
    if (best === undefined) {
      const with_ = group.length > 1 ? ` (it shares node-local data with ${group.slice(1).map((s) => s.name).join(", ")})` : "";
      problems.push({
        path: group[0]?.configPath ?? "homelab:services",
        message: `no node can run it${with_}: ${nodes.map((n) => `${n.name}: ${group.map((s) => refusal(s, n)).find((w) => w !== undefined)}`).join("; ")}`,
      });
      continue;
    }
    put(group, best, undefined);
  }
  return services.map((s) => {
    const p = placed.get(s.name);
    return { ...s, node: p?.node ?? nodes[0]?.name ?? "", placedBy: p?.placedBy ?? "packing", ha: entries[s.name]?.ha === true };
  });
}
