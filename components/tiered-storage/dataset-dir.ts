import type { Dataset, Tier } from "../../config";
import { shellQuote } from "../shared/shell";

/**
 * The host command that creates a dataset directory: the tier must already be there (a missing mount
 * would otherwise fill the root disk), and only the top directory's owner and mode are set, never
 * recursively, so existing data is left as it is. There is deliberately no counterpart that deletes.
 */
export function datasetDirCommand(dataset: Dataset, tier: Tier): string {
  const dir = shellQuote(dataset.hostPath);
  const root = shellQuote(tier.path);
  return [
    "set -eu",
    `if [ ! -d ${root} ]; then echo "tier ${tier.name} is not mounted at ${tier.path}" >&2; exit 1; fi`,
    `mkdir -p ${dir}`,
    `chown ${dataset.hostUid}:${dataset.hostGid} ${dir}`,
    `chmod ${dataset.mode} ${dir}`,
  ].join("; ");
}
