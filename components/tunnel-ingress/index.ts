import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { Homelab, Service } from "../../config";
import { LxcService } from "../lxc-service";
import type { ContainerPlatform } from "../shared/platform";

export interface TunnelIngressArgs {
  readonly domain: string;
  readonly settings: NonNullable<Homelab["ingress"]>;
  /** Every service; routes are derived from their `routes`. */
  readonly services: readonly Service[];
  readonly traefik: Service;
  readonly cloudflared: Service;
  readonly platform: ContainerPlatform;
  readonly cloudflareProvider: cloudflare.Provider;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Cloudflare Tunnel plus Traefik: `service.<domain>` reaches its LXC with no open port. */
export class TunnelIngress extends pulumi.ComponentResource {
  public readonly traefik: LxcService;
  public readonly cloudflared: LxcService;
  /** Public URL of each routed hostname. */
  public readonly urls: Record<string, string>;

  constructor(name: string, args: TunnelIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:TunnelIngress", name, {}, opts);
    this.traefik = new LxcService(args.traefik.name, { service: args.traefik, platform: args.platform, dependsOn: args.dependsOn }, { parent: this });
    this.cloudflared = new LxcService(args.cloudflared.name, { service: args.cloudflared, platform: args.platform, dependsOn: args.dependsOn }, { parent: this });
    this.urls = Object.fromEntries(
      args.services.flatMap((s) => s.routes.filter((r) => r.exposure !== "lan").map((r) => [r.subdomain, `https://${r.fqdn}`])),
    );
    this.registerOutputs({ urls: this.urls });
  }
}
