import type { Homelab, Service } from "../../config";
import { ingressRoutes } from "./routes";
import { CERT_RESOLVER, type TraefikAcme, type TraefikPorts } from "./traefik-paths";
import { renderTraefikRoutes } from "./traefik-routes";
import { renderTraefikStatic } from "./traefik-static";

export interface TraefikConfigInput {
  readonly services: readonly Service[];
  readonly traefik: Service;
  readonly cloudflared: Service;
  /** The tunnel's further connectors (homelab:ingress.connectors), if any. */
  readonly connectors?: readonly Service[];
  readonly network: Homelab["network"];
  /** homelab:ingress.acme with the domain: TLS on websecure for every hostname. */
  readonly acme?: TraefikAcme;
}

/** Traefik's ports, from its catalog entry: metrics where Prometheus scrapes, ping on its own route's port. */
export function traefikPorts(traefik: Service): TraefikPorts {
  return { web: 80, ping: traefik.routes[0]?.port ?? 8080, metrics: traefik.metrics[0]?.port ?? 8082, websecure: 443 };
}

/** Both Traefik configuration files, rendered from the model. */
export function renderTraefikConfig(input: TraefikConfigInput): { readonly staticConfig: string; readonly dynamicConfig: string } {
  return {
    staticConfig: renderTraefikStatic({ ports: traefikPorts(input.traefik), cloudflaredIp: input.cloudflared.ip, connectorIps: (input.connectors ?? []).map((c) => c.ip), ...(input.acme ? { acme: input.acme } : {}) }),
    dynamicConfig: renderTraefikRoutes({
      routes: ingressRoutes(input.services),
      lanSourceRanges: input.network.adminCidrs,
      ...(input.acme ? { tls: { resolver: CERT_RESOLVER, domain: input.acme.domain } } : {}),
    }),
  };
}
