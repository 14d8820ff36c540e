import type { Homelab, Problem } from "../model";
import { duplicates } from "./duplicates";
import { requireRole } from "./roles";

/** Apps with a database need the shared server; names of databases and roles are unique. */
export function checkPostgres(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const dbApps = model.services.filter((s) => s.database !== undefined);
  if (model.postgres.enabled) {
    requireRole(model, model.postgres.service, "postgres", "homelab:postgres.service", problems);
  } else {
    for (const s of dbApps) {
      problems.push({ path: `${s.configPath}.database`, message: `${s.name} needs a database but homelab:postgres.enabled is false (set database: false to run it without one)` });
    }
  }
  problems.push(...duplicates(dbApps, (s) => s.database?.name, (s) => `${s.configPath}.database.name`, "database"));
  problems.push(...duplicates(dbApps, (s) => s.database?.user, (s) => `${s.configPath}.database.user`, "database user"));

  return problems;
}
