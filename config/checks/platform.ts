import type { Homelab, Problem, Service } from "../model";
import { isB2BucketName } from "../names";
import type { ServiceRole } from "../schema";
import { duplicates } from "./duplicates";

function requireRole(model: Homelab, name: string, role: ServiceRole, path: string, problems: Problem[]): Service | undefined {
  const service = model.services.find((s) => s.name === name);
  if (!service) problems.push({ path, message: `names service '${name}', which is not declared under homelab:services` });
  else if (service.role !== role) problems.push({ path, message: `service '${name}' runs ${service.app}, not ${role}` });
  return service;
}

/** The platform sections point at services that exist and play the right role. */
export function checkPlatform(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const dbApps = model.services.filter((s) => s.database !== undefined);
  if (model.postgres.enabled) {
    requireRole(model, model.postgres.service, "postgres", "homelab:postgres.service", problems);
  } else {
    for (const s of dbApps) {
      problems.push({ path: `${s.configPath}.database`, message: `${s.name} needs a database but homelab:postgres.enabled is false (set database: false to run it without one)` });
    }
  }
  const roleCount = (role: ServiceRole): Service[] => model.services.filter((s) => s.role === role);
  for (const role of ["postgres", "traefik", "cloudflared", "prometheus", "grafana"] as const) {
    const extra = roleCount(role).slice(1);
    for (const s of extra) problems.push({ path: s.configPath, message: `a second ${role} service; the homelab runs exactly one` });
  }
  problems.push(...duplicates(dbApps, (s) => s.database?.name, (s) => `${s.configPath}.database.name`, "database"));
  problems.push(...duplicates(dbApps, (s) => s.database?.user, (s) => `${s.configPath}.database.user`, "database user"));

  const ingress = model.ingress;
  const routed = model.services.flatMap((s) => s.routes.map((r) => ({ s, r })));
  if (ingress?.enabled) {
    requireRole(model, ingress.traefikService, "traefik", "homelab:ingress.traefikService", problems);
    requireRole(model, ingress.cloudflaredService, "cloudflared", "homelab:ingress.cloudflaredService", problems);
    const identities = ingress.access.emails.length + ingress.access.emailDomains.length;
    if (identities === 0) {
      for (const { s, r } of routed.filter(({ r }) => r.exposure === "protected")) {
        problems.push({ path: `${s.configPath}.${r.subdomain === s.name ? "web" : `extraRoutes.${r.subdomain}`}.exposure`, message: `${r.fqdn} is protected but homelab:ingress.access allows no emails or email domains` });
      }
    }
  } else {
    for (const { s, r } of routed.filter(({ r }) => r.exposure !== "lan")) {
      problems.push({ path: `${s.configPath}.web.exposure`, message: `${r.fqdn} is ${r.exposure} but homelab:ingress is not configured; use exposure: lan or configure the tunnel` });
    }
  }

  const backup = model.backup;
  if (backup?.enabled && !isB2BucketName(backup.bucket)) {
    problems.push({ path: "homelab:backup.bucket", message: `'${backup.bucket}' must be a B2 bucket name: 6-63 letters, digits and hyphens, not starting with b2-` });
  }
  if (backup?.enabled && backup.vzdump.enabled && !model.tiers.raid.proxmoxStorage) {
    problems.push({ path: "homelab:storage.tiers.raid.proxmoxStorage", message: "vzdump needs a Proxmox storage on the RAID tier" });
  }

  if (model.monitoring.enabled) {
    requireRole(model, model.monitoring.prometheusService, "prometheus", "homelab:monitoring.prometheusService", problems);
    requireRole(model, model.monitoring.grafanaService, "grafana", "homelab:monitoring.grafanaService", problems);
    problems.push(...duplicates(model.monitoring.receivers.map((r, i) => ({ r, i })), ({ r }) => r.name, ({ i }) => `homelab:monitoring.receivers.${i}.name`, "receiver name"));
  }
  return problems;
}
