import type { Service } from "../../config";
import { shellJoin } from "../shared/shell";

/** Bash functions that create a group and a user with fixed ids, failing loudly on a clash. */
export const ACCOUNT_FUNCTIONS = `ensure_group() {
  local gid="$1" name="$2"
  if getent group "$gid" >/dev/null; then return 0; fi
  if getent group "$name" >/dev/null; then
    echo "group $name exists with gid $(getent group "$name" | cut -d: -f3), expected $gid" >&2
    exit 1
  fi
  if [ "$gid" -lt 1000 ]; then groupadd --system --gid "$gid" "$name"; else groupadd --gid "$gid" "$name"; fi
}
ensure_user() {
  local uid="$1" gid="$2" name="$3" home="$4" shell="$5"
  if id -u "$name" >/dev/null 2>&1; then
    if [ "$(id -u "$name")" != "$uid" ]; then
      echo "user $name has uid $(id -u "$name"), expected $uid: its datasets would not be its own" >&2
      exit 1
    fi
    if [ "$(id -g "$name")" != "$gid" ]; then usermod --gid "$gid" "$name"; fi
    return 0
  fi
  if getent passwd "$uid" >/dev/null; then
    echo "uid $uid is taken by $(getent passwd "$uid" | cut -d: -f1), cannot create $name" >&2
    exit 1
  fi
  # Below 1000 the account is a system account, the kind a package's adduser --system accepts.
  if [ "$uid" -lt 1000 ]; then
    useradd --system --uid "$uid" --gid "$gid" --no-create-home --home-dir "$home" --shell "$shell" "$name"
  else
    useradd --uid "$uid" --gid "$gid" --no-create-home --home-dir "$home" --shell "$shell" "$name"
  fi
}
join_group() {
  local name="$1" gid="$2" group
  group="$(getent group "$gid" | cut -d: -f1)"
  if ! id -nG "$name" | tr ' ' '\\n' | grep -qx "$group"; then usermod --append --groups "$group" "$name"; fi
}
`;

/** The account's home: its first own dataset (where the app keeps state), else none. */
const accountHome = (service: Pick<Service, "name" | "mounts">): string =>
  service.mounts.find((m) => m.dataset.startsWith(`${service.name}-`) && !m.readOnly)?.path ?? "/nonexistent";

/** Service accounts do not log in; Debian's postgres account is the exception operators `su` into. */
const accountShell = (service: Pick<Service, "role">): string => (service.role === "postgres" ? "/bin/bash" : "/usr/sbin/nologin");

/**
 * Creates the service's user with the catalog uid/gid before anything is installed, so the bind-mounted
 * datasets (owned by 100000+uid on the host) belong to it, and puts it in the groups of passed-through
 * devices (e.g. the render group of /dev/dri/renderD128).
 */
export function renderAccount(service: Pick<Service, "name" | "role" | "user" | "devices" | "mounts">): string {
  const { name, uid, gid } = service.user;
  const lines: string[] = [];
  if (uid !== 0) {
    lines.push(shellJoin(["ensure_group", String(gid), name]), shellJoin(["ensure_user", String(uid), String(gid), name, accountHome(service), accountShell(service)]));
  }
  for (const gidOfDevice of [...new Set(service.devices.map((d) => d.gid).filter((g) => g !== 0))].sort((a, b) => a - b)) {
    lines.push(shellJoin(["ensure_group", String(gidOfDevice), `dev${gidOfDevice}`]));
    if (uid !== 0) lines.push(shellJoin(["join_group", name, String(gidOfDevice)]));
  }
  return lines.length === 0 ? "" : `${ACCOUNT_FUNCTIONS}${lines.join("\n")}\n`;
}
