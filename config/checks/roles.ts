import type { Homelab, Problem, Service } from "../model";
import type { ServiceRole } from "../schema";

/** The service named at `path` must exist and play `role`. */
export function requireRole(model: Homelab, name: string, role: ServiceRole, path: string, problems: Problem[]): Service | undefined {
  const service = model.services.find((s) => s.name === name);
  if (!service) problems.push({ path, message: `names service '${name}', which is not declared under homelab:services`, missingService: name });
  else if (service.role !== role) problems.push({ path, message: `service '${name}' runs ${service.app}, not ${role}` });
  return service;
}

/**
 * An infrastructure service runs only when its component is on; otherwise it would get datasets and
 * count in the RAM budget but never get a container.
 */
export function checkRolesSwitchedOff(model: Homelab): Problem[] {
  const off: Partial<Record<ServiceRole, { readonly on: boolean; readonly setting: string }>> = {
    postgres: { on: model.postgres.enabled, setting: "homelab:postgres.enabled" },
    traefik: { on: model.ingress?.enabled ?? false, setting: "homelab:ingress.enabled" },
    cloudflared: { on: model.ingress?.enabled ?? false, setting: "homelab:ingress.enabled" },
    prometheus: { on: model.monitoring.enabled, setting: "homelab:monitoring.enabled" },
    grafana: { on: model.monitoring.enabled, setting: "homelab:monitoring.enabled" },
  };
  return model.services.flatMap((s): Problem[] => {
    const component = off[s.role];
    if (!component || component.on) return [];
    const state = component.setting === "homelab:ingress.enabled" && model.ingress === undefined ? "homelab:ingress is not configured" : `${component.setting} is false`;
    return [{
      path: s.configPath,
      message: `runs ${s.role}, but ${state}: it would get datasets and ${s.memoryMiB} MiB of the RAM budget, and no container. Remove the service, or turn its component on (${component.setting}: true)`,
    }];
  });
}

/** Infrastructure roles run exactly once. */
export function checkSingleRoles(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  for (const role of ["postgres", "traefik", "cloudflared", "prometheus", "grafana"] as const) {
    // The tunnel's further connectors are cloudflared services by design (homelab:ingress.connectors).
    const extra = role === "cloudflared" && model.ingress?.enabled ? model.ingress.connectors : [];
    for (const s of model.services.filter((x) => x.role === role && !extra.includes(x.name)).slice(1)) {
      problems.push({ path: s.configPath, message: `a second ${role} service; the homelab runs exactly one` });
    }
  }
  return problems;
}
