import type * as pulumi from "@pulumi/pulumi";
import type { IngressRoute } from "./routes";

/** cloudflared's check of the Access token at the origin: a request without a valid one is refused. */
export interface OriginAccess {
  readonly required: true;
  readonly teamName: string;
  /** Audience tag of the hostname's Access application. */
  readonly audTags: readonly pulumi.Input<string>[];
}

/** One ingress rule of the remote-managed tunnel configuration. */
export interface TunnelRule {
  readonly hostname?: string;
  readonly service: string;
  readonly originRequest?: { readonly httpHostHeader: string; readonly access?: OriginAccess };
}

/** Cloudflare requires the last rule to match everything; unknown hostnames get a 404. */
export const CATCH_ALL: TunnelRule = { service: "http_status:404" };

/** What cloudflared needs to check Access tokens: the team, and each protected hostname's audience. */
export interface OriginGuard {
  readonly teamName: string;
  /** Audience tag of the Access application guarding a hostname, or undefined for an unguarded one. */
  readonly audOf: (fqdn: string) => pulumi.Input<string> | undefined;
}

/**
 * The tunnel's rules: each published hostname goes to Traefik's web entrypoint with its own Host
 * header, so Traefik routes it by name and no request can pick another router's hostname; the
 * catch-all comes last. A guarded hostname also has its Access token checked by cloudflared, so a
 * request that reaches the tunnel around Access (a stale or misconfigured application) is refused.
 */
export function tunnelRules(routes: readonly IngressRoute[], traefikIp: string, traefikPort = 80, guard?: OriginGuard): TunnelRule[] {
  return [
    ...routes
      .filter((r) => r.exposure !== "lan")
      .map((r): TunnelRule => {
        const aud = guard?.audOf(r.fqdn);
        const access: OriginAccess | undefined = guard && aud !== undefined ? { required: true, teamName: guard.teamName, audTags: [aud] } : undefined;
        return { hostname: r.fqdn, service: `http://${traefikIp}:${traefikPort}`, originRequest: { httpHostHeader: r.fqdn, ...(access ? { access } : {}) } };
      }),
    CATCH_ALL,
  ];
}
