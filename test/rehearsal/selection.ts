import type { RecordedResource } from "../../src/mock-runtime";
import type { RehearsalPlan, Step } from "./steps";

/**
 * Which services a rehearsal runs: every one, or with `--only a,b` the named ones and the services
 * they depend on, each taken whole, and nothing else. A service left out has no step run and no check.
 */

const CONTAINER = "proxmoxve:index/containerLegacy:ContainerLegacy";
const COMMAND = "command:remote:Command";

/** The vmId a host command reaches into with `pct exec|push|pull|start|status`, if any. */
export const vmIdOfCommand = (r: RecordedResource): number | undefined => {
  const m = /\bpct (?:exec|push|pull|start|status|stop) (\d+)/.exec(String(r.inputs.create ?? ""));
  return m ? Number(m[1]) : undefined;
};

/** The service a resource belongs to: its container's, the one a command runs in, or "host". */
export function serviceOf(r: RecordedResource, plan: RehearsalPlan): string {
  const byVmId = (id: number | undefined): string | undefined => plan.model.services.find((s) => s.vmId === id)?.name;
  if (r.type === CONTAINER) return byVmId(Number(r.inputs.vmId)) ?? "host";
  if (r.type === COMMAND) return byVmId(vmIdOfCommand(r)) ?? "host";
  if (r.type.startsWith("postgresql:")) return plan.model.postgres.service;
  return "host";
}

/** A step that builds its service: the container, or a command run in it. */
export const buildsService = (s: Step): boolean => s.resource.type === CONTAINER || s.resource.type === COMMAND;

/**
 * Whether `step` waits for `dep` only for its turn: a container that waits for another service's
 * container and for nothing that runs in it is queued behind it by the creation lanes (Proxmox creates
 * `parallelCreates` containers at a time) and uses nothing of it.
 */
export function waitsOnlyForTurn(step: Step, dep: Step, plan: RehearsalPlan): boolean {
  if (step.resource.type !== CONTAINER || dep.resource.type !== CONTAINER) return false;
  const other = serviceOf(dep.resource, plan);
  if (other === "host" || other === serviceOf(step.resource, plan)) return false;
  return step.after.every((d) => d === dep.resource.name || serviceOf(plan.byName.get(d) ?? dep.resource, plan) !== other);
}

/**
 * The steps that are a service's own, which it is taken with: what builds it, and what else is its
 * (a server's own SQL objects) but not what it keeps for another service (an app's role and database),
 * which comes with that service.
 */
export function ownSteps(service: string, plan: RehearsalPlan): Step[] {
  const mine = plan.steps.filter((s) => serviceOf(s.resource, plan) === service);
  const names = new Set(mine.map((s) => s.resource.name));
  const byName = new Map(plan.steps.map((s) => [s.resource.name, s]));
  const forOthers = new Set<string>();
  const mark = (name: string): void => {
    const s = byName.get(name);
    if (!s || !names.has(name) || buildsService(s) || forOthers.has(name)) return;
    forOthers.add(name);
    s.after.forEach(mark);
  };
  for (const s of plan.steps) if (!names.has(s.resource.name) && serviceOf(s.resource, plan) !== "host") s.after.forEach(mark);
  return mine.filter((s) => buildsService(s) || !forOthers.has(s.resource.name));
}

/** An --only naming no service of the stack file; raised before anything is created. */
export class SelectionError extends Error {}

export interface Selection {
  /** The steps to run, in plan order. */
  readonly steps: readonly Step[];
  /** The services named by --only; empty when every service runs. */
  readonly named: readonly string[];
  /** The services that run: the named ones and those they depend on, in the stack file's order. */
  readonly services: readonly string[];
  /** The services left out: not named, and no named one depends on them. */
  readonly leftOut: readonly string[];
}

/**
 * The steps of the named services, each whole, and of every service they depend on; host steps come
 * along when a chosen step needs them, or once all they wait for is chosen (a chosen container's
 * firewall). No name means every step.
 */
export function selectServices(plan: RehearsalPlan, only: readonly string[]): Selection {
  const all = plan.steps;
  const known = plan.model.services.map((s) => s.name);
  const unknown = only.filter((o) => !known.includes(o));
  if (unknown.length > 0) throw new SelectionError(`--only: no service named ${unknown.join(", ")} (services: ${known.join(", ")})`);
  if (only.length === 0) return { steps: [...all], named: [], services: known, leftOut: [] };
  const byName = new Map(all.map((s) => [s.resource.name, s]));
  const service = (s: Step): string => serviceOf(s.resource, plan);
  const chosen = new Set<string>();
  const taken = new Set<string>();
  const add = (step: Step): void => {
    if (chosen.has(step.resource.name)) return;
    chosen.add(step.resource.name);
    const svc = service(step);
    // A service runs whole or not at all: its checks read everything its steps make.
    if (svc !== "host" && !taken.has(svc)) {
      taken.add(svc);
      ownSteps(svc, plan).forEach(add);
    }
    for (const d of step.after) {
      const dep = byName.get(d);
      if (dep && !waitsOnlyForTurn(step, dep, plan)) add(dep);
    }
  };
  for (const name of only) ownSteps(name, plan).forEach(add);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of all) {
      if (chosen.has(s.resource.name) || service(s) !== "host") continue;
      if (s.after.length > 0 && s.after.every((d) => chosen.has(d) || !byName.has(d))) {
        add(s);
        grew = true;
      }
    }
  }
  return {
    steps: all.filter((s) => chosen.has(s.resource.name)),
    named: known.filter((n) => only.includes(n)),
    services: known.filter((n) => taken.has(n)),
    leftOut: known.filter((n) => !taken.has(n)),
  };
}
