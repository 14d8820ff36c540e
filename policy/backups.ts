import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { isDatasetDir, T, typeOfUrn } from "./tokens";

/** Contents that cannot be recreated from elsewhere; `database` is covered by the Postgres dump. */
export const STATEFUL_CONTENT: readonly string[] = ["state", "photos", "documents", "database"];

/** What a dataset command's leading comment declares. */
export interface DatasetMarker {
  readonly name: string;
  readonly content: string;
  readonly backup: boolean;
}

const MARKER = /^# dataset ([a-z0-9-]+): content=([a-z]+) backup=(yes|no)$/m;

/** Reads the `# dataset <name>: content=<content> backup=<yes|no>` line of a dataset command. */
export function datasetMarker(script: unknown): DatasetMarker | undefined {
  if (typeof script !== "string") return undefined;
  const m = MARKER.exec(script);
  if (!m?.[1] || !m[2]) return undefined;
  return { name: m[1], content: m[2], backup: m[3] === "yes" };
}

/** Splits a line of POSIX sh into words: bare words and single-quoted strings (with `'\''`). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const word = /(?:'[^']*'|\\.|[^\s'\\])+/g;
  for (const m of line.matchAll(word)) {
    words.push(m[0].replace(/'([^']*)'|\\(.)|([^'\\]+)/g, (_all, quoted: string | undefined, escaped: string | undefined, bare: string | undefined) => quoted ?? escaped ?? bare ?? ""));
  }
  return words;
}

/** The directory a dataset command creates (`mkdir -p <dir>`), unquoted. */
export function createdDir(script: unknown): string | undefined {
  if (typeof script !== "string") return undefined;
  const m = /mkdir -p ((?:'[^']*'|\\.|[^\s;'\\])+)/.exec(script);
  return m?.[1] === undefined ? undefined : shellWords(m[1])[0];
}

/** What restic's backup job covers: dataset name → backed-up path, and whether the Postgres dump runs. */
export interface BackupCoverage {
  readonly datasets: ReadonlyMap<string, string>;
  readonly postgresDump: boolean;
}

/** Reads the `backup_dataset <name> <path> ...` and `backup_postgres ...` calls of a backup script. */
export function backupCoverage(script: string): BackupCoverage {
  const datasets = new Map<string, string>();
  let postgresDump = false;
  for (const line of script.split("\n")) {
    const [fn, name, path] = shellWords(line.trim());
    if (fn === "backup_dataset" && name !== undefined && path !== undefined) datasets.set(name, path);
    if (fn === "backup_postgres" && name !== undefined) postgresDump = true;
  }
  return { datasets, postgresDump };
}

const parentUrnOf = (r: PolicyResource): string | undefined => r.parent?.urn ?? r.opts.parent;

/** The backup job: a script the ResticBackup component pushes to the host that calls `backup_dataset`/`backup_postgres`. */
function findBackupJob(resources: readonly PolicyResource[]): BackupCoverage | undefined {
  for (const r of resources) {
    if (r.type !== T.command || typeOfUrn(parentUrnOf(r)) !== T.resticBackup) continue;
    const stdin: unknown = r.props.stdin;
    if (typeof stdin !== "string") continue;
    const coverage = backupCoverage(stdin);
    if (coverage.datasets.size > 0 || coverage.postgresDump) return coverage;
  }
  return undefined;
}

/**
 * Every dataset directory holding state, photos, documents or a database is in restic's backup job:
 * a file dataset by a `backup_dataset` call for its name and directory, a database by the Postgres
 * dump. A stack without a ResticBackup has no backup job, so every such dataset is reported.
 */
export const statefulDatasetsBackedUp: StackValidationPolicy = {
  name: "stateful-datasets-backed-up",
  description: "Every dataset holding state, photos, documents or a database is covered by restic's backup job.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Configure homelab:backup, and leave backup on (or set it to true) for every stateful dataset in Pulumi.homelab.yaml.",
  validateStack: (args, reportViolation) => {
    const job = findBackupJob(args.resources);
    for (const r of args.resources) {
      if (!isDatasetDir(r.type, parentUrnOf(r))) continue;
      const marker = datasetMarker(r.props.create);
      if (marker === undefined) {
        reportViolation(`dataset directory ${r.name} does not declare its content (no '# dataset <name>: content=<content> backup=<yes|no>' line)`, r.urn);
        continue;
      }
      if (!STATEFUL_CONTENT.includes(marker.content)) continue;
      const what = `dataset ${marker.name} (content=${marker.content})`;
      const optedOut = marker.backup ? "" : "; the stack file sets backup: false for it";
      if (job === undefined) {
        reportViolation(`${what} is not backed up: the stack has no restic backup job (backup is disabled in the stack file)`, r.urn);
      } else if (marker.content === "database") {
        if (!job.postgresDump) reportViolation(`${what} is not backed up: restic's backup job has no backup_postgres dump`, r.urn);
      } else {
        const path = job.datasets.get(marker.name);
        const dir = createdDir(r.props.create);
        if (path === undefined) reportViolation(`${what} is not in restic's backup job${optedOut}`, r.urn);
        else if (dir !== undefined && path !== dir) reportViolation(`${what} lives in ${dir} but restic's backup job backs up ${path} under its name`, r.urn);
      }
    }
  },
};
