import type { Tier } from "../../config";
import { shellQuote } from "./shell";

/**
 * The host command line that refuses to go on when a tier is not there. `[ -d ]` is true for an empty
 * mount point, so data would land on the root disk: a tier that is its own filesystem must be mounted
 * (`mountpoint -q`); one declared `mountPoint: false` (a plain directory) must at least exist.
 */
export function tierCheckCommand(tier: Pick<Tier, "name" | "path" | "mountPoint">): string {
  const root = shellQuote(tier.path);
  return tier.mountPoint
    ? `if ! mountpoint -q ${root}; then echo "tier ${tier.name} is not mounted at ${tier.path}; mount it (or set mountPoint: false for a plain directory)" >&2; exit 1; fi`
    : `if [ ! -d ${root} ]; then echo "tier ${tier.name} directory ${tier.path} does not exist" >&2; exit 1; fi`;
}
