import type { RecordedResource } from "../src/mock-runtime";

/**
 * The dependency graph of a recorded run and its critical path. A dependency on a component means
 * every resource inside it, as the engine waits for a component's children.
 */

/** Seconds a cold `pulumi up` typically spends creating one resource of a type (estimates). */
export function stepSeconds(r: RecordedResource): number {
  if (!r.custom || r.type.startsWith("pulumi:providers:")) return 0;
  if (r.type === "proxmoxve:index/containerLegacy:ContainerLegacy") return 40;
  if (r.type === "proxmoxve:download/file:File") return 60;
  if (r.type.startsWith("command:remote:")) {
    const text = JSON.stringify(r.inputs);
    // A recipe that installs packages or pulls images takes minutes; a mkdir or a file push, seconds.
    return /apt-get install|docker compose|curl |wget /.test(text) ? 180 : 3;
  }
  if (r.type.startsWith("random:")) return 0;
  if (r.type.startsWith("postgresql:")) return 1;
  return 3;
}

export interface CriticalPath {
  readonly seconds: number;
  readonly steps: readonly { readonly name: string; readonly type: string; readonly seconds: number }[];
}

export function criticalPath(resources: readonly RecordedResource[]): CriticalPath {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, RecordedResource[]>();
  for (const r of resources) {
    if (r.parentUrn) children.set(r.parentUrn, [...(children.get(r.parentUrn) ?? []), r]);
  }
  const customsUnder = (urn: string): RecordedResource[] => {
    const out: RecordedResource[] = [];
    const stack = [urn];
    while (stack.length > 0) {
      const u = stack.pop() as string;
      const r = byUrn.get(u);
      if (r?.custom) out.push(r);
      for (const c of children.get(u) ?? []) stack.push(c.urn);
    }
    return out;
  };
  const preds = (r: RecordedResource): RecordedResource[] =>
    r.dependencies.flatMap((u) => {
      const d = byUrn.get(u);
      if (!d) return [];
      return d.custom ? [d] : customsUnder(d.urn);
    });
  const finish = new Map<string, { seconds: number; via: string | undefined }>();
  const visit = (r: RecordedResource, trail: Set<string>): number => {
    const done = finish.get(r.urn);
    if (done) return done.seconds;
    if (trail.has(r.urn)) throw new Error(`dependency cycle at ${r.name}`);
    trail.add(r.urn);
    let best = 0;
    let via: string | undefined;
    for (const p of preds(r)) {
      const t = visit(p, trail);
      if (t > best) {
        best = t;
        via = p.urn;
      }
    }
    trail.delete(r.urn);
    const seconds = best + stepSeconds(r);
    finish.set(r.urn, { seconds, via });
    return seconds;
  };
  let end: RecordedResource | undefined;
  let total = 0;
  for (const r of resources.filter((x) => x.custom)) {
    const t = visit(r, new Set());
    if (t > total) {
      total = t;
      end = r;
    }
  }
  const steps: { name: string; type: string; seconds: number }[] = [];
  for (let u = end?.urn; u; u = finish.get(u)?.via) {
    const r = byUrn.get(u);
    if (r) steps.unshift({ name: r.name, type: r.type, seconds: stepSeconds(r) });
  }
  return { seconds: total, steps };
}
