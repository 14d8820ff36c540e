import type { Homelab } from "../../config";
import { PRELUDE } from "../lxc-service/recipes/shell-steps";
import { shellJoin } from "../shared/shell";
import { PORTS } from "./targets";
import { toYaml } from "../shared/yaml";

/**
 * The Proxmox exporter: Debian packages it in neither 12 nor 13, so a pinned PyPI release runs from
 * its own virtualenv under a unit of ours, as the prometheus user, reading a read-only API token from
 * a 0600 file. Its install is a step of its own after the Debian-packaged daemons, so Prometheus and
 * Alertmanager converge even when PyPI cannot be reached.
 */

/**
 * The release this was tested with (prometheus-pve/prometheus-pve-exporter#493), not necessarily the
 * newest: later 3.10.x patch releases were reported on the package index. Before a bump, see what
 * `pip index versions prometheus-pve-exporter` lists.
 */
export const PVE_EXPORTER_VERSION = "3.10.0";
export const PVE_EXPORTER_VENV = "/opt/pve-exporter";
export const PVE_EXPORTER_CONFIG = "/etc/prometheus/pve.yml";
export const PVE_EXPORTER_UNIT = "prometheus-pve-exporter.service";

/** The Proxmox identity the exporter uses; it holds PVEAuditor on / and nothing else. */
export const MONITORING_USER = "monitoring@pve";
export const MONITORING_TOKEN = "exporter";
export const AUDITOR_ROLE = "PVEAuditor";

/** Token id as Proxmox ACLs name it. */
export const monitoringTokenId = (): string => `${MONITORING_USER}!${MONITORING_TOKEN}`;

/** The secret part of a token value, whether the provider returns `user@realm!name=secret` or only the secret. */
export const tokenSecret = (value: string): string => value.slice(value.lastIndexOf("=") + 1);

/** pve.yml, whose content is a secret: callers pass the token secret as an Output and mark the file secret. */
export function renderPveExporterConfig(proxmox: Homelab["proxmox"], secret: string): string {
  const config = {
    default: {
      user: MONITORING_USER,
      token_name: MONITORING_TOKEN,
      token_value: secret,
      // A self-signed node certificate is what `proxmox.insecure` already accepts for the provider.
      verify_ssl: !proxmox.insecure,
    },
  };
  return toYaml(config);
}

export function renderPveExporterUnit(): string {
  return [
    "[Unit]",
    "Description=Prometheus exporter for Proxmox VE (read-only API token)",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "User=prometheus",
    "Group=prometheus",
    `ExecStart=${PVE_EXPORTER_VENV}/bin/pve_exporter --config.file=${PVE_EXPORTER_CONFIG} --web.listen-address=127.0.0.1:${PORTS.pveExporter}`,
    "Restart=on-failure",
    "RestartSec=5",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/** Installs the pinned exporter into its virtualenv once per version, then runs it under our unit. */
export function pveExporterInstallScript(): string {
  const pip = `${PVE_EXPORTER_VENV}/bin/pip`;
  return `${PRELUDE}apt_install python3-venv
if ! ${pip} show prometheus-pve-exporter 2>/dev/null | grep -qx ${shellJoin([`Version: ${PVE_EXPORTER_VERSION}`])}; then
  python3 -m venv ${PVE_EXPORTER_VENV}
  ${pip} install --quiet --no-cache-dir ${shellJoin([`prometheus-pve-exporter==${PVE_EXPORTER_VERSION}`])}
fi
systemctl daemon-reload
systemctl enable --quiet ${PVE_EXPORTER_UNIT}
${shellJoin(["restart_if_changed", PVE_EXPORTER_UNIT, PVE_EXPORTER_CONFIG, `/etc/systemd/system/${PVE_EXPORTER_UNIT}`, `${PVE_EXPORTER_VENV}/bin/pve_exporter`])}
${shellJoin(["ensure_active", PVE_EXPORTER_UNIT])}
`;
}
