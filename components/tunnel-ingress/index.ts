import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Homelab, Service } from "../../config";
import type { Exposure } from "../../config/schema";
import { traefikSha256 } from "../../config/schema/ingress";
import { LxcService } from "../lxc-service";
import type { ContainerPlatform } from "../shared/platform";
import { accessIncludes } from "./access-rules";
import { cloudflaredRecipe, cloudflaredTokenFile } from "./cloudflared-recipe";
import { renderCloudflaredUnit } from "./cloudflared-unit";
import { ingressRoutes, protectedRoutes, tunnelRoutes } from "./routes";
import { renderTraefikConfig, traefikPorts } from "./traefik-config";
import { dnsChallengePermissionIds, zoneResources, ZONE_SCOPE } from "./dns-token";
import { traefikConfigFiles, traefikDnsTokenFile, traefikRecipe } from "./traefik-recipe";
import { renderTraefikUnit } from "./traefik-unit";
import { tunnelRules, type OriginGuard, type TunnelRule } from "./tunnel-rules";

export interface TunnelIngressArgs {
  /** The homelab's domain; every route is `<subdomain>.<domain>` in this Cloudflare zone. */
  readonly domain: string;
  /** The `homelab:ingress` section: account, zone, tunnel name, who Access lets in. */
  readonly settings: NonNullable<Homelab["ingress"]>;
  /** Every service; routes are derived from their `routes`. */
  readonly services: readonly Service[];
  /** The service running Traefik (role traefik). */
  readonly traefik: Service;
  /** The service running the tunnel connector (role cloudflared). */
  readonly cloudflared: Service;
  /** Further connectors of the same tunnel (homelab:ingress.connectors), each a cloudflared service. */
  readonly connectors?: readonly Service[];
  readonly platform: ContainerPlatform;
  /** Provider for the tunnel, DNS records and Access; credentials never come from ambient config. */
  readonly cloudflareProvider: cloudflare.Provider;
  /** Resources the two containers wait for (storage). */
  readonly dependsOn: readonly pulumi.Resource[];
}

/**
 * Comment of every DNS record this project owns, so an operator can tell them from hand-made ones;
 * it also states the route's exposure, which the policy pack reads to tell public-by-choice from unguarded.
 */
export const dnsComment = (exposure: Exposure): string => `managed by homelab-as-code; exposure=${exposure}`;

/** A rule as the provider takes it (mutable arrays). */
function ingressInput(rule: TunnelRule): cloudflare.types.input.ZeroTrustTunnelCloudflaredConfigConfigIngress {
  const o = rule.originRequest;
  const originRequest = o && { httpHostHeader: o.httpHostHeader, ...(o.access ? { access: { required: o.access.required, teamName: o.access.teamName, audTags: [...o.access.audTags] } } : {}) };
  return { service: rule.service, ...(rule.hostname !== undefined ? { hostname: rule.hostname } : {}), ...(originRequest ? { originRequest } : {}) };
}

/**
 * Cloudflare Tunnel plus Traefik: `service.<domain>` reaches its LXC with no open port. cloudflared
 * dials out to Cloudflare and sends every published hostname to Traefik, which routes by Host header.
 * Protected hostnames get an Access application before their DNS record exists; `lan` hostnames get
 * only a Traefik router limited to the admin networks.
 */
export class TunnelIngress extends pulumi.ComponentResource {
  public readonly traefik: LxcService;
  public readonly cloudflared: LxcService;
  /** The further connectors' containers, in the order of homelab:ingress.connectors. */
  public readonly connectors: readonly LxcService[];
  /** Id of the tunnel; its hostnames are CNAMEs to `<tunnelId>.cfargotunnel.com`. */
  public readonly tunnelId: pulumi.Output<string>;
  /** Public URL of each hostname published through the tunnel, by subdomain. */
  public readonly urls: Record<string, string>;

