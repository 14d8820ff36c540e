import type { Step } from "./steps";

/** How one registered resource fared in the rehearsal. */
export type Outcome =
  | { readonly kind: "done"; readonly ms: number; readonly note?: string }
  | { readonly kind: "stood-in"; readonly note: string }
  | { readonly kind: "needs"; readonly url: string; readonly ms: number }
  | { readonly kind: "failed"; readonly error: string; readonly ms: number }
  | { readonly kind: "blocked"; readonly by: string };

export type Executor = (step: Step) => Promise<Outcome>;

/** Outcomes after which the resources that depend on it may still go ahead. */
const lets = (o: Outcome): boolean => o.kind === "done" || o.kind === "stood-in";

/**
 * Runs the steps as the engine would: each once everything it depends on has finished, up to
 * `concurrency` at a time. A step after a failure, or after a download that cannot be reached here,
 * is blocked and named as such, never silently skipped.
 */
export async function runSteps(steps: readonly Step[], execute: Executor, concurrency: number, onDone?: (step: Step, o: Outcome) => void): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const pending = new Map(steps.map((s) => [s.resource.name, s]));
  const running = new Map<string, Promise<void>>();
  const known = new Set(steps.map((s) => s.resource.name));
  const settle = (step: Step, o: Outcome): void => {
    outcomes.set(step.resource.name, o);
    onDone?.(step, o);
  };
  while (pending.size > 0 || running.size > 0) {
    let progressed = false;
    for (const [name, step] of pending) {
      if (running.size >= concurrency) break;
      const deps = step.after.filter((d) => known.has(d));
      const blocker = deps.map((d) => [d, outcomes.get(d)] as const).find(([, o]) => o !== undefined && !lets(o));
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
