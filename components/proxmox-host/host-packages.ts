import { shellJoin } from "../shared/shell";

/** Debian package names only: they end up on a root command line. */
export const isDebianPackageName = (name: string): boolean => /^[a-z0-9][a-z0-9+.-]+$/.test(name);

/** Installs host packages once; apt leaves installed ones alone, so a re-run changes nothing. */
export function hostPackagesCommand(packages: readonly string[]): string {
  const bad = packages.filter((p) => !isDebianPackageName(p));
  if (bad.length > 0) throw new Error(`not Debian package names: ${bad.join(", ")}`);
  const sorted = [...new Set(packages)].sort();
  if (sorted.length === 0) return "true";
  return `set -eu; export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; ${shellJoin(["apt-get", "install", "-y", "--no-install-recommends", ...sorted])}`;
}
