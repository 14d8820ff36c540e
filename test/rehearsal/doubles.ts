import { LXC_PATH } from "./lab";

/**
 * The two tools the host double puts on the stand-in host's PATH. `pct` is Proxmox's container tool,
 * with the subcommands the program's commands call, on top of LXC. `systemctl` stands in for the
 * host's systemd, which this machine does not run: it records enablement and runs a service's
 * commands directly, the way systemd would start it once.
 */

export const PCT_DOUBLE = `#!/bin/bash
# pct stand-in for the rehearsal: Proxmox's container tool on top of LXC (${LXC_PATH}).
set -euo pipefail
P=${LXC_PATH}
usage() { echo "pct (rehearsal stand-in): unsupported call: pct $*" >&2; exit 2; }
state() { lxc-info -P "$P" -n "$1" -sH 2>/dev/null || echo MISSING; }
need() { [ -f "$P/$1/config" ] || { echo "Configuration file 'nodes/pve/lxc/$1.conf' does not exist" >&2; exit 2; }; }
cmd="\${1:-}"; shift || true
case "$cmd" in
  exec)
    vmid="$1"; shift; need "$vmid"
    [ "\${1:-}" = "--" ] && shift
    [ "$(state "$vmid")" = RUNNING ] || { echo "CT $vmid not running" >&2; exit 255; }
    exec lxc-attach -P "$P" -n "$vmid" --clear-env -v PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin -v HOME=/root -v LANG=C.UTF-8 -- "$@" ;;
  status)
    vmid="$1"; need "$vmid"
    case "$(state "$vmid")" in RUNNING) echo "status: running" ;; *) echo "status: stopped" ;; esac ;;
  start)
    vmid="$1"; need "$vmid"
    [ "$(state "$vmid")" = RUNNING ] && { echo "CT $vmid already running" >&2; exit 255; }
    lxc-start -P "$P" -n "$vmid" && lxc-wait -P "$P" -n "$vmid" -s RUNNING -t 30 ;;
  stop)
    vmid="$1"; need "$vmid"
    lxc-stop -P "$P" -n "$vmid" -k ;;
  push)
    vmid="$1" src="$2" dst="$3"; need "$vmid"
    lxc-attach -P "$P" -n "$vmid" --clear-env -- /bin/sh -c 'cat > "$1"' sh "$dst" < "$src" ;;
  pull)
    vmid="$1" src="$2" dst="$3"; need "$vmid"
    lxc-attach -P "$P" -n "$vmid" --clear-env -- /bin/cat "$src" > "$dst" ;;
  *) usage "$cmd" "$@" ;;
esac
`;

/** State of the systemctl stand-in, inside the stand-in host. */
export const SYSTEMCTL_STATE = "/run/homelab-rehearsal-systemctl";

export const SYSTEMCTL_DOUBLE = `#!/bin/bash
# systemctl stand-in for the rehearsal's host, which has no systemd: it checks that units exist,
# records what is enabled and started, and starts a service by running its commands once, in order.
set -euo pipefail
S=${SYSTEMCTL_STATE}
mkdir -p "$S/enabled" "$S/active"
unit_file() {
  local u="$1" d
  for d in /etc/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
    [ -f "$d/$u" ] && { echo "$d/$u"; return 0; }
  done
  echo "Unit $u not found." >&2; return 5
}
# Values of one key of a unit's [Service] section, in order.
values() { awk -v key="$2" -F= '/^\\[/{s=$0} s=="[Service]" && $1==key {sub(/^[^=]*=/, ""); print}' "$1"; }
start_service() {
  local u="$1" f line envs=() exe
  f="$(unit_file "$u")"
  while IFS= read -r line; do [ -n "$line" ] && envs+=("$line"); done < <(values "$f" Environment)
  while IFS= read -r line; do
    line="\${line#-}"
    [ -f "$line" ] && while IFS= read -r kv; do case "$kv" in ''|'#'*) ;; *) envs+=("$kv") ;; esac; done < "$line"
  done < <(values "$f" EnvironmentFile)
  for key in ExecStartPre ExecStart ExecStartPost; do
    while IFS= read -r exe; do
      [ -n "$exe" ] || continue
      local ignore=0
      while [[ "$exe" == [-+!@:]* ]]; do [[ "$exe" == -* ]] && ignore=1; exe="\${exe:1}"; done
      # shellcheck disable=SC2086 # ExecStart= is split into words, as systemd does for plain words.
      if ! env "\${envs[@]}" $exe; then [ "$ignore" = 1 ] || { echo "$u: $exe failed" >&2; return 1; }; fi
    done < <(values "$f" "$key")
  done
}
now=0; args=()
for a in "$@"; do case "$a" in --now) now=1 ;; --quiet|-q|--no-pager) ;; *) args+=("$a") ;; esac; done
verb="\${args[0]:-}"; units=("\${args[@]:1}")
case "$verb" in
  daemon-reload) ;;
  enable)
    for u in "\${units[@]}"; do unit_file "$u" >/dev/null; touch "$S/enabled/$u"; if [ "$now" = 1 ]; then case "$u" in *.service) start_service "$u" ;; esac; touch "$S/active/$u"; fi; done ;;
  start|restart)
    for u in "\${units[@]}"; do case "$u" in *.service) start_service "$u" ;; *) unit_file "$u" >/dev/null ;; esac; touch "$S/active/$u"; done ;;
  is-active)
    for u in "\${units[@]}"; do [ -e "$S/active/$u" ] || { echo inactive; exit 3; }; done; echo active ;;
  is-enabled)
    for u in "\${units[@]}"; do [ -e "$S/enabled/$u" ] || { echo disabled; exit 1; }; done; echo enabled ;;
  *) echo "systemctl (rehearsal stand-in): unsupported: systemctl $*" >&2; exit 2 ;;
esac
`;
