import type { Homelab, Problem, Tier } from "../model";
import { defaultTier } from "../tiers";
import { isB2BucketName } from "../names";

/** The source name the Postgres dump is reported under (metrics label, plan report). */
export const POSTGRES_DUMP_SOURCE = "postgres";

/**
 * Backups: a valid bucket and prefix, a retention that keeps something, something to back up, and
 * excludes that stay inside their dataset.
 */
export function checkBackup(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const backup = model.backup;
  if (!backup?.enabled) return problems;
  if (!isB2BucketName(backup.bucket)) {
    problems.push({ path: "homelab:backup.bucket", message: `'${backup.bucket}' must be a B2 bucket name: 6-63 letters, digits and hyphens, not starting with b2-` });
  }
  if (backup.prefix.endsWith("/") || backup.prefix.includes("//")) {
    problems.push({ path: "homelab:backup.prefix", message: `'${backup.prefix}' must not end with '/' or contain '//'; restic would address a different folder than the one you expect` });
  }
  const r = backup.retention;
  if (r.daily + r.weekly + r.monthly + r.yearly === 0) {
    // restic forget with no keep policy keeps everything, so an all-zero retention never prunes.
    problems.push({ path: "homelab:backup.retention", message: "keeps no snapshot at all; set at least one of daily, weekly, monthly, yearly above 0" });
  }
  if (backup.vzdump.enabled && defaultTier(model.tiers, "bulk") === undefined) {
    problems.push({
      path: "homelab:storage.tiers",
      message: `vzdump writes to the default bulk tier, but there is none (tiers: ${Object.values(model.tiers).map((t) => `${t.name} (${t.class})`).join(", ")}); add a tier with class: bulk (or mark one default: true), or set homelab:backup.vzdump.enabled: false`,
    });
  }
  if (backup.vzdump.enabled && model.clustered && defaultTier(model.tiers, "bulk") !== undefined) {
    for (const n of model.nodes.filter((x) => vzdumpTier(model, x.name) === undefined)) {
      problems.push({
        path: `${n.configPath}.tiers`,
        message: `vzdump of the containers on node ${n.name} needs a bulk tier there (it has: ${n.tiers.join(", ") || "no tier"}); list a node-local bulk tier, add a shared bulk tier (NFS), or set homelab:backup.vzdump.enabled: false`,
      });
    }
  }
  const backedUp = model.datasets.filter((d) => d.backup);
  if (backedUp.length === 0 && !model.postgres.enabled) {
    problems.push({ path: "homelab:backup", message: "nothing to back up: no dataset has backup: true and homelab:postgres is disabled (set enabled: false to turn backups off)" });
  }
  for (const d of backedUp) {
    if (d.content === "database") {
      problems.push({
        path: `${d.configPath}.backup`,
        message: `'${d.name}' holds a live database; a file copy of it is not consistent. The Postgres dump backs it up: set backup: false`,
      });
    }
    if (model.postgres.enabled && d.name === POSTGRES_DUMP_SOURCE) {
      problems.push({ path: d.configPath, message: `a backed-up dataset cannot be named '${POSTGRES_DUMP_SOURCE}': that name is the Postgres dump's in snapshots and metrics` });
    }
  }
  // Checked on every dataset: a pattern written now is used as soon as backup is turned on.
  for (const d of model.datasets) {
    for (const pattern of d.excludes) {
      if (pattern.startsWith("/") || pattern.split("/").includes("..") || /[\n\r\0]/.test(pattern)) {
        problems.push({ path: `${d.configPath}.excludes`, message: `'${pattern}' must be a pattern relative to the dataset, like cache/** (no leading '/', no '..')` });
      }
    }
  }
  return problems;
}

/**
 * The tier a node's vzdump job writes to: the default bulk tier where the node has it, else another
 * bulk tier it has (its own before a shared one).
 */
export function vzdumpTier(model: Homelab, node: string): Tier | undefined {
  const has = model.nodes.find((n) => n.name === node)?.tiers ?? [];
  const bulk = Object.values(model.tiers).filter((t) => t.class === "bulk" && has.includes(t.name));
  return bulk.find((t) => t.default) ?? bulk.find((t) => !t.shared) ?? bulk[0];
}
