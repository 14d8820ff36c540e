/**
 * What each container's unattended-upgrades leaves undone, as node-exporter textfile metrics on the
 * host. The containers run no exporter; the host reaches every running one through `pct exec`, so
 * one timer there reports them all, labelled with the container's id and its hostname (the service).
 */

/** The metric names the alert rules are written against: keep them. */
export const UPDATE_METRICS = {
  pending: "homelab_container_security_updates_pending",
  rebootRequired: "homelab_container_reboot_required",
} as const;

/** Debian's node-exporter textfile directory (prometheus-node-exporter's default --collector.textfile.directory). */
export const TEXTFILE_DIR = "/var/lib/prometheus/node-exporter";
export const UPDATES_SCRIPT = "/usr/local/sbin/homelab-container-updates";
export const UPDATES_UNIT = "homelab-container-updates";

/**
 * The collector. Pending means what `apt-get -s dist-upgrade` would take from Debian's security
 * archive, from the lists the container's own daily apt run refreshed: above 0 for long means its
 * unattended-upgrades is not applying them. Reboot required is Debian's /run/reboot-required, which
 * packages such as libc6 leave; in a container that means restarting the container.
 */
export function renderUpdatesScript(textfileDir: string = TEXTFILE_DIR): string {
  const { pending, rebootRequired } = UPDATE_METRICS;
  return `#!/bin/bash
set -euo pipefail
dir="\${HOMELAB_TEXTFILE_DIR:-${textfileDir}}"
mkdir -p "$dir"
tmp="$(mktemp "$dir/.homelab_container_updates.prom.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
{
  echo '# HELP ${pending} Packages the container would take from Debian-Security that are not installed yet.'
  echo '# TYPE ${pending} gauge'
  echo '# HELP ${rebootRequired} 1 if the container has /run/reboot-required (restart the container), else 0.'
  echo '# TYPE ${rebootRequired} gauge'
  for id in $(pct list | awk 'NR > 1 && $2 == "running" { print $1 }'); do
    name="$(pct config "$id" | sed -n 's/^hostname: //p')"
    # A container that cannot answer is left out: ContainerDown and TargetDown speak for it.
    if ! sim="$(pct exec "$id" -- apt-get -s -o Debug::NoLocking=1 dist-upgrade 2>/dev/null)"; then continue; fi
    count="$(printf '%s\\n' "$sim" | grep -c '^Inst .*Debian-Security' || true)"
    reboot=0
    if pct exec "$id" -- test -e /run/reboot-required; then reboot=1; fi
    echo "${pending}{vmid=\\"$id\\",service=\\"$name\\"} $count"
    echo "${rebootRequired}{vmid=\\"$id\\",service=\\"$name\\"} $reboot"
  done
} > "$tmp"
chmod 0644 "$tmp"
# node-exporter reads only *.prom, so the temp file is invisible until the mv.
mv -f "$tmp" "$dir/homelab_container_updates.prom"
`;
}

export const UPDATES_SERVICE = `[Unit]
Description=Pending security updates and reboot-required of every running container, for node-exporter

[Service]
Type=oneshot
ExecStart=${UPDATES_SCRIPT}
TimeoutStartSec=15min
`;

/** Hourly: unattended-upgrades runs daily, so an hour is fresh enough and cheap. */
export const UPDATES_TIMER = `[Unit]
Description=Hourly container update metrics

[Timer]
OnBootSec=5min
OnUnitActiveSec=1h

[Install]
WantedBy=timers.target
`;

/** Writes a file from a quoted heredoc only when its bytes differ. */
const put = (path: string, mode: string, content: string): string => `tmp="$(mktemp ${path}.XXXXXX)"
cat > "$tmp" <<'HOMELAB_EOF'
${content.trimEnd()}
HOMELAB_EOF
chmod ${mode} "$tmp"
if cmp -s "$tmp" ${path}; then rm -f "$tmp"; else mv -f "$tmp" ${path}; fi
`;

/** Installs the collector and its timer on a node; running it twice changes nothing. */
export function updatesInstallCommand(): string {
  return `set -eu
${put(UPDATES_SCRIPT, "0755", renderUpdatesScript())}${put(`/etc/systemd/system/${UPDATES_UNIT}.service`, "0644", UPDATES_SERVICE)}${put(`/etc/systemd/system/${UPDATES_UNIT}.timer`, "0644", UPDATES_TIMER)}systemctl daemon-reload
systemctl enable --now ${UPDATES_UNIT}.timer
`;
}

export const updatesRemoveCommand = `systemctl disable --now ${UPDATES_UNIT}.timer || true; rm -f ${UPDATES_SCRIPT} /etc/systemd/system/${UPDATES_UNIT}.service /etc/systemd/system/${UPDATES_UNIT}.timer ${TEXTFILE_DIR}/homelab_container_updates.prom; systemctl daemon-reload`;
