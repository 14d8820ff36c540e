import { DB_ENV_KEYS, DB_ENV_PATH } from "../db-env";
import { PUT_FILE_FUNCTION } from "../push-files";
import { shellJoin } from "../../shared/shell";
import { fetchSigningKey, type SigningKey } from "../../shared/signing-key";
import { codePointOrder } from "../../../config/order";

/**
 * Bash building blocks every recipe starts from. Each step is idempotent: it compares before it
 * changes, so a second run of a recipe changes nothing.
 */

/** Fails when an installed package's version is outside its pinned glob. */
export const CHECK_VERSION_FUNCTION = `check_version() {
  local pkg="$1" glob="$2" have
  have="$(dpkg-query -W -f='\${Version}' "$pkg" 2>/dev/null || true)"
  # shellcheck disable=SC2053 # the pin is a glob on purpose
  if [[ "\${have#*:}" != $glob ]]; then
    echo "$pkg is $have, outside the pinned $glob: this release no longer has a matching version" >&2
    exit 1
  fi
}
`;

/**
 * The one apt install every recipe uses. A 1001 pin moved back to an older glob resolves to a
 * downgrade, which `-y` alone refuses: the pin is the operator's word, so it goes through.
 */
export const APT_INSTALL_FUNCTION = `apt_install() {
  apt-get install -y --no-install-recommends --allow-downgrades -o Dpkg::Options::=--force-confold "$@"
}
`;

/** Non-interactive apt, the file writer, and the restart-on-change helper. */
export const PRELUDE = `export DEBIAN_FRONTEND=noninteractive
${PUT_FILE_FUNCTION}${CHECK_VERSION_FUNCTION}${APT_INSTALL_FUNCTION}# Restarts a unit only when the files it runs from changed since the last restart.
restart_if_changed() {
  local unit="$1" stamp sum
  shift
  stamp="/var/lib/homelab/stamps/$unit"
  mkdir -p /var/lib/homelab/stamps
  sum="$(cat "$@" | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$sum" ]; then
    systemctl restart "$unit"
    printf '%s\\n' "$sum" > "$stamp"
  fi
}
# A unit that crash-loops still lets \`systemctl restart\` return 0: each unit must be active, and stay so.
ensure_active() {
  local unit restarts
  for unit in "$@"; do
    for _ in $(seq 1 30); do
      systemctl is-active --quiet "$unit" && break
      sleep 1
    done
    restarts="$(systemctl show -p NRestarts --value "$unit")"
    sleep 3
    if ! systemctl is-active --quiet "$unit" || [ "$(systemctl show -p NRestarts --value "$unit")" != "$restarts" ]; then
      echo "$unit is not running:" >&2
      systemctl status --no-pager --lines=20 "$unit" >&2 || true
      exit 1
    fi
  done
}
apt-get update -qq
apt_install ca-certificates curl gnupg
`;

/** A vendor apt repository: key, source and version pins. */
export interface AptRepo {
  /** Short name used for the key, list and preferences files. */
  readonly name: string;
  /** The signing key and its pinned fingerprint; a key without it is refused. */
  readonly key: SigningKey;
  /** File name under /etc/apt/keyrings: .asc for an armored key, .gpg for a binary keyring. */
  readonly keyFile: string;
  /** Store an armored key as a binary keyring (for a `.gpg` keyFile when the key's format is not known). */
  readonly dearmor?: boolean;
  readonly uri: string;
  /**
   * The suite as the vendor names it, or the Debian release codenames it publishes a suite for: then
   * the container's own codename is used, and any other release fails by name.
   */
  readonly suite: string | readonly string[];
  readonly components: readonly string[];
  /** Package → apt version glob, enforced by a 1001 pin so upgrades never move past it. */
  readonly pins: Readonly<Record<string, string>>;
}

