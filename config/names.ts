/** Name rules of the systems the homelab writes names into: DNS, PostgreSQL, Backblaze B2. */

/** RFC 1123 label: 1-63 of a-z, 0-9 and inner hyphens (we insist on lower case). */
export function isDnsLabel(text: string): boolean {
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(text);
}

/** A fully qualified domain name made of at least two valid labels, at most 253 characters. */
export function isDomainName(text: string): boolean {
  if (text.length > 253) return false;
  const labels = text.split(".");
  return labels.length >= 2 && labels.every(isDnsLabel) && /[a-z]/.test(labels[labels.length - 1] ?? "");
}

/**
 * A PostgreSQL identifier usable without quoting: starts with a letter or underscore, then letters,
 * digits and underscores, at most 63 bytes, and not prefixed `pg_` (reserved for system roles).
 */
export function isPgIdentifier(text: string): boolean {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(text) && !text.startsWith("pg_");
}

/** B2 bucket names: 6-63 of letters, digits and hyphens, globally unique, not starting with `b2-`. */
export function isB2BucketName(text: string): boolean {
  return /^[A-Za-z0-9-]{6,63}$/.test(text) && !text.toLowerCase().startsWith("b2-");
}

/** A plausible email address for Cloudflare Access rules. */
export function isEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(text) && isDomainName(text.split("@")[1]?.toLowerCase() ?? "");
}
