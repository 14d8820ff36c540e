import type { Service } from "../../config";
import { GRAFANA_SECRET_ENV, PROVISIONING_DIR, DASHBOARDS_DIR } from "./grafana-provisioning";
import { PORTS } from "./targets";
import { fetchSigningKey } from "../shared/signing-key";
import { debianInstalledVersion, majorStepGuard } from "../lxc-service/recipes/major-step-guard";

/** Grafana's apt repository; the key's fingerprint is the one Grafana's own Alloy docs pin (docs/sources/set-up/install/puppet.md). */
export const GRAFANA_APT = {
  url: "https://apt.grafana.com",
  suite: "stable main",
  key: { name: "grafana", url: "https://apt.grafana.com/gpg.key", fingerprint: "B53AE77BADB630A683046005963FA27710458545" },
  keyring: "/etc/apt/keyrings/grafana.asc",
} as const;

/**
 * Installs the pinned Grafana from its apt repository and makes the managed admin password the real
 * one: Grafana reads GF_SECURITY_ADMIN_PASSWORD only when it creates its database, so the recipe resets
 * it through the CLI, from stdin, on every run.
 */
export function grafanaRecipeScript(service: Service): string {
  const { name } = service.user;
  return `export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends ca-certificates curl gnupg
${majorStepGuard(service, debianInstalledVersion("grafana"))}${fetchSigningKey(GRAFANA_APT.key, GRAFANA_APT.keyring)}echo "deb [signed-by=${GRAFANA_APT.keyring}] ${GRAFANA_APT.url} ${GRAFANA_APT.suite}" >/etc/apt/sources.list.d/grafana.list
apt-get update -q
# Held, so nothing else moves it; the hold must not stop the next pin bump (or a rollback) from going through.
apt-get install -y -q -o Dpkg::Options::=--force-confold --allow-downgrades --allow-change-held-packages grafana=${service.install.version}
apt-mark hold grafana >/dev/null
chown -R root:${name} ${PROVISIONING_DIR} ${DASHBOARDS_DIR}
chmod 0600 ${GRAFANA_SECRET_ENV}
chown root:root ${GRAFANA_SECRET_ENV}
chown -R ${name}:${name} /var/lib/grafana
systemctl daemon-reload
systemctl enable --quiet grafana-server
systemctl restart grafana-server
for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null http://127.0.0.1:${PORTS.grafana}/api/health; then break; fi
  sleep 2
done
sed -n 's/^GF_SECURITY_ADMIN_PASSWORD=//p' ${GRAFANA_SECRET_ENV} |
  grafana cli --homepath /usr/share/grafana --config /etc/grafana/grafana.ini admin reset-admin-password --password-from-stdin >/dev/null
`;
}
