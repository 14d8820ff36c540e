import type { Tier } from "../../config";
import { shellQuote } from "../shared/shell";
import { tierCheckCommand } from "../shared/tier-check";

/**
 * What Proxmox may keep on a tier's directory storage: container backups (vzdump) on bulk tiers,
 * templates, ISOs and snippets on fast tiers. Root disks stay on the root storage.
 */
export function tierStorageContents(tier: Pick<Tier, "class">): string[] {
  return tier.class === "bulk" ? ["backup"] : ["iso", "snippets", "vztmpl"];
}

/** A sub-directory of the tier, so Proxmox's dump/ and template/ folders never mix with datasets. */
export const tierStoragePath = (tier: Pick<Tier, "path">): string => `${tier.path}/proxmox`;

/** Creates the storage's base directory, only once the tier itself is mounted. */
export const tierStorageDirCommand = (tier: Pick<Tier, "name" | "path" | "mountPoint">): string =>
  ["set -eu", tierCheckCommand(tier), `mkdir -p ${shellQuote(tierStoragePath(tier))}`].join("; ");
