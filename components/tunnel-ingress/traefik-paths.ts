/** Where Traefik's files live inside its container; the renderers and the recipe agree on these. */
export const TRAEFIK_PATHS = {
  binary: "/usr/local/bin/traefik",
  staticConfig: "/etc/traefik/traefik.yml",
  dynamicDir: "/etc/traefik/dynamic",
  dynamicConfig: "/etc/traefik/dynamic/routes.yml",
  unit: "/etc/systemd/system/traefik.service",
  /** Marks which release is installed, so a re-run downloads nothing. */
  release: "/usr/local/share/traefik/release",
} as const;

/** Traefik's entrypoint ports. */
export interface TraefikPorts {
  /** Plain HTTP from cloudflared and the LAN. */
  readonly web: number;
  /** Ping (health) entrypoint. */
  readonly ping: number;
  /** Prometheus metrics entrypoint. */
  readonly metrics: number;
}
