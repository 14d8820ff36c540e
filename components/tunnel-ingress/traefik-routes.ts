import { stringify } from "yaml";
import { backendText, type IngressRoute } from "./routes";

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
}

interface Router {
  rule: string;
  entryPoints: string[];
  service: string;
  middlewares: string[];
}

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
  return `# Managed by homelab-as-code from the stack file; changes here are overwritten.\n${stringify(config)}`;
}