/** Adds a vendor repository: key verified, list and pins rewritten only on change. */
export function aptRepo(repo: AptRepo): string {
  const key = `/etc/apt/keyrings/${repo.keyFile}`;
  const lines = [fetchSigningKey(repo.key, key, repo.dearmor ?? false).trimEnd()];
  const list = `/etc/apt/sources.list.d/${repo.name}.list`;
  const components = repo.components.join(" ");
  if (typeof repo.suite === "string") {
    lines.push(`put_file ${list} 0644 root:root <<'EOF'`, `deb [signed-by=${key}] ${repo.uri} ${repo.suite} ${components}`, "EOF");
  } else {
    const suites = [...repo.suite].sort(codePointOrder);
    lines.push(
      'codename="$(sed -n \'s/^VERSION_CODENAME=//p\' /etc/os-release)"',
      `case "$codename" in`,
      `  ${suites.join("|")}) ;;`,
      `  *) echo "the ${repo.name} repository publishes suites for ${suites.join(", ")}, not for this container's '$codename'" >&2; exit 1 ;;`,
      "esac",
      `printf ${shellJoin([`deb [signed-by=${key}] ${repo.uri} %s ${components}\\n`])} "$codename" | put_file ${list} 0644 root:root`,
    );
  }
  const pins = Object.entries(repo.pins)
    .sort(([a], [b]) => codePointOrder(a, b))
    .map(([pkg, version]) => `Package: ${pkg}\nPin: version ${version}\nPin-Priority: 1001\n`);
  lines.push(`put_file /etc/apt/preferences.d/${repo.name} 0644 root:root <<'EOF'`, pins.join("\n").trimEnd(), "EOF");
  lines.push("apt-get update -qq");
  return `${lines.join("\n")}\n`;
}

/**
 * Debian packages pinned to upstream versions that stay resolvable (`2.53.*`, never an exact Debian
 * revision, which leaves the archive at the next point release): a 1001 pin keeps upgrades within
 * the glob, and after the install each package's version is checked against it, so a release that
 * no longer has a match fails here, by name, instead of installing something else.
 */
export function debianPinned(name: string, pins: Readonly<Record<string, string>>): string {
  const entries = Object.entries(pins).sort(([a], [b]) => codePointOrder(a, b));
  const prefs = entries.map(([pkg, glob]) => `Package: ${pkg}\nPin: version ${glob}\nPin-Priority: 1001\n`).join("\n");
  return `put_file /etc/apt/preferences.d/homelab-${name} 0644 root:root <<'EOF'
${prefs.trimEnd()}
EOF
apt_install ${entries.map(([pkg]) => pkg).join(" ")}
${entries.map(([pkg, glob]) => `check_version ${shellJoin([pkg, glob])}`).join("\n")}
`;
}


/**
 * Reads the database settings SharedPostgres hands over into shell variables of the same names,
 * without sourcing the file (its values are data, not shell).
 */
export const READ_DB_ENV = `${DB_ENV_KEYS.map((k) => `${k}=""`).join("\n")}
read_db_env() {
  local key line value found
  for key in ${DB_ENV_KEYS.join(" ")}; do
    found=0
    value=""
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in
        "$key="*) value="\${line#*=}"; found=1 ;;
      esac
    done < ${DB_ENV_PATH}
    if [ "$found" != 1 ]; then
      echo "${DB_ENV_PATH} has no $key" >&2
      exit 1
    fi
    case "$value" in
      \\"*\\" | \\'*\\') value="\${value:1:\${#value}-2}" ;;
    esac
    printf -v "$key" '%s' "$value"
  done
}
urlencode() {
  local s="$1" out="" c i
  for ((i = 0; i < \${#s}; i++)); do
    c="\${s:i:1}"
    case "$c" in
      [a-zA-Z0-9.~_-]) out+="$c" ;;
      *) printf -v c '%%%02X' "'$c"; out+="$c" ;;
    esac
  done
  printf '%s' "$out"
}
read_db_env
`;
