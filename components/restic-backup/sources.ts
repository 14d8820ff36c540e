import type { Dataset, Homelab, Service } from "../../config";
import type { TierName } from "../../config/schema";
import { POSTGRES_DUMP_SOURCE } from "../../config/checks/backup";

/** One thing the backup job snapshots: a dataset directory, or the Postgres dump stream. */
export type BackupSource =
  | {
      readonly kind: "dataset";
      readonly name: string;
      readonly tier: TierName;
      readonly path: string;
      readonly excludes: readonly string[];
      /** restic tag that marks this source's snapshots; retention is kept per tag. */
      readonly tag: string;
      readonly quotaGiB: number;
      /** Live SQLite databases, relative to the dataset, copied online before the snapshot. */
      readonly sqlite: readonly string[];
      /** Host owner of the dataset: the online copy runs as it, so the app can still open its files. */
      readonly hostUid: number;
      readonly hostGid: number;
    }
  | {
      readonly kind: "postgres";
      readonly name: string;
      /** Container the dump runs in (`pct exec <vmId>`). */
      readonly vmId: number;
      readonly service: string;
      readonly tier: TierName;
      readonly tag: string;
      /** Path of the dump inside the snapshot. */
      readonly stdinFilename: string;
      /** Size of the Postgres data dataset: an upper bound for the dump. */
      readonly quotaGiB: number;
    };

export const DUMP_FILENAME = "postgres/pg_dumpall.sql";
/** Tag on every snapshot this homelab makes; forget only ever looks at these. */
export const HOMELAB_TAG = "homelab";

const datasetSource = (d: Dataset): BackupSource => ({
  kind: "dataset",
  name: d.name,
  tier: d.tier,
  path: d.hostPath,
  excludes: d.excludes,
  tag: `dataset=${d.name}`,
  quotaGiB: d.quotaGiB,
  sqlite: d.sqlite,
  hostUid: d.hostUid,
  hostGid: d.hostGid,
});

/**
 * The Postgres dump when there is a server, then every dataset marked for backup, by name. The dump
 * goes first: it takes minutes, while a dataset's first upload can take days.
 */
export function backupSources(datasets: readonly Dataset[], postgres: Service | undefined): BackupSource[] {
  const sources: BackupSource[] = [];
  if (postgres) {
    const data = datasets.filter((d) => d.owner === postgres.name);
    sources.push({
      kind: "postgres",
      name: POSTGRES_DUMP_SOURCE,
      vmId: postgres.vmId,
      service: postgres.name,
      tier: data[0]?.tier ?? "-",
      tag: `dump=${POSTGRES_DUMP_SOURCE}`,
      stdinFilename: DUMP_FILENAME,
      quotaGiB: data.reduce((sum, d) => sum + d.quotaGiB, 0),
    });
  }
  sources.push(...datasets.filter((d) => d.backup).map(datasetSource));
  return sources;
}

/** The sources of a whole model (the plan report reads it without building components). */
export function modelSources(model: Homelab): BackupSource[] {
  const postgres = model.postgres.enabled ? model.services.find((s) => s.name === model.postgres.service) : undefined;
  return backupSources(model.datasets, postgres);
}
