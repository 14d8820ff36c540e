import type { IngressRoute } from "./routes";

/** One ingress rule of the remote-managed tunnel configuration. */
export interface TunnelRule {
  readonly hostname?: string;
  readonly service: string;
  readonly originRequest?: { readonly httpHostHeader: string };
}

/** Cloudflare requires the last rule to match everything; unknown hostnames get a 404. */
export const CATCH_ALL: TunnelRule = { service: "http_status:404" };

/**
 * The tunnel's rules: each published hostname goes to Traefik's web entrypoint with its own Host
 * header, so Traefik routes it by name and no request can pick another router's hostname; the
 * catch-all comes last.
 */
export function tunnelRules(routes: readonly IngressRoute[], traefikIp: string, traefikPort = 80): TunnelRule[] {
  return [
    ...routes
      .filter((r) => r.exposure !== "lan")
      .map((r): TunnelRule => ({ hostname: r.fqdn, service: `http://${traefikIp}:${traefikPort}`, originRequest: { httpHostHeader: r.fqdn } })),
    CATCH_ALL,
  ];
}
