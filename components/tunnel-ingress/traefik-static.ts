import { ACME_CA, CERT_RESOLVER, TRAEFIK_PATHS, type TraefikAcme, type TraefikPorts } from "./traefik-paths";
import { toYaml } from "../shared/yaml";

export interface TraefikStaticInput {
  readonly ports: TraefikPorts;
  /** cloudflared's address: the only proxy whose X-Forwarded-* headers Traefik believes. */
  readonly cloudflaredIp: string;
  /** The addresses of the tunnel's further connectors, believed like cloudflared's. */
  readonly connectorIps?: readonly string[];
  /** TLS for LAN clients: the websecure entrypoint and a Let's Encrypt resolver answering DNS-01 through Cloudflare. */
  readonly acme?: TraefikAcme;
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
      ...(input.acme ? { websecure: { address: `:${ports.websecure}` } } : {}),
    },
    ping: { entryPoint: "traefik" },
    api: { dashboard: true, insecure: false },
    metrics: {
      prometheus: { entryPoint: "metrics", addEntryPointsLabels: true, addRoutersLabels: true, addServicesLabels: true },
    },
    providers: { file: { directory: TRAEFIK_PATHS.dynamicDir, watch: true } },
    // lego's cloudflare provider reads the token from CF_DNS_API_TOKEN_FILE, set in the unit.
    ...(input.acme
      ? {
          certificatesResolvers: {
            [CERT_RESOLVER]: {
              acme: {
                email: input.acme.email,
                storage: TRAEFIK_PATHS.acmeStorage,
                caServer: input.acme.staging ? ACME_CA.staging : ACME_CA.production,
                dnsChallenge: { provider: "cloudflare" },
              },
            },
          },
        }
      : {}),
  };
  return `# Managed by homelab-as-code; changes here are overwritten.\n${toYaml(config)}`;
}
