import type { Homelab, Problem } from "../model";
import { isDomainName } from "../names";
import { traefikSha256 } from "../schema/ingress";
import { requireRole } from "./roles";

/** Traefik's configuration and routers in this project are written for v3. */
const TRAEFIK_V3 = /^v3\.\d+\.\d+$/;
/** cloudflared versions are calendar versions, as Cloudflare's apt repository names them. */
const CLOUDFLARED_VERSION = /^\d{4}\.\d{1,2}\.\d+$/;

/** Mail domains where anyone can get an address; as an Access email domain each would let anyone in. */
const PUBLIC_MAIL_DOMAINS = [
  "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com",
  "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me", "tutanota.com", "tuta.io",
  "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "mail.com", "fastmail.com", "hey.com", "qq.com", "163.com",
];
/** Public mail providers that span national domains: gmx.de, gmx.net, web.de, yahoo.co.uk, hotmail.fr, ... */
const isPublicMailDomain = (domain: string): boolean =>
  PUBLIC_MAIL_DOMAINS.includes(domain) || /^(gmx|yahoo|hotmail|outlook|live|web|t-online|orange|free|libero|wp|seznam)\.(com|net|org|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$/.test(domain);

/** Every value listed more than once, compared case-insensitively as Access does. */
function repeated(values: readonly string[], path: string): Problem[] {
  const seen = new Set<string>();
  return values.flatMap((value, i) => {
    const key = value.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      return [];
    }
    return [{ path: `${path}.${i}`, message: `${value} is listed twice` }];
  });
}

/**
 * Routes: the tunnel's services exist and run what they should, every hostname is valid DNS,
 * protected routes have someone allowed in, and the pinned releases can be verified.
 */
export function checkIngress(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const ingress = model.ingress;
  const routed = model.services.flatMap((s) => s.routes.map((r) => ({ s, r })));
  for (const { r } of routed) {
    if (!isDomainName(r.fqdn)) {
      problems.push({ path: r.configPath, message: `hostname ${r.fqdn} is not a valid DNS name (${r.fqdn.length > 253 ? "longer than 253 characters" : "bad label"})` });
    }
  }
  if (ingress?.enabled) {
    const traefik = requireRole(model, ingress.traefikService, "traefik", "homelab:ingress.traefikService", problems);
    const cloudflared = requireRole(model, ingress.cloudflaredService, "cloudflared", "homelab:ingress.cloudflaredService", problems);
    if (traefik?.role === "traefik") {
      const version = traefik.install.version;
      if (!TRAEFIK_V3.test(version)) {
        problems.push({ path: `${traefik.configPath}.install.version`, message: `'${version}' must be a Traefik v3 release like v3.7.12` });
      } else if (traefikSha256(ingress, version) === undefined) {
        problems.push({
          path: "homelab:ingress.traefikSha256",
          message: `no checksum is pinned for Traefik ${version}; set it to the SHA-256 of traefik_${version}_linux_amd64.tar.gz`,
        });
      }
    }
    if (cloudflared?.role === "cloudflared" && !CLOUDFLARED_VERSION.test(cloudflared.install.version)) {
      problems.push({ path: `${cloudflared.configPath}.install.version`, message: `'${cloudflared.install.version}' must be a cloudflared release like 2026.10.0` });
    }
    problems.push(...checkConnectors(model, ingress));
    problems.push(...repeated(ingress.access.emails, "homelab:ingress.access.emails"));
    problems.push(...repeated(ingress.access.emailDomains, "homelab:ingress.access.emailDomains"));
    if (!ingress.access.acceptPublicMailDomains) {
      ingress.access.emailDomains.forEach((domain, i) => {
        if (isPublicMailDomain(domain.toLowerCase())) {
          problems.push({
            path: `homelab:ingress.access.emailDomains.${i}`,
            message: `${domain} is a public mail domain: anyone can get an address there and pass Cloudflare Access. List your own addresses under homelab:ingress.access.emails instead, or set homelab:ingress.access.acceptPublicMailDomains: true if that is what you want`,
          });
        }
      });
    }
    const guarded = routed.filter(({ r }) => r.exposure === "protected");
    if (guarded.length > 0 && ingress.access.teamName === undefined) {
      problems.push({
        path: "homelab:ingress.access.teamName",
        message: `${guarded.length} route(s) are protected (${guarded.map(({ r }) => r.fqdn).join(", ")}) but no Zero Trust team name is set; set it to <team> of <team>.cloudflareaccess.com so cloudflared can check the Access token at the origin`,
      });
    }
    const identities = ingress.access.emails.length + ingress.access.emailDomains.length;
    if (identities === 0) {
      for (const { r } of routed.filter(({ r }) => r.exposure === "protected")) {
        problems.push({ path: `${r.configPath}.exposure`, message: `${r.fqdn} is protected but homelab:ingress.access allows no emails or email domains` });
      }
    }
  } else {
    for (const { r } of routed.filter(({ r }) => r.exposure !== "lan")) {
      problems.push({ path: `${r.configPath}.exposure`, message: `${r.fqdn} is ${r.exposure} but homelab:ingress is not configured; use exposure: lan or configure the tunnel` });
    }
  }
  return problems;
}

/** Each further connector is a cloudflared service of its own; on a cluster, every connector has a node of its own. */
function checkConnectors(model: Homelab, ingress: NonNullable<Homelab["ingress"]>): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  const main = model.services.find((s) => s.name === ingress.cloudflaredService);
  if (main) seen.set(main.node, main.name);
  ingress.connectors.forEach((name, i) => {
    const path = `homelab:ingress.connectors.${i}`;
    const s = model.services.find((x) => x.name === name);
    if (name === ingress.cloudflaredService || ingress.connectors.indexOf(name) !== i) {
      problems.push({ path, message: `${name} is already a connector; list each further connector once, and not the main one (homelab:ingress.cloudflaredService)` });
    } else if (s === undefined) {
      problems.push({ path, message: `unknown service '${name}': declare it under homelab:services with app: cloudflared, its own vmId and ip` });
    } else if (s.role !== "cloudflared") {
      problems.push({ path, message: `${name} runs ${s.role === "app" ? "an app" : s.role}, not cloudflared: give it app: cloudflared` });
    } else if (model.clustered) {
      const other = seen.get(s.node);
      if (other !== undefined) {
        problems.push({ path: `${s.configPath}.node`, message: `runs on node ${s.node} like the connector ${other}: a node failure would take both; place it on another node` });
      }
      seen.set(s.node, s.name);
    }
  });
  return problems;
}
