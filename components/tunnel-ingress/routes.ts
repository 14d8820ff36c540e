import type { Service } from "../../config";
import type { Exposure } from "../../config/schema";
import { codePointOrder } from "../../config/order";

/** Where Traefik sends a hostname: an app's address, or Traefik's own API for its dashboard. */
export type Backend = { readonly kind: "server"; readonly ip: string; readonly port: number } | { readonly kind: "traefik-api" };

/** One hostname the homelab serves, with everything the tunnel, Traefik and Access need to know. */
export interface IngressRoute {
  /** The service that owns the route. */
  readonly service: string;
  readonly subdomain: string;
  readonly fqdn: string;
  readonly exposure: Exposure;
  /** Path that answers 2xx when the app is healthy. */
  readonly healthPath: string;
  readonly backend: Backend;
}

/**
 * Every route of every service, sorted by hostname so renderers and resources come out in the same
 * order whatever the stack file's order. Routes of the Traefik service itself are its dashboard.
 */
export function ingressRoutes(services: readonly Service[]): IngressRoute[] {
  return services
    .flatMap((s) =>
      s.routes.map((r): IngressRoute => ({
        service: s.name,
        subdomain: r.subdomain,
        fqdn: r.fqdn,
        exposure: r.exposure,
        healthPath: r.healthPath,
        backend: s.role === "traefik" ? { kind: "traefik-api" } : { kind: "server", ip: s.ip, port: r.port },
      })),
    )
    .sort((a, b) => codePointOrder(a.fqdn, b.fqdn));
}

/** Routes published through the tunnel: `public` and `protected`, never `lan`. */
export const tunnelRoutes = (routes: readonly IngressRoute[]): IngressRoute[] => routes.filter((r) => r.exposure !== "lan");

/** Routes Cloudflare Access guards. */
export const protectedRoutes = (routes: readonly IngressRoute[]): IngressRoute[] => routes.filter((r) => r.exposure === "protected");

/** `ip:port` of a backend, or Traefik's internal service name. */
export const backendText = (b: Backend): string => (b.kind === "server" ? `${b.ip}:${b.port}` : "api@internal");
