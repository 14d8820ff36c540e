import type { RecordedResource } from "../../src/mock-runtime";
import { CACHE_DIR, LOG_DIR, MASKED_BASE_UNITS } from "./lab";
import type { Outcome } from "./scheduler";
import type { RehearsalPlan, Step } from "./steps";

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

/** The vmId a host command reaches into with `pct exec|push|pull|start|status`, if any. */
export const vmIdOfCommand = (r: RecordedResource): number | undefined => {
  const m = /\bpct (?:exec|push|pull|start|status|stop) (\d+)/.exec(String(r.inputs.create ?? ""));
  return m ? Number(m[1]) : undefined;
};

/** The service a resource belongs to: its container's, the one a command runs in, or "host". */
export function serviceOf(r: RecordedResource, plan: RehearsalPlan): string {
  const byVmId = (id: number | undefined): string | undefined => plan.model.services.find((s) => s.vmId === id)?.name;
  if (r.type === "proxmoxve:index/containerLegacy:ContainerLegacy") return byVmId(Number(r.inputs.vmId)) ?? "host";
  if (r.type === "command:remote:Command") return byVmId(vmIdOfCommand(r)) ?? "host";
  if (r.type.startsWith("postgresql:")) return plan.model.postgres.service;
  return "host";
}

/**
 * The steps of the chosen services and everything they depend on; host steps come along once all
 * they depend on is chosen too. No choice means every step.
 */
export function selectSteps(plan: RehearsalPlan, only: readonly string[]): Step[] {
  const all = [...plan.steps];
  if (only.length === 0) return all;
  const known = new Set(plan.model.services.map((s) => s.name));
  const unknown = only.filter((o) => !known.has(o));
  if (unknown.length > 0) throw new Error(`--only: no service named ${unknown.join(", ")} (services: ${[...known].join(", ")})`);
  const byName = new Map(all.map((s) => [s.resource.name, s]));
  const chosen = new Set<string>();
  const add = (name: string): void => {
    if (chosen.has(name)) return;
    const step = byName.get(name);
    if (!step) return;
    chosen.add(name);
    step.after.forEach(add);
  };
  for (const s of all) if (only.includes(serviceOf(s.resource, plan))) add(s.resource.name);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of all) {
      if (chosen.has(s.resource.name) || serviceOf(s.resource, plan) !== "host") continue;
      if (s.after.length > 0 && s.after.every((d) => chosen.has(d) || !byName.has(d))) {
        add(s.resource.name);
        grew = true;
      }
    }
  }
  return all.filter((s) => chosen.has(s.resource.name));
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

export function serviceState(service: string, plan: RehearsalPlan, steps: readonly Step[], outcomes: ReadonlyMap<string, Outcome>): ServiceState {
  const own = steps.filter((s) => serviceOf(s.resource, plan) === service);
  if (own.length === 0) return { rehearsed: false, text: "not selected" };
  const of = (kind: Outcome["kind"]) => own.filter((s) => outcomes.get(s.resource.name)?.kind === kind);
  const failed = of("failed");
  if (failed.length > 0) return { rehearsed: false, text: `FAILED at ${failed.map((s) => s.resource.name).join(", ")}` };
  const needs = of("needs").map((s) => {
    const o = outcomes.get(s.resource.name);
    return `${s.resource.name} needs ${o?.kind === "needs" ? o.url : "?"}`;
  });
  const blocked = of("blocked").map((s) => s.resource.name);
  if (needs.length === 0 && blocked.length === 0) return { rehearsed: true, text: "rehearsed" };
  const recipe = own.find((s) => s.resource.name === `${service}-provision`);
  const recipeRan = recipe !== undefined && outcomes.get(recipe.resource.name)?.kind === "done";
  const what = [...needs, ...(blocked.length > 0 ? [`waiting on those: ${blocked.join(", ")}`] : [])].join("; ");
  return recipeRan ? { rehearsed: true, text: `rehearsed, except: ${what}` } : { rehearsed: false, text: `not rehearsed: ${what}` };
}

/** Per service: rehearsed, not rehearsed with the URL it needs, or failed with its step. */
export const serviceStatus = (service: string, plan: RehearsalPlan, steps: readonly Step[], outcomes: ReadonlyMap<string, Outcome>): string =>
  serviceState(service, plan, steps, outcomes).text;

export function printSummary(plan: RehearsalPlan, steps: readonly Step[], outcomes: ReadonlyMap<string, Outcome>, notes: readonly string[], timings: Timings): string {
  const lines = ["", "== Rehearsal summary", "", "Services:"];
  for (const s of plan.model.services) lines.push(`  ${s.name.padEnd(14)} ${serviceStatus(s.name, plan, steps, outcomes)}`);
  lines.push(`  ${"host".padEnd(14)} ${serviceStatus("host", plan, steps, outcomes)}`);
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
