import type { HostLayout } from "./layout";
import { shellQuote } from "../shared/shell";
import { HOMELAB_TAG } from "./sources";

/** The tag of a stack's state snapshots; prune keeps them under the same retention as every source. */
export const stateTag = (stack: string): string => `state=${stack}`;

/**
 * The host tool that keeps the Pulumi state in the restic repository. The state lives wherever
 * `pulumi` runs, not on the host, so the user pipes an export in (`pulumi stack export` keeps the
 * secrets in it encrypted under the stack's passphrase, and restic encrypts it again) and reads it
 * back for `pulumi stack import`. RESTORE.md is the runbook.
 */
export function renderStateScript(input: { readonly resticHost: string; readonly layout: HostLayout }): string {
  return `#!/usr/bin/env bash
# homelab restic state: keeps \`pulumi stack export\` in the restic repository and gives it back.
# Rendered by \`pulumi up\`; RESTORE.md is the runbook.
set -euo pipefail

ENV_FILE="\${HOMELAB_RESTIC_ENV:-${input.layout.envFile}}"
LOCK_FILE="\${HOMELAB_RESTIC_LOCK:-${input.layout.lockFile}}"
RESTIC_HOST="\${HOMELAB_RESTIC_HOST:-${shellQuote(input.resticHost)}}"

usage() {
  cat <<'USAGE' >&2
usage:
  pulumi stack export | homelab-restic-state save STACK
      keep the export (read from stdin) as a snapshot of STACK's state
  homelab-restic-state restore STACK [SNAPSHOT] >state.json
      write STACK's latest (or the given) state export to stdout, for pulumi stack import
  homelab-restic-state snapshots STACK
      list the state snapshots
USAGE
  exit 64
}

die() {
  echo "homelab-restic-state: $*" >&2
  exit 1
}

[ $# -ge 1 ] || usage
verb=$1
stack=\${2:-}
case "$verb" in
  save | restore | snapshots) [[ "$stack" =~ ^[A-Za-z0-9._-]+$ ]] || usage ;;
  *) usage ;;
esac

set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a

case "$verb" in
  save)
    tmp=$(mktemp)
    trap 'rm -f "$tmp"' EXIT
    cat >"$tmp"
    # An empty or cut-short export is no state to keep: it must be one JSON object with a deployment.
    [ -s "$tmp" ] || die "stdin is empty: pipe \\\`pulumi stack export\\\` into it"
    if [ "$(head -c 1 "$tmp")" != "{" ] || ! grep -q '"deployment"' "$tmp"; then die "stdin is not a pulumi stack export"; fi
    # Beside the backup jobs, never during a prune.
    exec 9>"$LOCK_FILE"
    flock 9
    restic backup --quiet --stdin --stdin-filename "pulumi-state-$stack.json" \\
      --tag ${HOMELAB_TAG} --tag "state=$stack" --host "$RESTIC_HOST" <"$tmp"
    echo "homelab-restic-state: kept the state of $stack" >&2
    ;;
  restore)
    restic dump --tag "state=$stack" "\${3:-latest}" "/pulumi-state-$stack.json"
    ;;
  snapshots)
    restic snapshots --tag "state=$stack"
    ;;
esac
`;
}
