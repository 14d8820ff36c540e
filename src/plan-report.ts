import { budgets, type Homelab } from "../config";
import type { RecordedResource } from "./mock-runtime";
import { codePointOrder } from "../config/order";

/** One titled block of the plan's text report; components contribute their own. */
export interface ReportSection {
  readonly title: string;
  readonly lines: readonly string[];
}

const pad = (text: string | number, width: number): string => String(text).padEnd(width);
const padLeft = (text: string | number, width: number): string => String(text).padStart(width);

/** Renders rows as aligned columns; the first row is the header. */
export function table(rows: readonly (readonly (string | number)[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows.map((row) => row.map((cell, i) => (typeof cell === "number" ? padLeft(cell, widths[i] ?? 0) : pad(cell, widths[i] ?? 0))).join("  ").trimEnd());
}

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
