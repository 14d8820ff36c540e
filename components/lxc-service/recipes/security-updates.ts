/**
 * Debian's security updates in every container, unattended. Provisioning re-runs only when its
 * triggers change, so nothing else would ever bring a container its security fixes.
 */

/**
 * Debian's security archive as unattended-upgrades matches it, in the option names and patterns of
 * Debian's own `50unattended-upgrades` (unattended-upgrades 2.12): the -security suite, and the older
 * layout where the security archive carried the release's codename.
 */
export const SECURITY_ORIGINS = [
  "origin=Debian,codename=${distro_codename},label=Debian-Security",
  "origin=Debian,codename=${distro_codename}-security,label=Debian-Security",
] as const;

/** Sorts after Debian's 20auto-upgrades and 50unattended-upgrades, so its settings are the last word. */
export const SECURITY_UPDATES_CONF = "/etc/apt/apt.conf.d/52homelab-security-updates";

/**
 * The homelab's apt configuration for unattended-upgrades. Debian's file also takes the point release
 * (`label=Debian`), which would move Debian-pinned packages between converges: the list is cleared
 * and set to the security origin alone. No automatic reboot: an alert says when one is due.
 */
export function renderSecurityUpdatesConfig(): string {
  return `// Written by the homelab's provisioning: Debian's security updates only, installed daily.
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
#clear Unattended-Upgrade::Origins-Pattern;
Unattended-Upgrade::Origins-Pattern {
${SECURITY_ORIGINS.map((o) => `        "${o}";`).join("\n")}
};
Unattended-Upgrade::Automatic-Reboot "false";
`;
}

/**
 * The shell step every recipe starts with: installs unattended-upgrades once (debconf answered, so
 * its postinst enables the daily run), writes the configuration only when it differs, and makes sure
 * apt's daily timers run it.
 */
export function securityUpdatesStep(): string {
  return `# Debian's security updates, unattended: ${SECURITY_UPDATES_CONF} says which.
if [ "$(dpkg-query -W -f='\${Status}' unattended-upgrades 2>/dev/null || true)" != "install ok installed" ]; then
  echo 'unattended-upgrades unattended-upgrades/enable_auto_updates boolean true' | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends unattended-upgrades >/dev/null
fi
security_conf="$(cat <<'EOF'
${renderSecurityUpdatesConfig().trimEnd()}
EOF
)"
if [ "$(cat ${SECURITY_UPDATES_CONF} 2>/dev/null || true)" != "$security_conf" ]; then
  printf '%s\\n' "$security_conf" > ${SECURITY_UPDATES_CONF}
fi
systemctl enable --quiet --now apt-daily.timer apt-daily-upgrade.timer
`;
}
