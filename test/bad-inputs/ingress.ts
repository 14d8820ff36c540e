import { at, type BadInput } from "./types";

/** Mistakes in routing and Cloudflare settings, each rejected before anything registers. */
export const cases: BadInput[] = [
  {
    name: "the ACME account email is not an email address",
    mutate: (c) => void (at(c, "homelab:ingress").acme = { email: "harmeet" }),
    path: "homelab:ingress.acme.email",
    message: /email address/,
  },
  {
    name: "an ACME setting the program does not know",
    mutate: (c) => void (at(c, "homelab:ingress").acme = { email: "harmeet@harmeetrai.com", challenge: "http-01" }),
    path: "homelab:ingress.acme",
    message: /challenge/,
  },
  {
    name: "the LAN DNS format is one no resolver reads here",
    mutate: (c) => void (at(c, "homelab:ingress").lanDns = { format: "bind" }),
    path: "homelab:ingress.lanDns.format",
    message: /one of 'dnsmasq', 'hosts'/,
  },
  {
    name: "the Cloudflare account id is not 32 hex characters",
    mutate: (c) => void (at(c, "homelab:ingress").accountId = "my-account"),
    path: "homelab:ingress.accountId",
    message: /32-character hex Cloudflare account id/,
  },
  {
    name: "the Cloudflare zone id is the domain instead of its id",
    mutate: (c) => void (at(c, "homelab:ingress").zoneId = "harmeetrai.com"),
    path: "homelab:ingress.zoneId",
    message: /32-character hex Cloudflare zone id/,
  },
  {
    name: "an Access email is not an email address",
    mutate: (c) => void (at(c, "homelab:ingress", "access").emails = ["harmeet"]),
    path: "homelab:ingress.access.emails.0",
    message: /email address/,
  },
  {
    name: "an Access email domain is not a domain name",
    mutate: (c) => void (at(c, "homelab:ingress", "access").emailDomains = ["@harmeetrai.com"]),
    path: "homelab:ingress.access.emailDomains.0",
    message: /domain name/,
  },
  {
    name: "an Access email domain in capitals, which would slip past the public mail domain list",
    mutate: (c) => void (at(c, "homelab:ingress", "access").emailDomains = ["Gmail.com"]),
    path: "homelab:ingress.access.emailDomains.0",
    message: /must be a lower-case domain name/,
  },
  {
    name: "an Access email is listed twice",
    mutate: (c) => void (at(c, "homelab:ingress", "access").emails = ["harmeet@harmeetrai.com", "Harmeet@harmeetrai.com"]),
    path: "homelab:ingress.access.emails.1",
    message: /listed twice/,
  },
  {
    name: "protected routes with nobody allowed through Access",
    mutate: (c) => void (at(c, "homelab:ingress", "access").emails = []),
    path: "homelab:services.grafana.web.exposure",
    message: /grafana\.harmeetrai\.com is protected but homelab:ingress\.access allows no emails or email domains/,
  },
  {
    name: "a protected extra route with nobody allowed names the extra route",
    mutate: (c) => void (at(c, "homelab:ingress", "access").emails = []),
    path: "homelab:services.prometheus.extraRoutes.alertmanager.exposure",
    message: /alertmanager\.harmeetrai\.com is protected/,
  },
  {
    name: "a routed service without a port",
    mutate: (c) => void (at(c, "homelab:services", "cloudflared").web = { exposure: "public" }),
    path: "homelab:services.cloudflared.web.port",
    message: /is required/,
  },
  {
    name: "a hostname longer than DNS allows",
    mutate: (c) => void (c["homelab:domain"] = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(50)}.com`),
    path: "homelab:services.prometheus.extraRoutes.alertmanager",
    message: /longer than 253 characters/,
  },
  {
    name: "Traefik pinned to a v2 release",
    mutate: (c) => void (at(c, "homelab:services", "traefik").install = { method: "binary", version: "v2.11.0" }),
    path: "homelab:services.traefik.install.version",
    message: /Traefik v3 release/,
  },
  {
    name: "a Traefik version with a v3 release inside other text",
    mutate: (c) => void (at(c, "homelab:services", "traefik").install = { method: "binary", version: "v2.11.0-v3.7.12" }),
    path: "homelab:services.traefik.install.version",
    message: /Traefik v3 release/,
  },
  {
    name: "a Traefik version with no pinned checksum",
    mutate: (c) => void (at(c, "homelab:services", "traefik").install = { method: "binary", version: "v3.5.0" }),
    path: "homelab:ingress.traefikSha256",
    message: /no checksum is pinned for Traefik v3\.5\.0/,
  },
  {
    name: "a Traefik checksum that is not SHA-256",
    mutate: (c) => void (at(c, "homelab:ingress").traefikSha256 = "d41d8cd98f00b204e9800998ecf8427e"),
    path: "homelab:ingress.traefikSha256",
    message: /SHA-256 checksum/,
  },
  {
    name: "cloudflared pinned to something that is not a release",
    mutate: (c) => void (at(c, "homelab:services", "cloudflared").install = { method: "vendor-apt", version: "latest" }),
    path: "homelab:services.cloudflared.install.version",
    message: /cloudflared release/,
  },
  {
    name: "the tunnel's Traefik service runs another app",
    mutate: (c) => void (at(c, "homelab:ingress").traefikService = "grafana"),
    path: "homelab:ingress.traefikService",
    message: /runs grafana, not traefik/,
  },
];
