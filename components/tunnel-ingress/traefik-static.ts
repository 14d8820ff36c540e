import { stringify } from "yaml";
import { TRAEFIK_PATHS, type TraefikPorts } from "./traefik-paths";

export interface TraefikStaticInput {
  readonly ports: TraefikPorts;
  /** cloudflared's address: the only proxy whose X-Forwarded-* headers Traefik believes. */
  readonly cloudflaredIp: string;
  /** The addresses of the tunnel's further connectors, believed like cloudflared's. */
  readonly connectorIps?: readonly string[];
}

/**
 * traefik.yml: the web entrypoint, ping and Prometheus metrics on their own entrypoints, the
 * dashboard API (served through a router, never on an open insecure port) and the file provider
 * that hot-reloads the routes.
 */
export function renderTraefikStatic(input: TraefikStaticInput): string {
  const { ports } = input;
  const config = {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    log: { level: "INFO" },
    accessLog: {},
    entryPoints: {
      web: { address: `:${ports.web}`, forwardedHeaders: { trustedIPs: [input.cloudflaredIp, ...(input.connectorIps ?? [])].map((ip) => `${ip}/32`) } },
      traefik: { address: `:${ports.ping}` },
      metrics: { address: `:${ports.metrics}` },
    },
    ping: { entryPoint: "traefik" },
    api: { dashboard: true, insecure: false },
    metrics: {
      prometheus: { entryPoint: "metrics", addEntryPointsLabels: true, addRoutersLabels: true, addServicesLabels: true },
    },
    providers: { file: { directory: TRAEFIK_PATHS.dynamicDir, watch: true } },
  };
  return `# Managed by homelab-as-code; changes here are overwritten.\n${stringify(config)}`;
}
