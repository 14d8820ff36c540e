import { contentHash } from "../shared/hash";
import { shellJoin, shellQuote } from "../shared/shell";
import type { FetchedFile } from "./types";
import { securityUpdatesStep } from "./recipes/security-updates";
import { codePointOrder } from "../../config/order";

/** A non-secret file with its content resolved, ready to render into the push script. */
export interface ResolvedFile {
  readonly path: string;
  readonly content: string;
  readonly mode: string;
  readonly owner: string;
}

/**
 * Writes a file only when its bytes differ, then (re)applies mode and owner: running it twice changes
 * nothing. Existing parent directories keep their mode (mkdir -p, never install -d).
 */
export const PUT_FILE_FUNCTION = `put_file() {
  local path="$1" mode="$2" owner="$3" tmp
  mkdir -p "$(dirname "$path")"
  tmp="$(mktemp "$path.XXXXXX")"
  cat > "$tmp"
  if cmp -s "$tmp" "$path"; then rm -f "$tmp"; else mv -f "$tmp" "$path"; fi
  chmod "$mode" "$path"
  chown "$owner" "$path"
}
`;

/** Chooses a heredoc delimiter that no line of the payload equals. */
function delimiter(payload: string): string {
  const lines = `\n${payload}\n`;
  let n = 0;
  while (lines.includes(`\nHOMELAB_EOF_${n}\n`)) n++;
  return `HOMELAB_EOF_${n}`;
}

/**
 * The script that prepares a container: the service's account, then every non-secret file. Contents
 * travel base64-encoded inside quoted heredocs, so no byte of them is ever interpreted by a shell.
 */
export function renderPushFiles(account: string, files: readonly ResolvedFile[]): string {
  const out = ["#!/bin/bash", "set -euo pipefail", "umask 022", account.trimEnd(), PUT_FILE_FUNCTION.trimEnd()].filter((l) => l !== "");
  for (const f of [...files].sort((a, b) => codePointOrder(a.path, b.path))) {
    const encoded = Buffer.from(f.content, "utf8").toString("base64").replace(/.{1,76}/g, "$&\n");
    const eof = delimiter(encoded);
    out.push(`base64 -d <<'${eof}' | ${shellJoin(["put_file", f.path, f.mode, f.owner])}`, `${encoded}${eof}`);
  }
  return `${out.join("\n")}\n`;
}

/**
 * The script, run by `sh` inside the container, that writes one secret file: the content arrives on
 * stdin only, lands in a 0600 temporary file, and replaces the target atomically when it differs.
 */
export function secretFileScript(path: string, mode: string, owner: string): string {
  return [
    "set -eu",
    "umask 077",
    `path=${shellQuote(path)}`,
    'mkdir -p "$(dirname "$path")"',
    'tmp="$(mktemp "$path.XXXXXX")"',
    'cat > "$tmp"',
    // Same bytes: the file stays as it is (a second run rewrites nothing), only mode and owner are reapplied.
    'if cmp -s "$tmp" "$path"; then rm -f "$tmp"; else mv -f "$tmp" "$path"; fi',
    `chmod ${shellQuote(mode)} "$path"`,
    `chown ${shellQuote(owner)} "$path"`,
  ].join("; ");
}

/**
 * Starts the container when it is not running (stopped by hand, or not yet up after a host reboot), so
 * that `pct exec` behind it works; when it will not start, says so and stops the command there.
 */
export const ensureRunningCommand = (vmId: number): string =>
  `{ pct status ${vmId} | grep -q running || pct start ${vmId} || { echo "container ${vmId} is not running and pct start ${vmId} failed" >&2; false; }; }`;

/** `pct exec` in the container, after making sure it runs. */
const pctExec = (vmId: number, argv: readonly string[]): string => `${ensureRunningCommand(vmId)} && ${shellJoin(["pct", "exec", String(vmId), "--", ...argv])}`;

/** The host command for a secret file: nothing secret is on this command line. */
export const secretFileCommand = (vmId: number, path: string, mode: string, owner: string): string =>
  pctExec(vmId, ["sh", "-c", secretFileScript(path, mode, owner)]);

/**
 * The host command that fetches a pinned file and writes it into the container: downloaded to a
 * cache on the host once, its sha256 checked (when pinned) every time before it is written.
 */
