import type { Service } from "../../config";
import { PVE_EXPORTER_UNIT, PVE_EXPORTER_VENV, PVE_EXPORTER_VERSION } from "./pve-exporter";
import { SECRETS_DIR } from "./alertmanager-yml";

/** Debian 12 versions the recipe pins beside the catalog's Prometheus version. */
export const ALERTMANAGER_VERSION = "0.25.0-1+b4";
export const BLACKBOX_VERSION = "0.23.0-4+b4";

/**
 * Installs Prometheus, Alertmanager, the blackbox exporter and the Proxmox exporter. The rendered files
 * are already in place when it runs; dpkg keeps them (`--force-confold`) instead of its own defaults.
 * Running it again changes nothing but restarting the daemons on the same configuration.
 */
export function prometheusRecipeScript(service: Service): string {
  const { name } = service.user;
  return `export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold \\
  prometheus=${service.install.version} prometheus-alertmanager=${ALERTMANAGER_VERSION} \\
  prometheus-blackbox-exporter=${BLACKBOX_VERSION} python3-venv ca-certificates
apt-mark hold prometheus prometheus-alertmanager prometheus-blackbox-exporter >/dev/null
# Not packaged for Debian 12: a pinned release in its own virtualenv.
if ! "${PVE_EXPORTER_VENV}/bin/pip" show prometheus-pve-exporter 2>/dev/null | grep -qx "Version: ${PVE_EXPORTER_VERSION}"; then
  python3 -m venv "${PVE_EXPORTER_VENV}"
  "${PVE_EXPORTER_VENV}/bin/pip" install --quiet --no-cache-dir "prometheus-pve-exporter==${PVE_EXPORTER_VERSION}"
fi
install -d -o ${name} -g ${name} -m 0750 /var/lib/prometheus/metrics2 /var/lib/prometheus/alertmanager
chown -R ${name}:${name} ${SECRETS_DIR} /etc/prometheus/pve.yml
chmod 0700 ${SECRETS_DIR}
chmod 0600 /etc/prometheus/pve.yml
# Refuse to restart onto a configuration the daemons would reject.
promtool check config /etc/prometheus/prometheus.yml
amtool check-config /etc/prometheus/alertmanager.yml
systemctl daemon-reload
for unit in prometheus prometheus-alertmanager prometheus-blackbox-exporter ${PVE_EXPORTER_UNIT}; do
  systemctl enable --quiet "$unit"
  systemctl restart "$unit"
done
`;
}
