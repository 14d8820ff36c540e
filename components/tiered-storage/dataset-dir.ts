import type { Dataset, Tier } from "../../config";
import { shellQuote } from "../shared/shell";
import { tierCheckCommand } from "../shared/tier-check";

/**
 * The host command that creates a dataset directory: the tier must already be mounted (a missing mount
 * would otherwise fill the root disk), and only the top directory's owner and mode are set, never
 * recursively, so existing data is left as it is (unless the dataset opts into `adopt`). There is deliberately no counterpart that deletes.
 */
export function datasetDirCommand(dataset: Dataset, tier: Pick<Tier, "name" | "path" | "mountPoint">): string {
  const dir = shellQuote(dataset.hostPath);
  return `${datasetMarker(dataset)}\n${[
    "set -eu",
    tierCheckCommand(tier),
    `mkdir -p ${dir}`,
    `chown ${dataset.hostUid}:${dataset.hostGid} ${dir}`,
    `chmod ${dataset.mode} ${dir}`,
    ...(dataset.adopt ? [adoptCommand(dataset)] : []),
  ].join("; ")}`;
}

/** Where an adoption is remembered: a file in the dataset holding the host owner it was adopted for. */
export const ADOPTED_MARKER = ".homelab-adopted";

/**
 * Opt-in adoption of data that was there before: one recursive chown to the mapped owner (symlinks
 * themselves, never their targets), remembered by a marker so later runs leave the data alone; a
 * changed owner adopts again.
 */
export function adoptCommand(dataset: Pick<Dataset, "hostPath" | "hostUid" | "hostGid">): string {
  const owner = `${dataset.hostUid}:${dataset.hostGid}`;
  const marker = shellQuote(`${dataset.hostPath}/${ADOPTED_MARKER}`);
  return `if [ "$(cat ${marker} 2>/dev/null || true)" != ${owner} ]; then chown -R -h -P ${owner} ${shellQuote(dataset.hostPath)}; echo ${owner} > ${marker}; chown -h ${owner} ${marker}; fi`;
}

/**
 * A comment line that states what the directory holds and whether restic backs it up, so the
 * policy pack can check backup coverage from the resource alone. Dataset names are `[a-z0-9-]`.
 */
export const datasetMarker = (dataset: Pick<Dataset, "name" | "content" | "backup">): string =>
  `# dataset ${dataset.name}: content=${dataset.content} backup=${dataset.backup ? "yes" : "no"}`;
