import { budgets, failoverTargets, nodeBudgets, sharedTierBudgets, type Homelab } from "../config";
import type { RecordedResource } from "./mock-runtime";
import { codePointOrder } from "../config/order";
import { table, type ReportSection } from "../components/shared/report";

export function budgetSection(model: Homelab): ReportSection {
  const b = budgets(model);
  return {
    title: "Host budget",
    lines: [
      ...table([
        ["resource", "host", "reserved", "allocated", "headroom"],
        ["RAM (MiB)", b.ram.hostMiB, b.ram.reservedMiB, b.ram.containersMiB, b.ram.headroomMiB],
        ["cores (shared)", b.cores.host, 0, b.cores.allocated, b.cores.host - b.cores.largest],
        ...b.tiers.map((t) => [`${t.tier} disk (GiB)`, t.capacityGiB, 0, t.usedGiB, t.headroomGiB] as const),
      ]),
      "cores are shared: each container may use up to its own count; headroom is host cores minus the largest container",
    ],
  };
}

/** Resources grouped under the component that registered them. */
export function resourceSection(resources: readonly RecordedResource[]): ReportSection {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const topComponent = (r: RecordedResource): string => {
    let current: RecordedResource | undefined = r;
    let top = r;
    while (current) {
      if (current.type !== "pulumi:pulumi:Stack") top = current;
      current = current.parentUrn ? byUrn.get(current.parentUrn) : undefined;
      if (current?.type === "pulumi:pulumi:Stack") break;
    }
    return top.custom ? "(stack)" : `${top.type} ${top.name}`;
  };
  const groups = new Map<string, Map<string, number>>();
  for (const r of resources) {
    if (!r.custom) continue;
    const group = topComponent(r);
    const counts = groups.get(group) ?? new Map<string, number>();
    counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    groups.set(group, counts);
  }
  const lines: string[] = [];
  for (const [group, counts] of [...groups.entries()].sort(([a], [b]) => codePointOrder(a, b))) {
    lines.push(`${group}`);
    for (const [type, n] of [...counts.entries()].sort(([a], [b]) => codePointOrder(a, b))) lines.push(`  + ${n} x ${type}`);
  }
  lines.push(`${resources.filter((r) => r.custom).length} resources to create, in ${resources.filter((r) => !r.custom).length} components`);
  return { title: "Resources to create", lines };
}

/** On a cluster: where each service runs and why, each node's budget, and what a node absorbs when another fails. */
export function clusterSections(model: Homelab): ReportSection[] {
  const placement: ReportSection = {
    title: "Placement",
    lines: [
      ...table([["service", "node", "placed by", "memory (MiB)", "ha"], ...model.services.map((s) => [s.name, s.node, s.placedBy, s.memoryMiB, s.ha ? "yes" : "no"] as const)]),
      "packing: services naming no node go, largest memory first, to the node with the most free RAM that has their tiers and devices",
    ],
  };
  const budgets = nodeBudgets(model);
  const rows: (readonly (string | number)[])[] = [["node", "resource", "host", "reserved", "allocated", "headroom"]];
  for (const b of budgets) {
    rows.push([b.node, "RAM (MiB)", b.ram.hostMiB, b.ram.reservedMiB, b.ram.containersMiB, b.ram.headroomMiB]);
    rows.push([b.node, "cores (shared)", b.cores.host, 0, b.cores.allocated, b.cores.host - b.cores.largest]);
    for (const t of b.tiers) rows.push([b.node, `${t.tier} disk (GiB)`, t.capacityGiB, 0, t.usedGiB, t.headroomGiB]);
  }
  for (const t of sharedTierBudgets(model)) rows.push(["(shared)", `${t.tier} disk (GiB)`, t.capacityGiB, 0, t.usedGiB, t.headroomGiB]);
  const failover: string[] = [];
  for (const failed of model.nodes) {
    const moves = [...failoverTargets(model, failed.name)];
    if (moves.length === 0) {
      failover.push(`if ${failed.name} fails: no HA service moves`);
      continue;
    }
    failover.push(`if ${failed.name} fails: ${moves.map(([s, to]) => `${s} -> ${to}`).join(", ")}`);
    for (const b of budgets.filter((x) => (x.absorbsMiB[failed.name] ?? 0) > 0)) {
      const absorbed = b.absorbsMiB[failed.name] ?? 0;
      const left = b.ram.headroomMiB - absorbed;
      failover.push(`  ${b.node} absorbs ${absorbed} MiB, headroom ${left} MiB${left < 0 ? " (over: the HA manager cannot start them all)" : ""}`);
    }
  }
  const refused = model.services.filter((s) => !s.ha && s.mounts.some((m) => model.tiers[m.tier]?.shared === false)).length;
  return [
    placement,
    { title: "Node budgets", lines: [...table(rows), "cores are shared: each container may use up to its own count; headroom is node cores minus its largest container"] },
    { title: "Failover (HA services)", lines: [...failover, `${model.services.filter((s) => s.ha).length} HA services; ${refused} services keep node-local data and stay on their node`] },
  ];
}
