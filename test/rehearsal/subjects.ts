import type { Service } from "../../config";
import type { Outcome } from "./scheduler";
import { vmIdOfCommand } from "./selection";
import type { RehearsalPlan, Step } from "./steps";
import { serviceState } from "./summary";

/**
 * What each check of a run looks at, from the run's steps and how they fared: only services whose own
 * steps ran in this run, so a partial run checks exactly what it converged.
 */
export interface CheckSubjects {
  /** Services whose recipe ran: their units, health endpoints and datasets are checked. */
  readonly rehearsed: readonly Service[];
  /** Compose apps whose recipe ran up to the image pull: the Docker engine and their Compose files are checked. */
  readonly composeApps: readonly Service[];
  /** The shared Postgres, when it is rehearsed. */
  readonly postgres: Service | undefined;
  /** Apps whose pushed db.env reached their container, with Postgres rehearsed: the database checks need nothing else of them. */
  readonly dbApps: readonly Service[];
  /** The backup's timers were installed: the backup job is run and restored. */
  readonly backup: boolean;
  /** Commands that ran to the end: each runs a second time for the idempotence check. */
  readonly commands: readonly Step[];
}

const DB_ENV = /db\.env/;

export function checkSubjects(plan: RehearsalPlan, steps: readonly Step[], outcomes: ReadonlyMap<string, Outcome>): CheckSubjects {
  // Only this run's steps count, whatever else the outcomes hold.
  const inRun = new Set(steps.map((s) => s.resource.name));
  const outcomeOf = (name: string): Outcome | undefined => (inRun.has(name) ? outcomes.get(name) : undefined);
  const done = (s: Step): boolean => outcomeOf(s.resource.name)?.kind === "done";
  const rehearsed = plan.model.services.filter((s) => serviceState(s.name, plan, steps, outcomes).rehearsed);
  const composeApps = plan.model.services.filter(
    (s) => s.install.method === "compose" && outcomeOf(`${s.name}-container`)?.kind === "done" && outcomeOf(`${s.name}-provision`)?.kind === "needs",
  );
  const postgres = rehearsed.find((s) => s.name === plan.model.postgres.service);
  const dbApps = postgres
    ? plan.model.services.filter((s) => s.database !== undefined && steps.some((st) => vmIdOfCommand(st.resource) === s.vmId && DB_ENV.test(String(st.resource.inputs.create)) && done(st)))
    : [];
  const backup = steps.some((s) => /homelab-restic-backup\.timer/.test(String(s.resource.inputs.create)) && done(s));
  const commands = steps.filter((s) => s.resource.type === "command:remote:Command" && done(s));
  return { rehearsed, composeApps, postgres, dbApps, backup, commands };
}

/** Every service some check looks at: a partial run's checks must name no service outside it. */
export function checkedServices(plan: RehearsalPlan, subjects: CheckSubjects): string[] {
  const named = new Set([...subjects.rehearsed, ...subjects.composeApps, ...subjects.dbApps, ...(subjects.postgres ? [subjects.postgres] : [])].map((s) => s.name));
  const vmIds = new Set(subjects.commands.map((s) => vmIdOfCommand(s.resource)));
  for (const s of plan.model.services) if (vmIds.has(s.vmId)) named.add(s.name);
  return plan.model.services.map((s) => s.name).filter((n) => named.has(n));
}
