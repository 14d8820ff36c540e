import type { Dataset, Tier } from "../../config";
import { shellQuote } from "../shared/shell";
import { tierCheckCommand } from "../shared/tier-check";

/**
 * The host command that creates a dataset directory: the tier must already be mounted (a missing mount
 * would otherwise fill the root disk), and only the top directory's owner and mode are set, never
 * recursively, so existing data is left as it is. There is deliberately no counterpart that deletes.
 */
export function datasetDirCommand(dataset: Dataset, tier: Tier): string {
  const dir = shellQuote(dataset.hostPath);
  return `${datasetMarker(dataset)}\n${[
    "set -eu",
    tierCheckCommand(tier),
    `mkdir -p ${dir}`,
    `chown ${dataset.hostUid}:${dataset.hostGid} ${dir}`,
    `chmod ${dataset.mode} ${dir}`,
  ].join("; ")}`;
}

/**
 * A comment line that states what the directory holds and whether restic backs it up, so the
 * policy pack can check backup coverage from the resource alone. Dataset names are `[a-z0-9-]`.
 */
export const datasetMarker = (dataset: Pick<Dataset, "name" | "content" | "backup">): string =>
  `# dataset ${dataset.name}: content=${dataset.content} backup=${dataset.backup ? "yes" : "no"}`;
