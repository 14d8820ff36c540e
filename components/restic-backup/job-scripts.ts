import type { Homelab } from "../../config";
import type { HostLayout, ResticJob } from "./layout";
import { shellQuote } from "../shared/shell";
import { HOMELAB_TAG, type BackupSource } from "./sources";
import { renderRecordFirstRun, renderWriteMetrics } from "./textfile-metrics";

/** What the job scripts are rendered from. */
export interface JobScriptInput {
  readonly settings: NonNullable<Homelab["backup"]>;
  readonly sources: readonly BackupSource[];
  /** restic `--host` of every snapshot: the Proxmox node name, so a rebuilt host continues the same history. */
  readonly resticHost: string;
  readonly layout: HostLayout;
}

/** How long a job waits for another one holding the shared lock before it gives up (6 h). */
const LOCK_WAIT_SECONDS = 6 * 3600;

const DESCRIPTION: Record<ResticJob, string> = {
  backup: "streams the Postgres dump into the repository, then snapshots every dataset marked for backup.",
  prune: "forgets snapshots beyond the retention, per source, and prunes the data only they used.",
  check: "verifies the repository structure and reads a random subset of the pack data.",
};

/**
 * The part every job shares: settings overridable from the environment (tests point them at temp
 * dirs), metrics written on every exit, the repository credentials, the shared lock, stale locks
 * cleared.
 */
function preamble(job: ResticJob, input: JobScriptInput): string {
  const { layout } = input;
  return `#!/usr/bin/env bash
# homelab restic ${job}: ${DESCRIPTION[job]}
# Rendered from Pulumi.homelab.yaml by \`pulumi up\`; edits made here are overwritten.
set -euo pipefail

readonly JOB=${job}
ENV_FILE="\${HOMELAB_RESTIC_ENV:-${layout.envFile}}"
TEXTFILE_DIR="\${HOMELAB_TEXTFILE_DIR:-${layout.textfileDir}}"
LOCK_FILE="\${HOMELAB_RESTIC_LOCK:-${layout.lockFile}}"
${job === "backup" ? `RESTIC_HOST="\${HOMELAB_RESTIC_HOST:-${shellQuote(input.resticHost)}}"
` : ""}STARTED=$(date +%s)
STATUS=0
WORK_DIR=$(mktemp -d)
${job === "backup" ? `SOURCES=(${input.sources.map((s) => shellQuote(s.name)).join(" ")})
declare -A BYTES_ADDED=() FILES_NEW=() FILES_CHANGED=()
` : ""}
${renderWriteMetrics(job)}

${renderRecordFirstRun()}

# shellcheck disable=SC2317 # called from the EXIT trap
finish() {
  local exit_status=$1
  rm -rf "$WORK_DIR"
  write_metrics "$exit_status"
  exit "$exit_status"
}
trap 'finish "$?"' EXIT
# systemd stops a hung job with SIGTERM; exiting through the EXIT trap still records the failure.
trap 'exit 143' TERM INT
record_first_run

# A later failure keeps the first one's status; the other sources are still backed up.
fail() {
  if [ "$STATUS" -eq 0 ]; then STATUS=$1; fi
}

set -a
# shellcheck source=/dev/null
. "$ENV_FILE"
set +a

exec 9>"$LOCK_FILE"
if ! flock --wait ${LOCK_WAIT_SECONDS} 9; then
  echo "another homelab restic job still holds $LOCK_FILE after ${LOCK_WAIT_SECONDS}s" >&2
  exit 75
fi

# Removes only stale locks (left by a dead process on this host, or older than 30 minutes);
# a live lock of a running restic stays.
restic unlock
`;
}

const SUMMARY_FUNCTIONS = `json_number() {
  sed -n "s/.*\\"$2\\":\\([0-9][0-9]*\\).*/\\1/p" <<<"$1" | head -n 1
}

# restic --json --quiet prints one summary line per snapshot.
summary_of() {
  grep '"message_type":"summary"' "$1" | tail -n 1 || true
}

record_summary() {
  local source=$1 summary
  summary=$(summary_of "$2")
  if [ -z "$summary" ]; then return 0; fi
  BYTES_ADDED[$source]=$(json_number "$summary" data_added)
  FILES_NEW[$source]=$(json_number "$summary" files_new)
  FILES_CHANGED[$source]=$(json_number "$summary" files_changed)
}
`;

/** Suffix of the online copy of a live SQLite database, snapshotted in its place; the restore renames it back. */
export const SQLITE_COPY_SUFFIX = ".homelab-copy";

/** The live files of an SQLite database that restic must not copy while the app writes them. */
const liveFiles = (db: string): string[] => [db, `${db}-wal`, `${db}-shm`, `${db}-journal`];

const SQLITE_FUNCTIONS = `
# sqlite_copies <source> <uid> <gid> <db>...: an online backup (sqlite3 .backup) of each live database
# beside it, as the dataset's owner so that no file of the app's ends up owned by root. A database
# that does not exist yet (the app never started) is skipped.
sqlite_copies() {
  local source=$1 uid=$2 gid=$3 db
  shift 3
  for db in "$@"; do
    [ -f "$db" ] || continue
    if ! setpriv --reuid="$uid" --regid="$gid" --clear-groups sqlite3 "$db" ".backup '$db${SQLITE_COPY_SUFFIX}'"; then
      echo "$source: the online copy of $db failed; its snapshot has no consistent copy" >&2
      fail 1
    fi
  done
}

# sqlite_cleanup <db>...: removes the copies once they are in the snapshot.
sqlite_cleanup() {
  local db
  for db in "$@"; do rm -f "$db${SQLITE_COPY_SUFFIX}"; done
}
`;

