/** Where Traefik's files live inside its container; the renderers and the recipe agree on these. */
export const TRAEFIK_PATHS = {
  binary: "/usr/local/bin/traefik",
  staticConfig: "/etc/traefik/traefik.yml",
  dynamicDir: "/etc/traefik/dynamic",
  dynamicConfig: "/etc/traefik/dynamic/routes.yml",
  unit: "/etc/systemd/system/traefik.service",
  /** Marks which release is installed, so a re-run downloads nothing. */
  release: "/usr/local/share/traefik/release",
  /** Traefik's own state: the ACME account and certificates (acme.json, 0600, written by Traefik). */
  stateDir: "/var/lib/traefik",
  acmeStorage: "/var/lib/traefik/acme.json",
  /** The Cloudflare token of the DNS-01 challenge (0600, Traefik's user); lego reads it through CF_DNS_API_TOKEN_FILE. */
  dnsTokenFile: "/etc/traefik/cloudflare-dns-token",
} as const;

/** The certificate resolver of the routers on websecure. */
export const CERT_RESOLVER = "letsencrypt";

/** Let's Encrypt's ACME directories (doc.traefik.io/traefik/https/acme/, caServer). */
export const ACME_CA = {
  production: "https://acme-v02.api.letsencrypt.org/directory",
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

/** The ACME settings Traefik is rendered with: where to register, and which CA. */
export interface TraefikAcme {
  readonly email: string;
  readonly staging: boolean;
  /** The homelab's domain: the certificate is for `*.<domain>` and `<domain>`. */
  readonly domain: string;
}

/** Traefik's entrypoint ports. */
export interface TraefikPorts {
  /** Plain HTTP from cloudflared and the LAN. */
  readonly web: number;
  /** Ping (health) entrypoint. */
  readonly ping: number;
  /** Prometheus metrics entrypoint. */
  readonly metrics: number;
  /** TLS entrypoint for LAN clients, with certificates by ACME (only when homelab:ingress.acme is set). */
  readonly websecure: number;
}
