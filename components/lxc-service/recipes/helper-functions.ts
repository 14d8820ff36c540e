/**
 * The function interface community-scripts/ProxmoxVE install scripts expect in `$FUNCTIONS_FILE_PATH`
 * (they run `source /dev/stdin <<<"$FUNCTIONS_FILE_PATH"`, then call color, verb_ip6, catch_errors,
 * setting_up_container, network_check, update_os, msg_info/msg_ok/msg_error, `$STD`, motd_ssh,
 * customize, cleanup_lxc). This is the homelab's own implementation for a run without a terminal:
 * plain lines instead of colours and spinners, no prompts, no changes to locale, timezone, motd, SSH
 * or getty, and every failure stops the script with the line and command that failed.
 */
export const HELPER_FUNCTIONS = `# shellcheck shell=bash
# Output decoration the scripts interpolate into their messages: plain text, no escape codes.
color() {
  # shellcheck disable=SC2034 # read by the install scripts
  YW="" YWB="" BL="" RD="" GN="" DGN="" BGN="" CL="" BOLD="" BFR="" HOLD="" TAB="" CM="[ok] " CROSS="[failed] " INFO="" NETWORK="" GATEWAY="" DEFAULT="" CREATING=""
  RETRY_NUM=10
  RETRY_EVERY=3
}
# Runs a command quietly; on failure shows the end of its output, so a log says why.
silent() {
  local log rc=0
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "[failed] $* exited $rc; its last output:" >&2
    tail -n 40 "$log" >&2
  fi
  rm -f "$log"
  return "$rc"
}
# VERBOSE=yes shows every command's output; otherwise $STD is silent.
verb_ip6() {
  if [ "\${VERBOSE:-no}" = "yes" ]; then STD=""; else STD="silent"; fi
}
error_handler() {
  local rc="$?"
  echo "[failed] line $1: exit code $rc: $2" >&2
  exit "$rc"
}
catch_errors() {
  set -Eeuo pipefail
  trap 'error_handler "$LINENO" "$BASH_COMMAND"' ERR
}
msg_info() { printf '%s ...\\n' "$1"; }
msg_ok() { printf '[ok] %s\\n' "$1"; }
msg_warn() { printf '[warning] %s\\n' "$1" >&2; }
msg_error() { printf '[failed] %s\\n' "$1" >&2; }
# Waits for the container's address; locale and timezone stay as the template has them.
setting_up_container() {
  local i
  msg_info "Waiting for the container's network"
  for ((i = RETRY_NUM; i > 0; i--)); do
    [ -n "$(hostname -I 2>/dev/null | tr -d ' ')" ] && break
    sleep "$RETRY_EVERY"
  done
  if [ -z "$(hostname -I 2>/dev/null | tr -d ' ')" ]; then
    msg_error "no network address after $RETRY_NUM tries"
    exit 1
  fi
  msg_ok "Network address $(hostname -I | tr -d ' ')"
}
# Name resolution is what the downloads need; a failure stops here instead of asking whether to go on.
network_check() {
  local host="\${NETWORK_CHECK_HOST:-github.com}"
  if ! getent hosts "$host" >/dev/null; then
    msg_error "$host does not resolve: check the container's DNS"
    exit 1
  fi
  msg_ok "$host resolves"
}
update_os() {
  msg_info "Updating the container's packages"
  $STD apt-get update
  $STD apt-get -o Dpkg::Options::=--force-confold -y dist-upgrade
  msg_ok "Updated the container's packages"
}
# The homelab manages logins and updates itself: no motd, SSH, autologin or update command changes.
motd_ssh() { :; }
customize() { :; }
cleanup_lxc() {
  $STD apt-get -y autoremove
  $STD apt-get -y autoclean
  msg_ok "Cleaned up"
}
# A function from the project's other libraries (tools.func) is not provided: say so by name.
command_not_found_handle() {
  echo "[failed] $1: not a command here, nor one of the install.func functions this homelab provides; install the app with the compose, debian or script method instead" >&2
  return 127
}
`;