const DATASET_FUNCTION = `
# backup_dataset <name> <path> [exclude-pattern...]: one snapshot per dataset, tagged with its name.
backup_dataset() {
  local source=$1 path=$2 rc=0 pattern
  shift 2
  if [ ! -d "$path" ]; then
    echo "$source: $path does not exist, nothing backed up" >&2
    fail 1
    return 0
  fi
  local args=(--tag ${HOMELAB_TAG} --tag "dataset=$source" --host "$RESTIC_HOST" --exclude-caches)
  for pattern in "$@"; do args+=(--exclude "$path/$pattern"); done
  restic backup --json --quiet "\${args[@]}" "$path" >"$WORK_DIR/$source.json" || rc=$?
  record_summary "$source" "$WORK_DIR/$source.json"
  if [ "$rc" -ne 0 ]; then
    echo "$source: restic backup exited $rc" >&2
    fail "$rc"
  fi
}
`;

const POSTGRES_FUNCTIONS = `json_string() {
  sed -n "s/.*\\"$2\\":\\"\\([^\\"]*\\)\\".*/\\1/p" <<<"$1" | head -n 1
}

# backup_postgres <name> <vmid> <file-in-snapshot>: pg_dumpall inside the container, piped into restic.
# restic 0.14 has no --stdin-from-command; pipefail makes a failed dump fail the job, and the
# snapshot of the truncated stream is forgotten so that "latest" is always a complete dump.
backup_postgres() {
  local source=$1 vmid=$2 filename=$3 snapshot
  local codes=()
  set +e
  pct exec "$vmid" -- runuser -u postgres -- pg_dumpall \\
    | restic backup --json --quiet --stdin --stdin-filename "$filename" \\
        --tag ${HOMELAB_TAG} --tag "dump=$source" --host "$RESTIC_HOST" >"$WORK_DIR/$source.json"
  codes=("\${PIPESTATUS[@]}")
  set -e
  if [ "\${codes[0]}" -ne 0 ]; then
    echo "$source: pg_dumpall in container $vmid exited \${codes[0]}; the partial dump is not kept" >&2
    snapshot=$(json_string "$(summary_of "$WORK_DIR/$source.json")" snapshot_id)
    if [ -n "$snapshot" ]; then restic forget "$snapshot" >&2 || true; fi
    fail "\${codes[0]}"
    return 0
  fi
  record_summary "$source" "$WORK_DIR/$source.json"
  if [ "\${codes[1]}" -ne 0 ]; then
    echo "$source: restic backup exited \${codes[1]}" >&2
    fail "\${codes[1]}"
  fi
}
`;

function sourceCall(s: BackupSource): string {
  if (s.kind === "postgres") return ["backup_postgres", s.name, String(s.vmId), s.stdinFilename].map(shellQuote).join(" ");
  const excludes = [...s.excludes, ...s.sqlite.flatMap(liveFiles)];
  const call = ["backup_dataset", s.name, s.path, ...excludes].map(shellQuote).join(" ");
  // A pattern with $ or ` is quoted on purpose: restic must see it literally.
  const backup = s.excludes.some((e) => /[$`]/.test(e)) ? `# shellcheck disable=SC2016 # literal exclude patterns\n${call}` : call;
  if (s.sqlite.length === 0) return backup;
  const dbs = s.sqlite.map((db) => `${s.path}/${db}`);
  return [
    ["sqlite_copies", s.name, String(s.hostUid), String(s.hostGid), ...dbs].map(shellQuote).join(" "),
    backup,
    ["sqlite_cleanup", ...dbs].map(shellQuote).join(" "),
  ].join("\n");
}

/** The backup job: the Postgres dump, then one snapshot per dataset (the order of the sources). */
export function renderBackupScript(input: JobScriptInput): string {
  // Only the functions this model calls, so the script has no dead code.
  const functions = [
    SUMMARY_FUNCTIONS,
    ...(input.sources.some((s) => s.kind === "dataset") ? [DATASET_FUNCTION] : []),
    ...(input.sources.some((s) => s.kind === "dataset" && s.sqlite.length > 0) ? [SQLITE_FUNCTIONS] : []),
    ...(input.sources.some((s) => s.kind === "postgres") ? [POSTGRES_FUNCTIONS] : []),
  ];
  return `${preamble("backup", input)}
${functions.join("\n")}
${input.sources.map(sourceCall).join("\n")}

exit "$STATUS"
`;
}

/** `--keep-*` flags of the retention; a zero is left out (restic would treat it as "no policy"). */
export function keepFlags(retention: JobScriptInput["settings"]["retention"]): string[] {
  const flags: string[] = [];
  for (const [key, value] of [["daily", retention.daily], ["weekly", retention.weekly], ["monthly", retention.monthly], ["yearly", retention.yearly]] as const) {
    if (value > 0) flags.push(`--keep-${key}`, String(value));
  }
  return flags;
}

/** The prune job: retention per source (each source has its own tag), then prune unused data. */
export function renderPruneScript(input: JobScriptInput): string {
  const args = ["--prune", "--tag", HOMELAB_TAG, "--group-by", "host,tags", ...keepFlags(input.settings.retention)];
  return `${preamble("prune", input)}
restic forget ${args.join(" ")}
`;
}

/** The check job: structure, plus a random share of the pack data (downloads cost money on B2). */
export function renderCheckScript(input: JobScriptInput): string {
  return `${preamble("check", input)}
restic check --read-data-subset=${shellQuote(input.settings.checkReadDataSubset)}
`;
}

export const renderJobScript = (job: ResticJob, input: JobScriptInput): string =>
  job === "backup" ? renderBackupScript(input) : job === "prune" ? renderPruneScript(input) : renderCheckScript(input);
