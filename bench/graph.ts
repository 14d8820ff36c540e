import type { RecordedResource } from "../src/mock-runtime";
import type { MeasuredStep, StepTimings } from "../test/rehearsal/summary";

/**
 * The dependency graph of a recorded run and its critical path. A dependency on a component means
 * every resource inside it, as the engine waits for a component's children.
 */

/** Seconds one step takes in a cold `pulumi up`, and where that figure comes from. */
export interface StepTime {
  readonly seconds: number;
  /**
   * `measured`: this step's time in the rehearsal; `measured, lower bound`: it ran there until a
   * download the rehearsal cannot reach; `median of N measured`: no time of its own, the median of
   * the measured steps of the same type and role (`provision`, `files`); `estimate`: nothing measured.
   */
  readonly basis: string;
}

export type StepTimer = (r: RecordedResource) => StepTime;

/** Seconds for a step nothing measured: the API calls the rehearsal stands in for, the template download. */
function estimate(r: RecordedResource): number {
  if (r.type === "proxmoxve:index/containerLegacy:ContainerLegacy") return 40;
  if (r.type === "proxmoxve:download/file:File") return 60;
  if (r.type.startsWith("postgresql:")) return 1;
  return 3;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** A step's role in its service: its name without the service (`provision`, `secret-N`), if it has one. */
function role(name: string, service: string): string | undefined {
  if (service === "host" || !name.startsWith(`${service}-`)) return undefined;
  return name.slice(service.length + 1).replace(/\d+/g, "N");
}

/**
 * Step times from a rehearsal's measurements. `rehearsalName` maps a resource to the service it
 * belongs to and the name the same step has in the rehearsal (a synthetic `sonarr-3-provision` is the
 * rehearsal's `sonarr-provision`).
 */
export function measuredTimer(timings: StepTimings, rehearsalName: (r: RecordedResource) => { service: string; name: string }): StepTimer {
  const byName = new Map(timings.steps.map((s) => [s.name, s]));
  const byRole = new Map<string, MeasuredStep[]>();
  for (const s of timings.steps) {
    const key = `${s.type} ${role(s.name, s.service) ?? ""}`;
    byRole.set(key, [...(byRole.get(key) ?? []), s]);
  }
  return (r) => {
    if (!r.custom || r.type.startsWith("pulumi:providers:") || r.type.startsWith("random:")) return { seconds: 0, basis: "no API call" };
    const { service, name } = rehearsalName(r);
    const own = byName.get(name);
    if (own && own.type === r.type) return { seconds: own.seconds, basis: own.outcome === "done" ? "measured" : "measured, lower bound" };
    const serviceRole = role(name, service);
    const alike = serviceRole === undefined ? undefined : byRole.get(`${r.type} ${serviceRole}`);
    if (alike && alike.length > 0) return { seconds: median(alike.map((s) => s.seconds)), basis: `median of ${alike.length} measured` };
    return { seconds: estimate(r), basis: "estimate" };
  };
}

export interface CriticalPath {
  readonly seconds: number;
  readonly steps: readonly ({ readonly name: string; readonly type: string } & StepTime)[];
}

export function criticalPath(resources: readonly RecordedResource[], timer: StepTimer): CriticalPath {
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
  const times = new Map(resources.map((r) => [r.urn, timer(r)]));
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
    const seconds = best + (times.get(r.urn)?.seconds ?? 0);
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
  const steps: ({ name: string; type: string } & StepTime)[] = [];
  for (let u = end?.urn; u; u = finish.get(u)?.via) {
    const r = byUrn.get(u);
    const time = times.get(u);
    if (r && time) steps.unshift({ name: r.name, type: r.type, ...time });
  }
  return { seconds: total, steps };
}
