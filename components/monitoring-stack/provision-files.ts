import * as pulumi from "@pulumi/pulumi";
import type { Homelab, Service } from "../../config";
import type { ProvisionFile } from "../lxc-service";
import { receiverSecret, receiverSecretFile, renderAlertmanagerConfig, type SecretName } from "./alertmanager-yml";
import { renderAlertRules } from "./alert-rules";
import { renderBlackboxConfig } from "./blackbox-yml";
import { dashboards, renderDashboard } from "./dashboards";
import { renderAlertmanagerDefaults, renderBlackboxDefaults, renderPrometheusDefaults } from "./daemon-args";
import { DASHBOARDS_DIR, GRAFANA_SECRET_ENV, PROVISIONING_DIR, renderDashboardProvider, renderDatasources, renderGrafanaDropIn } from "./grafana-provisioning";
import { PVE_EXPORTER_CONFIG, PVE_EXPORTER_UNIT, renderPveExporterConfig, renderPveExporterUnit } from "./pve-exporter";
import { renderPrometheusConfig, RULES_FILE } from "./prometheus-yml";

/** Credentials of the alert receivers, as secret Outputs; only those the receivers use are read. */
export type ReceiverSecrets = Partial<Readonly<Record<SecretName, pulumi.Output<string>>>>;

const owner = (s: Service): string => `${s.user.uid}:${s.user.gid}`;

/** Everything pushed into the Prometheus LXC. Credentials travel only in secret 0600 files. */
export function prometheusFiles(
  model: Homelab,
  prometheus: Service,
  pveTokenSecret: pulumi.Output<string>,
  secrets: ReceiverSecrets,
): ProvisionFile[] {
  const files: ProvisionFile[] = [
    { path: "/etc/prometheus/prometheus.yml", content: renderPrometheusConfig(model) },
    { path: `/etc/prometheus/${RULES_FILE}`, content: renderAlertRules(model) },
    { path: "/etc/prometheus/alertmanager.yml", content: renderAlertmanagerConfig(model) },
    { path: "/etc/prometheus/blackbox.yml", content: renderBlackboxConfig() },
    { path: "/etc/default/prometheus", content: renderPrometheusDefaults(model.monitoring, prometheus) },
    { path: "/etc/default/prometheus-alertmanager", content: renderAlertmanagerDefaults(prometheus) },
    { path: "/etc/default/prometheus-blackbox-exporter", content: renderBlackboxDefaults() },
    { path: `/etc/systemd/system/${PVE_EXPORTER_UNIT}`, content: renderPveExporterUnit() },
    {
      path: PVE_EXPORTER_CONFIG,
      content: pulumi.secret(pveTokenSecret.apply((token) => renderPveExporterConfig(model.proxmox, token))),
      mode: "0600",
      owner: owner(prometheus),
      secret: true,
    },
  ];
  for (const r of model.monitoring.receivers) {
    const name = receiverSecret(r);
    if (!name) continue;
    const value = secrets[name];
    // The config checks require the secret of every receiver that needs one.
    if (!value) throw new Error(`receiver '${r.name}' needs homelab:${name}, which the config checks should have required`);
    files.push({ path: receiverSecretFile(r), content: pulumi.secret(value), mode: "0600", owner: owner(prometheus), secret: true });
  }
  return files;
}

/** Everything pushed into the Grafana LXC; the admin password only in the 0600 environment file. */
export function grafanaFiles(model: Homelab, prometheus: Service, grafana: Service, adminPassword: pulumi.Output<string>): ProvisionFile[] {
  return [
    { path: `${PROVISIONING_DIR}/datasources/homelab.yaml`, content: renderDatasources(prometheus) },
    { path: `${PROVISIONING_DIR}/dashboards/homelab.yaml`, content: renderDashboardProvider() },
    ...dashboards(model).map((d) => ({ path: `${DASHBOARDS_DIR}/${d.uid}.json`, content: renderDashboard(d) })),
    { path: "/etc/systemd/system/grafana-server.service.d/homelab.conf", content: renderGrafanaDropIn(grafana) },
    {
      path: GRAFANA_SECRET_ENV,
      content: pulumi.secret(adminPassword.apply((p) => `GF_SECURITY_ADMIN_PASSWORD=${p}\n`)),
      mode: "0600",
      secret: true,
    },
  ];
}