export function fetchFileCommand(vmId: number, file: FetchedFile): string {
  const cache = `/var/lib/homelab/fetched/${contentHash(file.url).slice(0, 16)}`;
  const lines = [
    "set -eu",
    `cache=${shellQuote(cache)}`,
    'if [ ! -s "$cache" ]; then',
    '  mkdir -p "$(dirname "$cache")"',
    `  curl -fsSL --retry 3 ${shellQuote(file.url)} -o "$cache.tmp"`,
    '  mv "$cache.tmp" "$cache"',
    "fi",
  ];
  if (file.sha256) {
    lines.push(
      'have="$(sha256sum "$cache" | cut -d" " -f1)"',
      `if [ "$have" != ${shellQuote(file.sha256)} ]; then`,
      `  echo ${shellQuote(`${file.url} has sha256 `)}"$have"${shellQuote(`, not the pinned ${file.sha256}`)} >&2`,
      '  rm -f "$cache"',
      "  exit 1",
      "fi",
    );
  }
  lines.push(`${secretFileCommand(vmId, file.path, "0755", "root:root")} < "$cache"`);
  return lines.join("\n");
}

/** The host command that runs a script fed on stdin inside the container. */
export const execStdinCommand = (vmId: number): string => pctExec(vmId, ["bash", "-s"]);

/**
 * The sed expression that prints the host of each apt source: a one-line `deb`/`deb-src` entry, with
 * or without `[options]` (which may hold paths such as `signed-by=/usr/share/...`), or a deb822 `URIs:`
 * line; commented lines and a port are left out, so the result is a name `getent hosts` can resolve.
 */
export const APT_HOST_SED = String.raw`s#^[[:space:]]*(deb(-src)?[[:space:]]+(\[[^]]*\][[:space:]]+)?|URIs:[[:space:]]*)https?://([^/:[:space:]]+).*#\4#p`;

/**
 * A container on its first boot may still be starting systemd and its network when its recipe
 * arrives: wait, bounded, for systemd to finish booting and for the apt sources' host to resolve.
 */
export const WAIT_FOR_BOOT = `for _ in $(seq 1 90); do
  case "$(systemctl is-system-running 2>/dev/null || true)" in running|degraded) break ;; esac
  sleep 1
done
apt_host="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | sed -nE '${APT_HOST_SED}' | head -n 1 || true)"
for _ in $(seq 1 60); do
  getent hosts "\${apt_host:-deb.debian.org}" >/dev/null && break
  sleep 1
done
getent hosts "\${apt_host:-deb.debian.org}" >/dev/null || { echo "\${apt_host:-deb.debian.org} does not resolve after 60 s: check the container's DNS (homelab:network.dns)" >&2; exit 1; }
`;

/** Where a recipe's output goes inside its container: root's only, since a recipe may print a secret. */
export const recipeLogPath = (step: string): string => `/var/log/homelab/${step}.log`;

/**
 * Sends everything the recipe prints to a 0600 log in the container and, when it fails, tells the
 * host only the failing line, its command as written (recipes hold no secret in their text, secrets
 * arrive in files) and the log's path. The output itself never leaves the container, so a recipe that
 * reads secrets can fail loudly without `logging` showing them.
 */
function logToFile(step: string, vmId: number | undefined): string {
  const log = shellQuote(recipeLogPath(step));
  return `homelab_log=${log}
mkdir -p "$(dirname "$homelab_log")"
chmod 0700 "$(dirname "$homelab_log")"
(umask 077; : >"$homelab_log")
chmod 0600 "$homelab_log"
exec 3>&2 >"$homelab_log" 2>&1
homelab_step="an exit of its own (the last lines of the log say why)"
homelab_line="?"
# The first failure is the one that ends the script; the ones after it are its callers unwinding.
trap 'if [ "$homelab_line" = "?" ]; then homelab_line=$LINENO; homelab_step=$BASH_COMMAND; fi' ERR
homelab_failed() {
  local status=$?
  [ "$status" -eq 0 ] && return 0
  printf '%s: recipe %s failed with exit status %s at line %s: %s\n' "$(hostname)" ${shellQuote(step)} "$status" "$homelab_line" "$homelab_step" >&3
  printf 'its output is in %s in the container: pct exec ${vmId ?? "<vmid>"} -- cat %s\n' "$homelab_log" "$homelab_log" >&3
}
trap homelab_failed EXIT
`;
}

/**
 * What `bash -s` receives for a recipe: strict mode, its output into the container's log for `step`,
 * the wait for a booted container, Debian's security updates (every container has a recipe), then
 * the recipe.
 */
export const renderRecipeScript = (script: string, step = "recipe", vmId?: number): string =>
  `#!/bin/bash\nset -Eeuo pipefail\n${logToFile(step, vmId)}${WAIT_FOR_BOOT}${securityUpdatesStep()}${script.trimEnd()}\n`;
