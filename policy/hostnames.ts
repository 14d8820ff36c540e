import type { StackValidationPolicy } from "@pulumi/policy";
import { T } from "./tokens";

/** The exposure a DNS record's comment declares (`...; exposure=<public|protected>`), if any. */
export function declaredExposure(comment: unknown): string | undefined {
  if (typeof comment !== "string") return undefined;
  return /(?:^|[\s;,])exposure=([a-z]+)\b/.exec(comment)?.[1];
}

const host = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value.toLowerCase().replace(/\.$/, "") : undefined);

/** Hostnames of the tunnel's ingress rules (the catch-all rule has none). */
function tunnelHostnames(props: Record<string, unknown>): string[] {
  const config = props.config as { ingresses?: unknown } | undefined;
  const rules = Array.isArray(config?.ingresses) ? (config.ingresses as unknown[]) : [];
  return rules.flatMap((rule) => {
    const h = host((rule as { hostname?: unknown } | null)?.hostname);
    return h === undefined ? [] : [h];
  });
}

/**
 * Every published hostname is either public by a stated choice (its DNS record's comment says
 * `exposure=public`) or behind a Cloudflare Access application for exactly that hostname; and every
 * hostname the tunnel routes has a DNS record here, so no route escapes this check.
 */
export const hostnamesPublicOrBehindAccess: StackValidationPolicy = {
  name: "hostnames-public-by-choice-or-behind-access",
  description: "Every DNS hostname is declared public or guarded by a Cloudflare Access application; every tunnel route has a DNS record.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Give the route exposure: protected (the default, which adds an Access application) or, deliberately, exposure: public in Pulumi.homelab.yaml.",
  validateStack: (args, reportViolation) => {
    const guarded = new Set(args.resources.filter((r) => r.type === T.accessApplication).flatMap((r) => host(r.props.domain) ?? []));
    const records = new Set<string>();
    for (const r of args.resources) {
      if (r.type !== T.dnsRecord) continue;
      const name = host(r.props.name);
      if (name === undefined) continue;
      records.add(name);
      const exposure = declaredExposure(r.props.comment);
      if (exposure === "public" || guarded.has(name)) continue;
      if (exposure === undefined) {
        reportViolation(`hostname ${name} is neither declared public (no 'exposure=public' in its DNS record's comment) nor behind a Cloudflare Access application`, r.urn);
      } else {
        reportViolation(`hostname ${name} is declared exposure=${exposure} but no Cloudflare Access application guards it`, r.urn);
      }
    }
    for (const r of args.resources) {
      if (r.type !== T.tunnelConfig) continue;
      for (const name of tunnelHostnames(r.props)) {
        if (!records.has(name)) reportViolation(`tunnel route ${name} has no DNS record in this stack, so nothing states whether it is public or guarded`, r.urn);
      }
    }
  },
};
