import { backendText, type IngressRoute } from "./routes";
import { toYaml } from "../shared/yaml";

/** Middleware names in the dynamic configuration. */
export const MIDDLEWARES = {
  securityHeaders: "security-headers",
  lanOnly: "lan-only",
  dashboardRedirect: "dashboard-redirect",
} as const;

/**
 * The dashboard's router on the ping entrypoint (:8080), for the admin networks. Its name has an
 * underscore, which no subdomain can have, so it never collides with a hostname's router.
 */
export const DASHBOARD_LAN_ROUTER = "_dashboard-lan";

/** How often Traefik probes each backend's health path. */
const HEALTH_CHECK = { interval: "30s", timeout: "5s" } as const;

export interface TraefikRoutesInput {
  readonly routes: readonly IngressRoute[];
  /** Source ranges allowed to reach `lan` routes (the admin networks). */
  readonly lanSourceRanges: readonly string[];
  /** TLS on websecure for every hostname: the resolver and the domain of the wildcard certificate. */
  readonly tls?: { readonly resolver: string; readonly domain: string };
}

interface Router {
  rule: string;
  entryPoints: string[];
  service: string;
  middlewares: string[];
  tls?: { certResolver: string; domains: { main: string; sans: string[] }[] };
}

/**
 * The websecure twin of a hostname's router. Only the LAN reaches websecure (the tunnel arrives on
 * web), so every twin allows only the admin networks, whatever the hostname's exposure: a protected
 * hostname is never served on the LAN around Access to anyone else. All twins name the same wildcard
 * certificate, so Let's Encrypt issues one and the certificate logs list no `lan` hostname.
 */
export const tlsRouterName = (subdomain: string): string => `${subdomain}_tls`;

/**
 * The dynamic configuration: one router per hostname (`Host(...)` on the web entrypoint) to a
 * service with the app's address and a health check. Every router adds security headers; `lan`
 * routers also allow only the admin networks. Traefik's own hostname goes to its dashboard API,
 * which the admin networks also reach directly on the ping entrypoint.
 */
export function renderTraefikRoutes(input: TraefikRoutesInput): string {
  const routers: Record<string, Router> = {};
  const services: Record<string, unknown> = {};
  for (const r of input.routes) {
    const middlewares = [
      ...(r.exposure === "lan" ? [MIDDLEWARES.lanOnly] : []),
      ...(r.backend.kind === "traefik-api" ? [MIDDLEWARES.dashboardRedirect] : []),
      MIDDLEWARES.securityHeaders,
    ];
    routers[r.subdomain] = {
      rule: `Host(\`${r.fqdn}\`)`,
      entryPoints: ["web"],
      service: r.backend.kind === "server" ? r.subdomain : backendText(r.backend),
      middlewares,
    };
    const plain = routers[r.subdomain];
    if (input.tls && plain) {
      routers[tlsRouterName(r.subdomain)] = {
        ...plain,
        entryPoints: ["websecure"],
        middlewares: [...new Set([MIDDLEWARES.lanOnly, ...plain.middlewares])],
        tls: { certResolver: input.tls.resolver, domains: [{ main: `*.${input.tls.domain}`, sans: [input.tls.domain] }] },
      };
    }
    if (r.backend.kind === "server") {
      services[r.subdomain] = {
        loadBalancer: {
          servers: [{ url: `http://${r.backend.ip}:${r.backend.port}` }],
          passHostHeader: true,
          // Probe with the public hostname: apps that check Host (Nextcloud's trusted domains) reject the IP.
          healthCheck: { path: r.healthPath, hostname: r.fqdn, ...HEALTH_CHECK },
        },
      };
    }
  }
  if (input.routes.some((r) => r.backend.kind === "traefik-api")) {
    routers[DASHBOARD_LAN_ROUTER] = {
      rule: "PathPrefix(`/api`) || PathPrefix(`/dashboard`)",
      entryPoints: ["traefik"],
      service: "api@internal",
      middlewares: [MIDDLEWARES.lanOnly, MIDDLEWARES.securityHeaders],
    };
  }
  const middlewares = {
    [MIDDLEWARES.securityHeaders]: {
      headers: {
        // Cloudflare terminates TLS for every tunnel hostname, so browsers may be told to insist on it.
        stsSeconds: 31536000,
        stsIncludeSubdomains: true,
        contentTypeNosniff: true,
        customFrameOptionsValue: "SAMEORIGIN",
        referrerPolicy: "strict-origin-when-cross-origin",
      },
    },
    [MIDDLEWARES.lanOnly]: { ipAllowList: { sourceRange: [...input.lanSourceRanges] } },
    // The dashboard lives under /dashboard/; send the bare hostname there.
    [MIDDLEWARES.dashboardRedirect]: { redirectRegex: { regex: "^(https?://[^/]+)/?$", replacement: "${1}/dashboard/" } },
  };
  const config = { http: { routers, services, middlewares } };
  return `# Managed by homelab-as-code from the stack file; changes here are overwritten.\n${toYaml(config)}`;
}
