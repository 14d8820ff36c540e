import type { ResticJob } from "./layout";

/**
 * The textfile metrics every job writes for node-exporter. The monitoring stack's alerts are written
 * against exactly these names and labels: keep them.
 */
export const METRICS = {
  firstRun: "homelab_restic_first_run_timestamp_seconds",
  lastRun: "homelab_restic_last_run_timestamp_seconds",
  lastSuccess: "homelab_restic_last_success_timestamp_seconds",
  exitStatus: "homelab_restic_last_exit_status",
  duration: "homelab_restic_duration_seconds",
  bytesAdded: "homelab_restic_bytes_added",
  filesNew: "homelab_restic_files_new",
  filesChanged: "homelab_restic_files_changed",
} as const;

const HELP: Record<keyof typeof METRICS, string> = {
  firstRun: "Unix time the restic job first started on this host; kept across runs.",
  lastRun: "Unix time the restic job last finished, successful or not.",
  lastSuccess: "Unix time the restic job last succeeded; 0 if it never did.",
  exitStatus: "Exit status of the last run of the restic job; 0 is success.",
  duration: "Wall time of the last run of the restic job in seconds.",
  bytesAdded: "Bytes the last backup added to the repository, per source.",
  filesNew: "Files the last backup found new, per source.",
  filesChanged: "Files the last backup found changed, per source.",
};

const header = (key: keyof typeof METRICS): string[] => [
  `    echo '# HELP ${METRICS[key]} ${HELP[key]}'`,
  `    echo '# TYPE ${METRICS[key]} gauge'`,
];

/** The sed that reads one of the job's own gauges back from its previous file. */
const readBack = (metric: string, variable: string): string => `    ${variable}=$(sed -n 's/^${metric}{[^}]*} \\([0-9][0-9]*\\)$/\\1/p' "$prom" | head -n 1)`;

/**
 * Bash function `record_first_run`: on the job's first start on this host (no metrics file yet) writes
 * the file with the first-run time and a last success of 0, so that BackupNeverSucceeded counts from the
 * start of a seed that runs for days, not from its end. Later runs keep that time (see write_metrics).
 */
export function renderRecordFirstRun(): string {
  return [
    "record_first_run() {",
    '  local prom="$TEXTFILE_DIR/homelab_restic_${JOB}.prom" tmp',
    '  if [ -e "$prom" ]; then return 0; fi',
    '  mkdir -p "$TEXTFILE_DIR"',
    '  tmp=$(mktemp "$TEXTFILE_DIR/.homelab_restic_${JOB}.prom.XXXXXX")',
    "  {",
    ...header("firstRun"),
    `    echo "${METRICS.firstRun}{job=\\"$JOB\\"} $STARTED"`,
    ...header("lastSuccess"),
    `    echo "${METRICS.lastSuccess}{job=\\"$JOB\\"} 0"`,
    '  } >"$tmp"',
    '  chmod 0644 "$tmp"',
    '  mv -f "$tmp" "$prom"',
    "}",
  ].join("\n");
}

/**
 * Bash function `write_metrics <exit-status>`: writes `homelab_restic_<job>.prom` atomically (a temp
 * file in the same directory, then mv) so node-exporter never reads half a file. The first-run time of
 * the previous file is always kept, and on failure its last success time. The backup job adds per-source sizes from the arrays
 * BYTES_ADDED, FILES_NEW and FILES_CHANGED, in the order of SOURCES.
 */
export function renderWriteMetrics(job: ResticJob): string {
  const perSource = job === "backup";
  const sourceBlock = (key: "bytesAdded" | "filesNew" | "filesChanged", array: string): string[] => [
    ...header(key),
    `    for source in "\${SOURCES[@]}"; do`,
    `      if [ -n "\${${array}[$source]:-}" ]; then echo "${METRICS[key]}{job=\\"$JOB\\",source=\\"$source\\"} \${${array}[$source]}"; fi`,
    `    done`,
  ];
  return [
    "# shellcheck disable=SC2317 # called from the EXIT trap",
    "write_metrics() {",
    "  local exit_status=$1 now prom tmp last_success=0 first_run=",
    "  now=$(date +%s)",
    '  prom="$TEXTFILE_DIR/homelab_restic_${JOB}.prom"',
    '  if [ -r "$prom" ]; then',
    readBack(METRICS.firstRun, "first_run"),
    "  fi",
    '  first_run=${first_run:-$STARTED}',
    '  if [ "$exit_status" -eq 0 ]; then',
    "    last_success=$now",
    '  elif [ -r "$prom" ]; then',
    readBack(METRICS.lastSuccess, "last_success"),
    '    last_success=${last_success:-0}',
    "  fi",
    '  mkdir -p "$TEXTFILE_DIR"',
    "  # node-exporter reads only *.prom, so the temp file is invisible until the mv.",
    '  tmp=$(mktemp "$TEXTFILE_DIR/.homelab_restic_${JOB}.prom.XXXXXX")',
    "  {",
    ...header("firstRun"),
    `    echo "${METRICS.firstRun}{job=\\"$JOB\\"} $first_run"`,
    ...header("lastRun"),
    `    echo "${METRICS.lastRun}{job=\\"$JOB\\"} $now"`,
    ...header("lastSuccess"),
    `    echo "${METRICS.lastSuccess}{job=\\"$JOB\\"} $last_success"`,
    ...header("exitStatus"),
    `    echo "${METRICS.exitStatus}{job=\\"$JOB\\"} $exit_status"`,
    ...header("duration"),
    `    echo "${METRICS.duration}{job=\\"$JOB\\"} $((now - STARTED))"`,
    ...(perSource
      ? [...sourceBlock("bytesAdded", "BYTES_ADDED"), ...sourceBlock("filesNew", "FILES_NEW"), ...sourceBlock("filesChanged", "FILES_CHANGED")]
      : []),
    '  } >"$tmp"',
    '  chmod 0644 "$tmp"',
    '  mv -f "$tmp" "$prom"',
    "}",
  ].join("\n");
}
