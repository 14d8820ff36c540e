import type { Homelab, Problem } from "../model";
import { requireRole } from "./roles";

/** Routes: the tunnel's services exist, protected routes have someone allowed in. */
export function checkIngress(model: Homelab): Problem[] {
  const problems: Problem[] = [];
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

  return problems;
}