  constructor(name: string, args: TunnelIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:TunnelIngress", name, {}, opts);
    const { settings, platform } = args;
    const accountId = settings.accountId;
    const cf = { parent: this, provider: args.cloudflareProvider };
    const routes = ingressRoutes(args.services);

    // Remote-managed tunnel: the ingress rules live in Cloudflare, the connector needs only a token.
    const secret = new random.RandomBytes(`${name}-tunnel-secret`, { length: 32 }, { parent: this });
    const tunnel = new cloudflare.ZeroTrustTunnelCloudflared(
      `${name}-tunnel`,
      { accountId, name: settings.tunnelName, configSrc: "cloudflare", tunnelSecret: pulumi.secret(secret.base64) },
      // Tunnel names are unique per account: a replacement must free the name first.
      { ...cf, deleteBeforeReplace: true },
    );
    this.tunnelId = tunnel.id;

    // Access first: a protected hostname must never be routable before its guard exists.
    const guards = new Map<string, cloudflare.ZeroTrustAccessApplication>();
    for (const r of protectedRoutes(routes)) {
      const policy = new cloudflare.ZeroTrustAccessPolicy(
        `${name}-access-policy-${r.subdomain}`,
        {
          accountId,
          name: `homelab operators: ${r.fqdn}`,
          decision: "allow",
          includes: accessIncludes(settings.access),
          sessionDuration: settings.access.sessionDuration,
        },
        cf,
      );
      guards.set(
        r.fqdn,
        new cloudflare.ZeroTrustAccessApplication(
          `${name}-access-${r.subdomain}`,
          {
            accountId,
            name: r.fqdn,
            type: "self_hosted",
            domain: r.fqdn,
            destinations: [{ type: "public", uri: r.fqdn }],
            sessionDuration: settings.access.sessionDuration,
            appLauncherVisible: true,
            policies: [{ id: policy.id, precedence: 1 }],
          },
          cf,
        ),
      );
    }

    const teamName = settings.access.teamName;
    if (guards.size > 0 && teamName === undefined) throw new Error("homelab:ingress.access.teamName is unset; the config checks should have caught this");
    const originGuard: OriginGuard | undefined = teamName === undefined ? undefined : { teamName, audOf: (fqdn) => guards.get(fqdn)?.aud };
    const tunnelConfig = new cloudflare.ZeroTrustTunnelCloudflaredConfig(
      `${name}-tunnel-config`,
      {
        accountId,
        tunnelId: tunnel.id,
        source: "cloudflare",
        config: {
          ingresses: tunnelRules(routes, args.traefik.ip, traefikPorts(args.traefik).web, originGuard).map(ingressInput),
        },
      },
      { ...cf, dependsOn: [...guards.values()] },
    );

    for (const r of tunnelRoutes(routes)) {
      const guard = guards.get(r.fqdn);
      new cloudflare.DnsRecord(
        `${name}-dns-${r.subdomain}`,
        {
          zoneId: settings.zoneId,
          name: r.fqdn,
          type: "CNAME",
          content: pulumi.interpolate`${tunnel.id}.cfargotunnel.com`,
          proxied: true,
          ttl: 1,
          comment: dnsComment(r.exposure),
        },
        // Cloudflare refuses a second CNAME for a name, so a replaced record goes first.
        { ...cf, dependsOn: guard ? [guard] : [], deleteBeforeReplace: true },
      );
    }

    const acme = settings.acme ? { ...settings.acme, domain: args.domain } : undefined;
    const { staticConfig, dynamicConfig } = renderTraefikConfig({
      services: args.services,
      traefik: args.traefik,
      cloudflared: args.cloudflared,
      connectors: args.connectors ?? [],
      network: platform.network,
      ...(acme ? { acme } : {}),
    });
    const dnsToken = acme ? this.dnsChallengeToken(name, args) : undefined;
    const sha256 = traefikSha256(settings, args.traefik.install.version);
    if (sha256 === undefined) throw new Error(`no pinned checksum for Traefik ${args.traefik.install.version}; the config checks should have caught this`);
    this.traefik = new LxcService(
      args.traefik.name,
      {
        service: args.traefik,
        platform,
        recipe: traefikRecipe({ version: args.traefik.install.version, sha256, user: args.traefik.user, unit: renderTraefikUnit(args.traefik.user, acme !== undefined), acme: acme !== undefined }),
        files: [...traefikConfigFiles(staticConfig, dynamicConfig), ...(dnsToken ? [traefikDnsTokenFile(dnsToken.value, args.traefik.user)] : [])],
        dependsOn: args.dependsOn,
      },
      { parent: this },
    );

    const token = cloudflare.getZeroTrustTunnelCloudflaredTokenOutput({ accountId, tunnelId: tunnel.id }, { parent: this, provider: args.cloudflareProvider });
    // Every connector runs the same tunnel with the same token; Cloudflare uses whichever are up.
    const connector = (s: Service): LxcService => {
      const metricsPort = s.metrics[0]?.port ?? 2000;
      return new LxcService(
        s.name,
        {
          service: s,
          platform,
          recipe: cloudflaredRecipe({ version: s.install.version, user: s.user, unit: renderCloudflaredUnit(s.user, metricsPort) }),
          files: [cloudflaredTokenFile(pulumi.secret(token.token))],
          // The connector starts serving as soon as it runs: Traefik and the rules must be in place.
          dependsOn: [...args.dependsOn, this.traefik, tunnelConfig],
        },
        { parent: this },
      );
    };
    this.cloudflared = connector(args.cloudflared);
    this.connectors = (args.connectors ?? []).map(connector);

    this.urls = Object.fromEntries(tunnelRoutes(routes).map((r) => [r.subdomain, `https://${r.fqdn}`]));
    this.registerOutputs({ urls: this.urls, tunnelId: this.tunnelId });
  }

  /**
   * The token Traefik answers DNS-01 with: allowed to edit DNS records and read the zone (lego needs
   * both), on the homelab's zone only. The permission groups' ids come from Cloudflare's list of zone
   * groups, picked by name, so no id is hard-coded; the token's value is a secret output.
   */
  private dnsChallengeToken(name: string, args: TunnelIngressArgs): cloudflare.ApiToken {
    const cf = { parent: this, provider: args.cloudflareProvider };
    const ids = cloudflare.getApiTokenPermissionGroupsListOutput({ scope: ZONE_SCOPE }, cf).results.apply(dnsChallengePermissionIds);
    return new cloudflare.ApiToken(
      `${name}-acme-dns`,
      {
        name: `homelab ACME DNS-01 for ${args.domain}`,
        policies: [{ effect: "allow", permissionGroups: ids, resources: zoneResources(args.settings.zoneId) }],
      },
      { ...cf, additionalSecretOutputs: ["value"] },
    );
  }
}
