import type { Homelab } from "../../config";
import { table, type ReportSection } from "../shared/report";
import { lanDnsRecords, renderLanDns } from "./lan-dns";
import { DNS_CHALLENGE_PERMISSIONS } from "./dns-token";
import { backendText, ingressRoutes, protectedRoutes } from "./routes";
import { CERT_RESOLVER, TRAEFIK_PATHS } from "./traefik-paths";

const PATH: Record<string, string> = {
  public: "tunnel -> traefik",
  protected: "Access -> tunnel -> traefik",
  lan: "local DNS -> traefik (admin networks only)",
};

/** Plan report of this component, from the model alone: how each hostname is reached and who may. */
export function ingressReport(model: Homelab): ReportSection[] {
  const ingress = model.ingress;
  const routes = ingressRoutes(model.services);
  if (routes.length === 0) return [];
  const traefik = ingress?.enabled ? model.services.find((s) => s.name === ingress.traefikService) : undefined;
  const routing: ReportSection = {
    title: "Routes",
    lines: [
      ...table([
        ["hostname", "exposure", "path", "traefik", "backend"],
        // Without Traefik a LAN route is reached at its container's own address.
        ...routes.map((r) => [r.fqdn, r.exposure, traefik ? (PATH[r.exposure] ?? r.exposure) : "local DNS -> the container (no Traefik)", traefik ? `${traefik.ip}:80` : "-", backendText(r.backend)]),
      ]),
      ingress?.enabled
        ? `${routes.filter((r) => r.exposure !== "lan").length} hostnames published through tunnel '${ingress.tunnelName}' (one proxied CNAME each); every other hostname gets the tunnel's 404`
        : "no tunnel: nothing is published outside the LAN",
    ],
  };
  const held = [...heldForSetupReport(model), ...tlsReport(model), ...lanDnsReport(model)];
  const guarded = protectedRoutes(routes);
  if (!ingress?.enabled || guarded.length === 0) return [routing, ...held];
  const who = [...ingress.access.emails, ...ingress.access.emailDomains.map((d) => `*@${d}`)];
  return [
    routing,
    {
      title: "Cloudflare Access",
      lines: [
        ...table([["application", "allows", "session"], ...guarded.map((r) => [r.fqdn, who.join(", "), ingress.access.sessionDuration])]),
        `${guarded.length} hostnames need an Access login; public ones (${routes.filter((r) => r.exposure === "public").map((r) => r.subdomain).join(", ") || "none"}) rely on the app's own login`,
      ],
    },
    ...held,
  ];
}

/**
 * Public routes held behind Access because their app still hands its setup wizard to the first
 * visitor, and what releases each one.
 */
export function heldForSetupReport(model: Homelab): ReportSection[] {
  const held = model.services.flatMap((s) => s.routes.filter((r) => r.heldForSetup).map((r) => ({ s, r })));
  if (held.length === 0) return [];
  return [
    {
      title: "Held behind Access until setup is done",
      lines: [
        ...table([["hostname", "service", "asked for", "served as", "to release it"], ...held.map(({ s, r }) => [r.fqdn, s.name, "public", r.exposure, `${s.configPath}.setupDone: true`])]),
        `${held.length} public hostname(s) wait: their app opens its setup wizard to whoever arrives first. Create the admin through Access, then set setupDone: true.`,
      ],
    },
  ];
}

const WHERE_LAN_DNS = {
  dnsmasq: "a file in /etc/dnsmasq.d/ of the LAN's dnsmasq",
  hosts: "a hosts file the LAN's resolver reads (dnsmasq addn-hosts, Pi-hole custom.list or pihole.toml dns.hosts, AdGuard Home custom rules)",
} as const;

/** The records `lan` hostnames need, as lines to paste into the LAN's resolver. */
export function lanDnsReport(model: Homelab): ReportSection[] {
  const records = lanDnsRecords(model);
  if (records.length === 0) return [];
  const format = model.ingress?.lanDns.format ?? "hosts";
  return [
    {
      title: "LAN DNS records",
      lines: [
        `${records.length} lan hostname(s) resolve only on the LAN; add these lines to ${WHERE_LAN_DNS[format]} (also in stack output lanDns; homelab:ingress.lanDns.format: ${format}):`,
        ...renderLanDns(records, format).trimEnd().split("\n"),
      ],
    },
  ];
}

/** With homelab:ingress.acme: which hostnames Traefik serves with TLS, from which resolver and CA, with which token. */
export function tlsReport(model: Homelab): ReportSection[] {
  const ingress = model.ingress;
  const traefik = ingress?.enabled ? model.services.find((s) => s.name === ingress.traefikService) : undefined;
  if (!ingress?.enabled || !ingress.acme || !traefik) return [];
  const routes = ingressRoutes(model.services);
  return [
    {
      title: "TLS on the LAN (ACME)",
      lines: [
        ...table([
          ["resolver", "CA", "certificate", "challenge", "token"],
          [
            CERT_RESOLVER,
            ingress.acme.staging ? "Let's Encrypt staging (untrusted)" : "Let's Encrypt",
            `*.${model.domain}, ${model.domain}`,
            "DNS-01 through Cloudflare",
            `${DNS_CHALLENGE_PERMISSIONS.join(" + ")} on zone ${ingress.zoneId} only`,
          ],
        ]),
        `${routes.length} hostnames on https://<hostname> at ${traefik.ip}:443 for the admin networks: ${routes.map((r) => r.fqdn).join(", ")}`,
        `account ${ingress.acme.email}; certificates kept in ${TRAEFIK_PATHS.acmeStorage} (0600) inside ${traefik.name}`,
      ],
    },
  ];
}
