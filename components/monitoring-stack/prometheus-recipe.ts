import type { Service } from "../../config";
import { debianPinned, PRELUDE } from "../lxc-service/recipes/shell-steps";
import { shellJoin } from "../shared/shell";
import { PVE_EXPORTER_CONFIG } from "./pve-exporter";
import { SECRETS_DIR } from "./alertmanager-yml";
import { RULES_FILE } from "./prometheus-yml";

/** Each daemon with the files it runs from: a change to one restarts it, and nothing else does. */
const UNITS: readonly { readonly unit: string; readonly inputs: readonly string[] }[] = [
  { unit: "prometheus", inputs: ["/etc/prometheus/prometheus.yml", `/etc/prometheus/${RULES_FILE}`, "/etc/default/prometheus", "/usr/bin/prometheus"] },
  { unit: "prometheus-alertmanager", inputs: ["/etc/prometheus/alertmanager.yml", "/etc/default/prometheus-alertmanager", "/usr/bin/prometheus-alertmanager"] },
  { unit: "prometheus-blackbox-exporter", inputs: ["/etc/prometheus/blackbox.yml", "/etc/default/prometheus-blackbox-exporter", "/usr/bin/prometheus-blackbox-exporter"] },
];

/** Debian 13's versions beside the catalog's Prometheus version, as upstream globs that survive point releases. */
export const ALERTMANAGER_VERSION = "0.28.*";
export const BLACKBOX_VERSION = "0.26.*";

/**
 * Installs Prometheus, Alertmanager and the blackbox exporter from Debian (the Proxmox
 * exporter, which Debian does not package, is a step of its own: pve-exporter.ts). The
 * rendered files are already in place when it runs; dpkg keeps them (`--force-confold`) instead of its
 * own defaults. The account exists before the packages, as a system account with the catalog's ids,
 * which is what their `adduser --system` accepts. Running it again changes nothing and restarts a
 * daemon only when its files changed.
 */
export function prometheusRecipeScript(service: Service): string {
  const { name } = service.user;
  return `${PRELUDE}${debianPinned("prometheus", {
    prometheus: service.install.version,
    "prometheus-alertmanager": ALERTMANAGER_VERSION,
    "prometheus-blackbox-exporter": BLACKBOX_VERSION,
  })}install -d -o ${name} -g ${name} -m 0750 /var/lib/prometheus/metrics2 /var/lib/prometheus/alertmanager
# Credentials exist only for receivers that have one; the directory is there either way.
install -d -o ${name} -g ${name} -m 0700 ${SECRETS_DIR}
chown ${name}:${name} ${PVE_EXPORTER_CONFIG}
chmod 0600 ${PVE_EXPORTER_CONFIG}
# Refuse to restart onto a configuration the daemons would reject.
promtool check config /etc/prometheus/prometheus.yml
amtool check-config /etc/prometheus/alertmanager.yml
systemctl daemon-reload
${UNITS.map((u) => `systemctl enable --quiet ${u.unit}\n${shellJoin(["restart_if_changed", u.unit, ...u.inputs])}`).join("\n")}
${shellJoin(["ensure_active", ...UNITS.map((u) => u.unit)])}
`;
}
