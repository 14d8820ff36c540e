/** The permission groups of the DNS-01 token, by name (lego's cloudflare provider: DNS edit and zone read). */
export const DNS_CHALLENGE_PERMISSIONS = ["DNS Write", "Zone Read"] as const;
/** The scope of zone permission groups, and the prefix of a zone in a token's resources. */
export const ZONE_SCOPE = "com.cloudflare.api.account.zone";
