import { shellJoin } from "../shared/shell";

/** Debian package names only: they end up on a root command line. */
export const isDebianPackageName = (name: string): boolean => /^[a-z0-9][a-z0-9+.-]+$/.test(name);

/** Which Proxmox package repository the host uses: the stock enterprise one, or the public no-subscription one. */
export type AptRepository = "enterprise" | "no-subscription";

/**
 * Switches a stock host to the no-subscription repository: every enterprise.proxmox.com source (PVE and
 * Ceph) is disabled in place, and the pve-no-subscription source is added in the release's format unless
 * an enabled one is there: a line of `pve-no-subscription.list` on Proxmox VE 8 (bookworm), a stanza of
 * deb822 `proxmox.sources` on Proxmox VE 9 (trixie), beside whatever else those files hold. Running it
 * twice changes nothing. APT_DIR and OS_RELEASE can be pointed elsewhere (the tests do).
 */
const NO_SUBSCRIPTION = `apt_dir="\${HOMELAB_APT_DIR:-/etc/apt}"
codename="$(sed -n 's/^VERSION_CODENAME=//p' "\${HOMELAB_OS_RELEASE:-/etc/os-release}")"
for f in "$apt_dir"/sources.list "$apt_dir"/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  # Only while a line is still enabled: sed -i rewrites the file even when nothing matches.
  grep -q '^[[:space:]]*deb[^#]*enterprise\\.proxmox\\.com' "$f" || continue
  sed -i 's|^[[:space:]]*\\(deb[^#]*enterprise\\.proxmox\\.com\\)|# \\1|' "$f"
done
for f in "$apt_dir"/sources.list.d/*.sources; do
  if [ ! -f "$f" ] || ! grep -q 'enterprise\\.proxmox\\.com' "$f"; then continue; fi
  if grep -qix 'Enabled: *false' "$f"; then continue; fi
  if grep -qi '^Enabled:' "$f"; then sed -i 's/^Enabled:.*/Enabled: false/I' "$f"; else echo 'Enabled: false' >> "$f"; fi
done
case "$codename" in
  bookworm) target="$apt_dir/sources.list.d/pve-no-subscription.list"
    want='deb http://download.proxmox.com/debian/pve bookworm pve-no-subscription'
    # Present if any enabled one-line source already names it; otherwise one line is added.
    if cat "$apt_dir"/sources.list "$apt_dir"/sources.list.d/*.list 2>/dev/null \\
      | grep -qE '^[[:space:]]*deb[[:space:]]+(\\[[^]]*\\][[:space:]]+)?https?://download\\.proxmox\\.com/debian/pve/?[[:space:]]+bookworm[[:space:]]+([^#]*[[:space:]])?pve-no-subscription([[:space:]]|$)'; then
      target=""
    fi ;;
  trixie) target="$apt_dir/sources.list.d/proxmox.sources"
    want='Types: deb
URIs: http://download.proxmox.com/debian/pve
Suites: trixie
Components: pve-no-subscription
Signed-By: /usr/share/keyrings/proxmox-archive-keyring.gpg'
    # Present if an enabled stanza of proxmox.sources already names it; otherwise one stanza is added.
    if [ -f "$target" ] && awk -v suite="$codename" '
      function stanza_end() { if (u && s && c && !off) found = 1; u = 0; s = 0; c = 0; off = 0 }
      /^[[:space:]]*$/ { stanza_end(); next }
      /^[[:space:]]*#/ { next }
      { key = tolower($1) }
      key == "uris:" && $0 ~ /download\\.proxmox\\.com\\/debian\\/pve\\/?([[:space:]]|$)/ { u = 1 }
      key == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) s = 1 }
      key == "components:" { for (i = 2; i <= NF; i++) if ($i == "pve-no-subscription") c = 1 }
      key == "enabled:" && tolower($2) ~ /^(no|false)$/ { off = 1 }
      END { stanza_end(); exit found ? 0 : 1 }' "$target"; then
      target=""
    fi ;;
  *) echo "homelab:proxmox.aptRepository no-subscription knows Proxmox VE 8 (bookworm) and 9 (trixie), not '$codename'" >&2; exit 1 ;;
esac
# Added to what is there, never written over it: the operator's other sources in that file stay.
if [ -n "$target" ]; then
  if [ -s "$target" ]; then
    [ -z "$(tail -c 1 "$target")" ] || echo >> "$target"
    case "$want" in Types:*) echo >> "$target" ;; esac
  fi
  printf '%s\\n' "$want" >> "$target"
fi
`;

/**
 * Refreshes the lists, tolerating a failed refresh (a stock host without a subscription gets 401 from
 * the enterprise repository, and apt-get update exits 100 although the Debian lists were refreshed);
 * only a failed install fails, and then with what to set when the 401 was the cause.
 */
const UPDATE_THEN_INSTALL = (install: string): string => `update_log="$(mktemp)"
trap 'rm -f "$update_log"' EXIT
hint=""
if ! apt-get update -qq >"$update_log" 2>&1; then
  cat "$update_log" >&2
  if grep -q '401' "$update_log" && grep -q 'enterprise\\.proxmox\\.com' "$update_log"; then
    hint="the Proxmox enterprise repository answered 401 Unauthorized (no subscription): set homelab:proxmox.aptRepository to no-subscription, or add a subscription key"
    echo "warning: $hint" >&2
  else
    echo "warning: apt-get update failed; installing from the lists there are" >&2
  fi
fi
if ! ${install}; then
  echo "installing host packages failed\${hint:+; $hint}" >&2
  exit 1
fi
`;

/** Installs host packages once; apt leaves installed ones alone, so a re-run changes nothing. */
export function hostPackagesCommand(packages: readonly string[], repository: AptRepository = "enterprise"): string {
  const bad = packages.filter((p) => !isDebianPackageName(p));
  if (bad.length > 0) throw new Error(`not Debian package names: ${bad.join(", ")}`);
  const sorted = [...new Set(packages)].sort();
  if (sorted.length === 0) return "true";
  const install = shellJoin(["apt-get", "install", "-y", "--no-install-recommends", ...sorted]);
  return ["set -eu", "export DEBIAN_FRONTEND=noninteractive", ...(repository === "no-subscription" ? [NO_SUBSCRIPTION] : []), UPDATE_THEN_INSTALL(install)].join("\n");
}
