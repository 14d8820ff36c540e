import type { RecordedResource } from "../../src/mock-runtime";
import { CACHE_DIR, LOG_DIR, MASKED_BASE_UNITS } from "./lab";
import type { Outcome } from "./scheduler";
import { ownSteps, serviceOf, type Selection } from "./selection";
import type { RehearsalPlan, Step } from "./steps";
import type { CheckSubjects } from "./subjects";

/** Wall-clock time per phase, printed in the summary: the rehearsal's benchmark line. */
export class Timings {
  readonly phases: { readonly name: string; readonly ms: number }[] = [];

  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.phases.push({ name, ms: Date.now() - started });
      process.stdout.write(`# phase ${name}: ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    }
  }
}

/** Measured time of one step, as the benchmark's converge prediction reads it. */
export interface MeasuredStep {
  readonly name: string;
  readonly type: string;
  readonly service: string;
  /** `needs`: the step ran until a download this machine cannot reach, so its time is a lower bound. */
  readonly outcome: "done" | "needs";
  readonly seconds: number;
}

/** The file `HOMELAB_REHEARSAL_TIMINGS` names: every timed step of one rehearsal run. */
export interface StepTimings {
  /** Where the figures come from (machine, stack), printed beside the prediction. */
  readonly source: string;
  readonly steps: readonly MeasuredStep[];
}

/** The timed steps of a run, in step order; stood-in, blocked and failed steps have no time to give. */
export function stepTimings(plan: RehearsalPlan, steps: readonly Step[], outcomes: ReadonlyMap<string, Outcome>, source: string): StepTimings {
  const timed = steps.flatMap((s): MeasuredStep[] => {
    const o = outcomes.get(s.resource.name);
    if (o?.kind !== "done" && o?.kind !== "needs") return [];
    return [{ name: s.resource.name, type: s.resource.type, service: serviceOf(s.resource, plan), outcome: o.kind, seconds: Math.round(o.ms / 100) / 10 }];
  });
  return { source, steps: timed };
}

export function describeOutcome(step: Step, o: Outcome): string {
  const name = step.resource.name;
  const secs = "ms" in o ? ` (${(o.ms / 1000).toFixed(1)}s)` : "";
  switch (o.kind) {
    case "done":
      return `done     ${name}${secs}${o.note ? `: ${o.note}` : ""}`;
    case "stood-in":
      return `stood in ${name}: ${o.note}`;
    case "needs":
      return `needs    ${name}${secs}: not rehearsed: needs ${o.url}`;
    case "blocked":
      return `blocked  ${name}: waits for ${o.by}`;
    case "failed":
      return `FAILED   ${name}${secs}: ${o.error.split("\n")[0]}`;
  }
}

/** How far a service got: its recipe ran (so it can be checked), and what of it could not run here. */
export interface ServiceState {
  /** Every step of it ran, or its recipe did and only later steps of its own need a download. */
  readonly rehearsed: boolean;
  readonly text: string;
}

/** The component a resource was made in, by its name (`backup`, `firewall`, an app's). */
export const componentOf = (r: RecordedResource): string => r.parentUrn?.split("::").pop() ?? "";

const names = (steps: readonly Step[]): string => steps.map((s) => s.resource.name).join(", ");

/** `steps` are the run's steps: a service is rehearsed only from its own steps that ran in this run. */
export function serviceState(service: string, plan: RehearsalPlan, steps: readonly Step[], outcomes: ReadonlyMap<string, Outcome>): ServiceState {
  const own = steps.filter((s) => serviceOf(s.resource, plan) === service);
  if (own.length === 0) return { rehearsed: false, text: "not selected" };
  // Judged on the plan, not on how the run was chosen: a service with any own step left out is not rehearsed.
  const inRun = new Set(steps.map((s) => s.resource.name));
  const missing = service === "host" ? [] : ownSteps(service, plan).filter((s) => !inRun.has(s.resource.name));
  if (missing.length > 0) return { rehearsed: false, text: `not rehearsed: its steps ${names(missing)} were not selected` };
  const notRun = own.filter((s) => !outcomes.has(s.resource.name));
  if (notRun.length > 0) return { rehearsed: false, text: `not rehearsed: ${names(notRun)} did not run` };
  const of = (kind: Outcome["kind"]) => own.filter((s) => outcomes.get(s.resource.name)?.kind === kind);
  const failed = of("failed");
  if (failed.length > 0) return { rehearsed: false, text: `FAILED at ${names(failed)}` };
  const needs = of("needs").map((s) => {
    const o = outcomes.get(s.resource.name);
    return `${s.resource.name} needs ${o?.kind === "needs" ? o.url : "?"}`;
  });
  const blocked = of("blocked").map((s) => s.resource.name);
  // The host is no service to take whole: a partial run has the host steps its services need.
  const total = plan.steps.filter((s) => serviceOf(s.resource, plan) === service).length;
  const part = service === "host" && own.length < total ? ` (${own.length} of its ${total} steps: those the selected services need)` : "";
  if (needs.length === 0 && blocked.length === 0) return { rehearsed: true, text: `rehearsed${part}` };
  const recipe = own.find((s) => s.resource.name === `${service}-provision`);
  const recipeRan = recipe !== undefined && outcomes.get(recipe.resource.name)?.kind === "done";
  const what = [...needs, ...(blocked.length > 0 ? [`waiting on those: ${blocked.join(", ")}`] : [])].join("; ");
  return recipeRan ? { rehearsed: true, text: `rehearsed${part}, except: ${what}` } : { rehearsed: false, text: `not rehearsed${part}: ${what}` };
}

/** Per service: rehearsed, not rehearsed with the URL it needs, or failed with its step. */
export const serviceStatus = (service: string, plan: RehearsalPlan, steps: readonly Step[], outcomes: ReadonlyMap<string, Outcome>): string =>
  serviceState(service, plan, steps, outcomes).text;

/** What the checks looked at in a service they do not count as rehearsed: its recipe stopped at a download. */
function checkedInPart(subjects: CheckSubjects): string[] {
  const rehearsed = new Set(subjects.rehearsed.map((s) => s.name));
  const what = new Map<string, string[]>();
  const note = (services: readonly { readonly name: string }[], text: string): void => {
    for (const s of services) if (!rehearsed.has(s.name)) what.set(s.name, [...(what.get(s.name) ?? []), text]);
  };
  note(subjects.dbApps, "its db.env on Postgres");
  note(subjects.composeApps, "its Compose file under Debian's Docker engine");
  return [...what].map(([name, texts]) => `  ${name.padEnd(14)} ${texts.join("; ")}`);
}

/**
 * The summary's service lines: those in the run with their state, what the checks looked at, then
 * those --only left out. Without `subjects` no check ran.
 */
export function serviceLines(plan: RehearsalPlan, selection: Selection, outcomes: ReadonlyMap<string, Outcome>, subjects?: CheckSubjects): string[] {
  const { steps, named, services, leftOut } = selection;
  const needed = services.filter((s) => !named.includes(s));
  const heading = named.length === 0 ? "Services:" : `Services (--only ${named.join(",")}${needed.length > 0 ? `, with what ${named.length === 1 ? "it needs" : "they need"}: ${needed.join(", ")}` : ""}):`;
  const lines = [heading];
  for (const s of services) lines.push(`  ${s.padEnd(14)} ${serviceStatus(s, plan, steps, outcomes)}`);
  lines.push(`  ${"host".padEnd(14)} ${serviceStatus("host", plan, steps, outcomes)}`);
  const rehearsed = services.filter((s) => serviceState(s, plan, steps, outcomes).rehearsed);
  lines.push(`Rehearsed: ${rehearsed.join(", ") || "none"}`);
  const inPart = subjects ? checkedInPart(subjects) : [];
  if (inPart.length > 0) lines.push("Not rehearsed, checked in part:", ...inPart);
  if (leftOut.length > 0) lines.push("", "Left out (not selected, and no selected service depends on them; no step run, no check):", `  ${leftOut.join(", ")}`);
  const inRun = new Set(steps.map((s) => s.resource.name));
  const hostOut = new Map<string, number>();
  for (const s of plan.steps) {
    if (inRun.has(s.resource.name) || serviceOf(s.resource, plan) !== "host") continue;
    const c = componentOf(s.resource);
    hostOut.set(c, (hostOut.get(c) ?? 0) + 1);
  }
  if (hostOut.size > 0) lines.push(`  host steps none of the selected services needs, by component: ${[...hostOut].map(([c, n]) => `${c} (${n})`).join(", ")}`);
  return lines;
}

export function printSummary(plan: RehearsalPlan, selection: Selection, outcomes: ReadonlyMap<string, Outcome>, notes: readonly string[], timings: Timings, subjects?: CheckSubjects): string {
  const { steps } = selection;
  const lines = ["", "== Rehearsal summary", "", ...serviceLines(plan, selection, outcomes, subjects)];
  const stood = steps.flatMap((s) => {
    const o = outcomes.get(s.resource.name);
    return o?.kind === "stood-in" ? [`  ${s.resource.name}: ${o.note}`] : [];
  });
  lines.push("", "Stood in for (not real here):", ...stood, ...notes.map((n) => `  ${n}`));
  lines.push(
    "  the Proxmox host: this machine's root seen through a throwaway overlay, with `pct` and `systemctl` stand-ins on its PATH",
    "  Proxmox containers: plain LXC with the same id map, bind mounts, limits and start order; no AppArmor on this machine",
    `  base-system units masked in every container, as they fail only under plain LXC: ${MASKED_BASE_UNITS.join(", ")}`,
    "  the internet: only the Debian archive resolves; every other name is NXDOMAIN",
  );
  const notesOfContainers = steps.flatMap((s) => {
    const o = outcomes.get(s.resource.name);
    return o?.kind === "done" && o.note && s.resource.type.includes("containerLegacy") ? [`  ${s.resource.name}: ${o.note}`] : [];
  });
  lines.push("", "Containers:", ...notesOfContainers);
  lines.push("", "Timings:", ...timings.phases.map((p) => `  ${p.name}: ${(p.ms / 1000).toFixed(1)}s`));
  lines.push("", `Root filesystems are cached in ${CACHE_DIR}; step logs are in ${LOG_DIR} while the run lasts (--keep leaves them).`, "");
  return lines.join("\n");
}
