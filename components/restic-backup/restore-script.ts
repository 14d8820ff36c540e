import type { HostLayout } from "./layout";
import { shellQuote } from "../shared/shell";
import { SQLITE_COPY_SUFFIX } from "./job-scripts";
import { HOMELAB_TAG, type BackupSource } from "./sources";

export interface RestoreScriptInput {
  readonly sources: readonly BackupSource[];
  readonly resticHost: string;
  readonly layout: HostLayout;
}

/**
 * The restore tool on the host: list snapshots, restore one dataset into a new directory, restore the
 * Postgres dump into the Postgres container, or write the dump to a file. Run by hand (RESTORE.md).
 */
export function renderRestoreScript(input: RestoreScriptInput): string {
  const datasets = input.sources.filter((s) => s.kind === "dataset");
  const postgres = input.sources.find((s) => s.kind === "postgres");
  const datasetCases = datasets.map((d) => `    ${shellQuote(d.name)}) echo ${shellQuote(d.path)} ;;`).join("\n");
  const sqliteCases = datasets
    .filter((d) => d.sqlite.length > 0)
    .map((d) => `    ${shellQuote(d.name)}) printf '%s\\n' ${d.sqlite.map(shellQuote).join(" ")} ;;`)
    .join("\n");
  const datasetNames = datasets.map((d) => d.name).join(" ");
  return `#!/usr/bin/env bash
# homelab restic restore: brings back a dataset or the Postgres dump from the restic repository.
# Rendered from Pulumi.homelab.yaml by \`pulumi up\`; RESTORE.md is the runbook.
set -euo pipefail

ENV_FILE="\${HOMELAB_RESTIC_ENV:-${input.layout.envFile}}"
# Snapshots are looked up by the host name they were made under; set this when restoring the
# backups of a node that had another name.
RESTIC_HOST="\${HOMELAB_RESTIC_HOST:-${shellQuote(input.resticHost)}}"
POSTGRES_VMID="\${HOMELAB_POSTGRES_VMID:-${postgres?.kind === "postgres" ? postgres.vmId : ""}}"
DUMP_FILE=${shellQuote(`/${postgres?.kind === "postgres" ? postgres.stdinFilename : "postgres/pg_dumpall.sql"}`)}

usage() {
  cat <<'USAGE'
usage:
  homelab-restic-restore snapshots [SOURCE]
      list the snapshots (of one dataset, or of "postgres")
  homelab-restic-restore dataset NAME TARGET_DIR [SNAPSHOT]
      restore a dataset into TARGET_DIR, which must not exist or be empty (default SNAPSHOT: latest)
  homelab-restic-restore postgres [--drop-existing] [SNAPSHOT]
      load the pg_dumpall dump into the Postgres container; refuses a cluster that already has
      databases other than postgres unless --drop-existing (which drops them WITH (FORCE))
  homelab-restic-restore postgres-file FILE [SNAPSHOT]
      write the dump to FILE
USAGE
}

die() {
  echo "homelab-restic-restore: $*" >&2
  exit 1
}

# The host path each dataset was backed up from.
dataset_path() {
  case "$1" in
${datasetCases}
    *) die "unknown dataset '$1' (backed up: ${datasetNames})" ;;
  esac
}

# The live SQLite databases of each dataset, relative to it, one a line: the backup snapshotted an
# online copy of each in its place.
dataset_sqlite() {
  case "$1" in
${sqliteCases ? `${sqliteCases}\n` : ""}    *) ;;
  esac
}

set -a
# shellcheck source=/dev/null
. "$ENV_FILE"
set +a

list_snapshots() {
  local tags=${HOMELAB_TAG}
  if [ -n "\${1:-}" ]; then
    if [ "$1" = postgres ]; then tags="$tags,dump=postgres"; else tags="$tags,dataset=$1"; fi
  fi
  restic snapshots --tag "$tags"
}

restore_dataset() {
  local name=$1 target=$2 snapshot=\${3:-latest} path parent staging db
  path=$(dataset_path "$name")
  if [ -e "$target" ] && [ -n "$(ls -A "$target")" ]; then
    die "$target is not empty; restore into a new or empty directory, then swap it in"
  fi
  parent=$(dirname "$target")
  mkdir -p "$parent"
  # restic restores the full original path below --target; restoring next to the target and
  # renaming the dataset directory into place keeps owners, modes and times exactly.
  staging=$(mktemp -d "$parent/.homelab-restore.XXXXXX")
  restic restore "$snapshot" --host "$RESTIC_HOST" --tag "${HOMELAB_TAG},dataset=$name" --path "$path" --target "$staging"
  if [ ! -d "$staging$path" ]; then
    rm -rf "$staging"
    die "snapshot $snapshot holds no $path"
  fi
  if [ -d "$target" ]; then rmdir "$target"; fi
  mv "$staging$path" "$target"
  rm -rf "$staging"
  # A live SQLite database was snapshotted as its online copy: put the copy in its place. Only the
  # copies the backup made; any other file with that suffix is the app's, and comes back as it was.
  while IFS= read -r db; do
    if [ -f "$target/$db${SQLITE_COPY_SUFFIX}" ]; then mv -f "$target/$db${SQLITE_COPY_SUFFIX}" "$target/$db"; fi
  done < <(dataset_sqlite "$name")
  echo "restored $name ($path, snapshot $snapshot) into $target"
}

in_postgres() {
  [ -n "$POSTGRES_VMID" ] || die "this homelab has no Postgres server"
  pct exec "$POSTGRES_VMID" -- runuser -u postgres -- "$@"
}

dump_to() {
  restic dump --host "$RESTIC_HOST" --tag "${HOMELAB_TAG},dump=postgres" "$1" "$DUMP_FILE"
}

restore_postgres() {
  local drop=false snapshot=latest existing db errors status
  local codes=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --drop-existing) drop=true ;;
      -*) usage >&2; exit 2 ;;
      *) snapshot=$1 ;;
    esac
    shift
  done
  existing=$(in_postgres psql -X -A -t -d postgres -c "SELECT datname FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1') ORDER BY 1")
  if [ -n "$existing" ]; then
    if [ "$drop" != true ]; then
      die "the cluster already has databases ($(echo "$existing" | tr '\\n' ' ')); stop the apps and rerun with --drop-existing"
    fi
    while IFS= read -r db; do
      echo "dropping database $db"
      printf 'DROP DATABASE :"db" WITH (FORCE);\\n' | in_postgres psql -X -q -v ON_ERROR_STOP=1 -v db="$db" -d postgres
    done <<<"$existing"
  fi
  errors=$(mktemp)
  set +e
  dump_to "$snapshot" | in_postgres psql -X -q -d postgres >/dev/null 2>"$errors"
  codes=("\${PIPESTATUS[@]}")
  set -e
  status=0
  [ "\${codes[0]}" -eq 0 ] || { echo "restic dump exited \${codes[0]}" >&2; status=1; }
  [ "\${codes[1]}" -eq 0 ] || { echo "psql exited \${codes[1]}" >&2; status=1; }
  # pg_dumpall re-creates every role, including the one psql runs as; "already exists" is expected
  # (the ALTER ROLE that follows sets its attributes). Any other error fails the restore.
  if grep 'ERROR:' "$errors" | grep -v 'ERROR:  role ".*" already exists' >&2; then status=1; fi
  rm -f "$errors"
  [ "$status" -eq 0 ] || die "the Postgres restore reported errors (above)"
  echo "restored the Postgres dump (snapshot $snapshot) into container $POSTGRES_VMID"
}

command=\${1:-}
if [ $# -gt 0 ]; then shift; fi
case "$command" in
  snapshots) list_snapshots "$@" ;;
  dataset)
    [ $# -ge 2 ] || { usage >&2; exit 2; }
    restore_dataset "$@"
    ;;
  postgres) restore_postgres "$@" ;;
  postgres-file)
    [ $# -ge 1 ] || { usage >&2; exit 2; }
    dump_to "\${2:-latest}" >"$1"
    ;;
  *) usage >&2; exit 2 ;;
esac
`;
}
