import type { Homelab, Problem, Service } from "../model";
import type { ServiceRole } from "../schema";

/** The service named at `path` must exist and play `role`. */
export function requireRole(model: Homelab, name: string, role: ServiceRole, path: string, problems: Problem[]): Service | undefined {
  const service = model.services.find((s) => s.name === name);
  if (!service) problems.push({ path, message: `names service '${name}', which is not declared under homelab:services` });
  else if (service.role !== role) problems.push({ path, message: `service '${name}' runs ${service.app}, not ${role}` });
  return service;
}

/** Infrastructure roles run exactly once. */
export function checkSingleRoles(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  for (const role of ["postgres", "traefik", "cloudflared", "prometheus", "grafana"] as const) {
    for (const s of model.services.filter((x) => x.role === role).slice(1)) {
      problems.push({ path: s.configPath, message: `a second ${role} service; the homelab runs exactly one` });
    }
  }
  return problems;
}
