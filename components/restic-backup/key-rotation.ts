import { shellQuote } from "../shared/shell";

/**
 * Writes the repository password from stdin and, when it changed, moves it into the repository first.
 *
 * The host keeps the old password until the repository holds a key for the new one: the new password
 * is staged beside the old, added as a key with the old (`restic key add --new-password-file`, so it
 * never reaches an argv), proven to open the repository, and only then are the keys the old password
 * opens removed and the staged file moved into place. Every step checks the repository rather than
 * remembering what it did, so a run cut short anywhere finishes on the next one. When neither password
 * opens an existing repository (a network error, a foreign password) the old file stays and the run
 * fails, since moving the new one in would leave no working password on the host.
 */
export function renderPasswordRotation(envFile: string, passwordFile: string): string {
  const cur = shellQuote(passwordFile);
  const staged = shellQuote(`${passwordFile}.new`);
  const dir = shellQuote(passwordFile.slice(0, passwordFile.lastIndexOf("/")) || "/");
  return `set -eu; umask 077; mkdir -p ${dir}
tmp=$(mktemp ${staged}.XXXXXX); cat >"$tmp"; chmod 0600 "$tmp"; mv -f "$tmp" ${staged}; chmod 0600 ${staged}
set -a; . ${shellQuote(envFile)}; set +a
opens() { RESTIC_PASSWORD_FILE="$1" restic cat config >/dev/null 2>&1; }
missing() { out=$(RESTIC_PASSWORD_FILE="$1" restic cat config 2>&1 >/dev/null) && return 1; case "$out" in *"Is there a repository"*|*"repository does not exist"*) return 0;; esac; return 1; }
if [ -s ${cur} ] && ! cmp -s ${staged} ${cur}; then
  if ! opens ${staged}; then
    if opens ${cur}; then
      echo "restic password rotation: adding a key for the new password"
      RESTIC_PASSWORD_FILE=${cur} restic key add --new-password-file ${staged}
      opens ${staged} || { echo "restic password rotation: the new key does not open $RESTIC_REPOSITORY; ${cur} left unchanged" >&2; exit 1; }
    elif ! missing ${cur}; then
      echo "restic password rotation: neither the current nor the new password opens $RESTIC_REPOSITORY; ${cur} left unchanged, the new one staged in ${staged}" >&2
      exit 1
    fi
  fi
  if opens ${staged}; then
    removed=0
    while opens ${cur}; do
      id=$(RESTIC_PASSWORD_FILE=${cur} restic key list --json | grep -o '"current":true,"id":"[0-9a-f]*"' | cut -d'"' -f6)
      [ -n "$id" ] || { echo "restic password rotation: the old password's key was not found in the key list" >&2; exit 1; }
      echo "restic password rotation: removing the old password's key $id"
      RESTIC_PASSWORD_FILE=${staged} restic key remove "$id"
      removed=$((removed + 1)); [ "$removed" -lt 10 ] || { echo "restic password rotation: the old password still opens the repository" >&2; exit 1; }
    done
  fi
fi
# The same password again rewrites nothing, so a converge that changed nothing leaves the file as it was.
if cmp -s ${staged} ${cur}; then rm -f ${staged}; else mv -f ${staged} ${cur}; fi; chmod 0600 ${cur}`;
}
