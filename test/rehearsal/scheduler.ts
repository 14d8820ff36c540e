import type { Step } from "./steps";

/** How one registered resource fared in the rehearsal. */
export type Outcome =
  | { readonly kind: "done"; readonly ms: number; readonly note?: string }
  | { readonly kind: "stood-in"; readonly note: string }
  | { readonly kind: "needs"; readonly url: string; readonly ms: number }
  | { readonly kind: "failed"; readonly error: string; readonly ms: number }
  | { readonly kind: "blocked"; readonly by: string };

export type Executor = (step: Step) => Promise<Outcome>;

/**
 * Whether a dependent may go ahead after this outcome. A step that needs an unreachable download
 * holds back the later steps of its own service, which need what it installs; another service's step
 * that waits for it only for ordering (apps after the infrastructure, the backup after the database)
 * goes ahead, since on a real host the download would have succeeded.
 */
const lets = (o: Outcome, sameService: boolean): boolean => o.kind === "done" || o.kind === "stood-in" || (o.kind === "needs" && !sameService);

/**
 * Runs the steps as the engine would: each once everything it depends on has finished, up to
 * `concurrency` at a time. A step after a failure, or after a download that cannot be reached here,
 * is blocked and named as such, never silently skipped.
 */
export async function runSteps(
  steps: readonly Step[],
  execute: Executor,
  concurrency: number,
  serviceOf: (step: Step) => string,
  onDone?: (step: Step, o: Outcome) => void,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const pending = new Map(steps.map((s) => [s.resource.name, s]));
  const running = new Map<string, Promise<void>>();
  const known = new Set(steps.map((s) => s.resource.name));
  const byName = new Map(steps.map((s) => [s.resource.name, s]));
  const pendingOrKnown = (name: string): Step => byName.get(name) as Step;
  const settle = (step: Step, o: Outcome): void => {
    outcomes.set(step.resource.name, o);
    onDone?.(step, o);
  };
  while (pending.size > 0 || running.size > 0) {
    let progressed = false;
    for (const [name, step] of pending) {
      if (running.size >= concurrency) break;
      const deps = step.after.filter((d) => known.has(d));
      const blocker = deps.map((d) => [d, outcomes.get(d)] as const).find(([d, o]) => o !== undefined && !lets(o, serviceOf(pendingOrKnown(d)) === serviceOf(step)));
      if (blocker) {
        pending.delete(name);
        const [by, o] = blocker;
        settle(step, { kind: "blocked", by: o?.kind === "blocked" ? o.by : by });
        progressed = true;
        continue;
      }
      if (!deps.every((d) => outcomes.has(d))) continue;
      pending.delete(name);
      progressed = true;
      running.set(
        name,
        execute(step)
          .catch((error: unknown): Outcome => ({ kind: "failed", error: error instanceof Error ? error.message : String(error), ms: 0 }))
          .then((o) => {
            running.delete(name);
            settle(step, o);
          }),
      );
    }
    if (!progressed) {
      if (running.size === 0) throw new Error(`no step can run: ${[...pending.keys()].join(", ")}`);
      await Promise.race(running.values());
    }
  }
  return outcomes;
}
