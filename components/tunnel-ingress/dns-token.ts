/** The permission groups of the DNS-01 token, by name (lego's cloudflare provider: DNS edit and zone read). */
export const DNS_CHALLENGE_PERMISSIONS = ["DNS Write", "Zone Read"] as const;
/** The scope of zone permission groups, and the prefix of a zone in a token's resources. */
export const ZONE_SCOPE = "com.cloudflare.api.account.zone";

/** One entry of Cloudflare's list of API token permission groups. */
export interface PermissionGroup {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
}

/**
 * The ids of the DNS-01 token's permission groups, picked by exact name among the zone-scoped groups
 * Cloudflare lists. The list is asked for by scope only: its name filter wants a URL-encoded value, and
 * a filter that matched nothing (or more than the group meant) would scope the token wrongly.
 */
export function dnsChallengePermissionIds(groups: readonly PermissionGroup[]): { id: string }[] {
  return DNS_CHALLENGE_PERMISSIONS.map((permission) => {
    const matches = groups.filter((g) => g.name === permission && g.scopes.includes(ZONE_SCOPE));
    const [group, ...others] = matches;
    if (group === undefined) throw new Error(`Cloudflare lists no zone permission group named '${permission}'; the ACME DNS-01 token (homelab:ingress.acme) cannot be scoped`);
    if (others.length > 0) throw new Error(`Cloudflare lists ${matches.length} zone permission groups named '${permission}'; the ACME DNS-01 token (homelab:ingress.acme) cannot be scoped unambiguously`);
    return { id: group.id };
  });
}

/** The token's resources: the homelab's zone and no other. */
export const zoneResources = (zoneId: string): string => JSON.stringify({ [`${ZONE_SCOPE}.${zoneId}`]: "*" });
