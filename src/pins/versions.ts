/**
 * Version arithmetic for the pin check: release tags (`v3.7.12`), image tags with a variant suffix
 * (`31.0.6-apache`), the *arr apps' four-part versions (`4.0.15.2941`), and Debian upstream globs
 * (`2.53.*`) matched the way the recipes' `check_version` matches them.
 */

/** A version split into its numeric parts and whatever follows them (`-apache`, `-rc1`, ``). */
export interface ParsedVersion {
  readonly parts: readonly number[];
  readonly suffix: string;
}

/**
 * Parses `v3.7.12`, `3.7.12`, `31.0.6-apache`, `n8n@1.97.1` or `4.0.15.2941`: an optional prefix (a
 * monorepo's `name@`, a tag's `v`), then dot-separated numbers, then the suffix.
 */
export function parseVersion(text: string): ParsedVersion | undefined {
  const m = /^(?:[^@]*@)?[vV]?(\d+(?:\.\d+)*)(.*)$/.exec(text.trim());
  if (!m || m[1] === undefined) return undefined;
  return { parts: m[1].split(".").map(Number), suffix: m[2] ?? "" };
}

/** Orders numeric parts; a missing part counts as 0 (so 1.2 equals 1.2.0). */
export function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Compares two versions by their numbers only; undefined when either does not parse. */
export function compareVersions(a: string, b: string): number | undefined {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  return pa && pb ? compareParts(pa.parts, pb.parts) : undefined;
}

/**
 * Whether `candidate` is a release of the same line as `pinned`: the same number of numeric parts and
 * the same suffix. So `31.0.7-apache` is one for `31.0.6-apache`, while `31-apache`, `31.0.7-fpm`,
 * `32.0.0rc1-apache` and `latest` are not, and for `1.97.1` a `2.0.0-beta.1` is not.
 */
export function sameLine(pinned: string, candidate: string): boolean {
  const p = parseVersion(pinned);
  const c = parseVersion(candidate);
  return p !== undefined && c !== undefined && p.parts.length === c.parts.length && p.suffix === c.suffix;
}

/** The newest of `candidates` on the pinned line, or undefined when none is. */
export function newestOnLine(pinned: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const c of candidates) {
    if (!sameLine(pinned, c)) continue;
    if (best === undefined || (compareVersions(c, best) ?? 0) > 0) best = c;
  }
  return best;
}

/** True when `latest` has a higher first number than `pinned` (a major upgrade, which may need a migration). */
export function crossesMajor(pinned: string, latest: string): boolean {
  const p = parseVersion(pinned);
  const l = parseVersion(latest);
  return p !== undefined && l !== undefined && (l.parts[0] ?? 0) > (p.parts[0] ?? 0);
}

/** The upstream part of a Debian version: no epoch (`1:`), as `check_version` compares it. */
export const withoutEpoch = (debianVersion: string): string => debianVersion.replace(/^\d+:/, "");

/**
 * Whether a Debian version matches an apt/bash glob pin (`*`, `?`, `[...]`), the test `check_version`
 * runs: `[[ "${have#*:}" == $glob ]]`.
 */
export function globMatches(glob: string, debianVersion: string): boolean {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === "*") re += ".*";
    else if (ch === "?") re += ".";
    else if (ch === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s").test(withoutEpoch(debianVersion));
}
