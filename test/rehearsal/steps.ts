import type { Homelab } from "../../config";
import type { RecordedResource } from "../../src/mock-runtime";
import { runPlan } from "../../src/plan";

/**
 * The rehearsal's view of the program: the resources the real program registers for a stack file,
 * evaluated under the same mocks as the offline plan, in an order that respects every dependency.
 */

export interface Step {
  readonly resource: RecordedResource;
  /** Names of the custom resources this one waits for (component dependencies expanded to their children). */
  readonly after: readonly string[];
}

export interface RehearsalPlan {
  readonly model: Homelab;
  readonly steps: readonly Step[];
  /** Every registered custom resource, by name. */
  readonly byName: ReadonlyMap<string, RecordedResource>;
}

/** URNs of the custom resources below a URN (itself when it is custom). */
function customsBelow(urn: string, byUrn: ReadonlyMap<string, RecordedResource>, children: ReadonlyMap<string, string[]>): string[] {
  const r = byUrn.get(urn);
  if (!r) return [];
  if (r.custom) return [urn];
  return (children.get(urn) ?? []).flatMap((c) => customsBelow(c, byUrn, children));
}

/**
 * Orders the custom resources so each comes after what it depends on; ties keep registration order,
 * which is the order the program wrote them in.
 */
export function orderSteps(resources: readonly RecordedResource[]): Step[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, string[]>();
  for (const r of resources) {
    if (!r.parentUrn) continue;
    const list = children.get(r.parentUrn) ?? [];
    list.push(r.urn);
    children.set(r.parentUrn, list);
  }
  const isProvider = (urn: string): boolean => byUrn.get(urn)?.type.startsWith("pulumi:providers:") ?? false;
  const customs = resources.filter((r) => r.custom && !isProvider(r.urn));
  // A resource waits for what it names and for what its provider waits for (a provider configured
  // from another resource's outputs, like the postgresql provider after the Postgres container).
  const depsOf = (r: RecordedResource, seen = new Set<string>()): Set<string> => {
    const set = new Set<string>();
    const providerUrn = r.provider ? r.provider.split("::").slice(0, -1).join("::") : "";
    for (const d of [...r.dependencies, ...(providerUrn ? [providerUrn] : [])]) {
      for (const u of customsBelow(d, byUrn, children)) {
        if (u === r.urn) continue;
        const dep = byUrn.get(u);
        if (dep && isProvider(u)) {
          if (!seen.has(u)) {
            seen.add(u);
            for (const x of depsOf(dep, seen)) set.add(x);
          }
        } else set.add(u);
      }
    }
    return set;
  };
  const deps = new Map<string, Set<string>>(customs.map((r) => [r.urn, depsOf(r)]));
  const index = new Map(customs.map((r, i) => [r.urn, i]));
  const done = new Set<string>();
  const out: Step[] = [];
  while (out.length < customs.length) {
    const next = customs.find((r) => !done.has(r.urn) && [...(deps.get(r.urn) ?? [])].every((u) => done.has(u) || !index.has(u)));
    if (!next) throw new Error(`dependency cycle among: ${customs.filter((r) => !done.has(r.urn)).map((r) => r.name).join(", ")}`);
    done.add(next.urn);
    out.push({ resource: next, after: [...(deps.get(next.urn) ?? [])].map((u) => byUrn.get(u)?.name ?? u) });
  }
  return out;
}

/** Evaluates the program for a stack file and returns its ordered steps and its model. */
export async function rehearsalPlan(stackFile: string): Promise<RehearsalPlan> {
  const result = await runPlan(stackFile);
  const steps = orderSteps(result.resources);
  return { model: result.model, steps, byName: new Map(result.resources.filter((r) => r.custom).map((r) => [r.name, r])) };
}
