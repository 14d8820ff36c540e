import { checkBudgets } from "./checks/budget";
import { checkHa, checkHaRules } from "./checks/ha";
import { checkNetwork } from "./checks/network";
import { checkBackup } from "./checks/backup";
import { checkIngress } from "./checks/ingress";
import { checkMonitoring } from "./checks/monitoring";
import { checkPostgres } from "./checks/postgres";
import { checkRolesSwitchedOff, checkSingleRoles } from "./checks/roles";
import { checkServices } from "./checks/services";
import { checkUpgrades } from "./checks/upgrades";
import { deepFreeze } from "./merge";
import type { Homelab, Problem } from "./model";
import { projectRepository, type Repository } from "./repository";
import { parseSections, resolveModel } from "./resolve";
import type { Sections } from "./schema";
import { checkSecrets } from "./secrets";

export interface LoadInput {
  /** The `homelab:*` config values by key without the namespace (`proxmox`, `services`, ...). */
  readonly homelab: Readonly<Record<string, unknown>>;
  /** Secret keys that have a value, e.g. `cloudflare:apiToken`. */
  readonly presentSecrets: ReadonlySet<string>;
  /** Secret keys that have a value stored in plain text. */
  readonly plainSecrets?: ReadonlySet<string>;
  /** Where compose files and install scripts named by `install.file` are read. Defaults to this project's repository. */
  readonly repository?: Repository;
}

export type LoadResult = { readonly ok: true; readonly model: Homelab } | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Parses the stack file, applies catalog defaults and cross-checks the result. Every problem found is
 * returned at once; the model is returned only when there is none.
 */
export function loadHomelab(input: LoadInput): LoadResult {
  const { sections, problems } = parseSections(input.homelab);
  if (problems.length > 0 && !isComplete(sections)) return { ok: false, problems: sortProblems(problems) };
  const complete = sections as Sections;
  const model = resolveModel(complete, problems, input.repository ?? projectRepository());
  problems.push(
    ...checkNetwork(model),
    ...checkServices(model, complete.services),
    ...checkUpgrades(model),
    ...checkBudgets(model),
    ...checkHa(model),
    ...checkHaRules(model),
    ...checkSingleRoles(model),
    ...checkRolesSwitchedOff(model),
    ...checkPostgres(model),
    ...checkIngress(model),
    ...checkBackup(model),
    ...checkMonitoring(model),
    ...checkSecrets(model, input.presentSecrets, input.plainSecrets ?? new Set()),
  );
  // A declared service that failed its own validation is missing from the model: report only that failure.
  const failed = new Set(Object.keys(complete.services).filter((name) => !model.services.some((s) => s.name === name)));
  const rooted = problems.filter((p) => p.missingService === undefined || !failed.has(p.missingService));
  if (rooted.length > 0) return { ok: false, problems: sortProblems(rooted) };
  return { ok: true, model: deepFreeze(model) };
}

const REQUIRED_FOR_CROSS_CHECKS = ["domain", "allowDataLoss", "proxmox", "network", "storage", "services", "postgres", "monitoring"] as const;

function isComplete(sections: Partial<Sections>): boolean {
  return REQUIRED_FOR_CROSS_CHECKS.every((k) => sections[k] !== undefined);
}

function sortProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Thrown when the stack file is invalid; its message holds one line per problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
    this.name = "ConfigError";
  }
}
