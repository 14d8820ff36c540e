import type { Service } from "../../config";
import { PORTS } from "./targets";
import { toYaml } from "../shared/yaml";

/** Grafana's provisioning: the Prometheus datasource and a file provider for the rendered dashboards. */

export const DATASOURCE_UID = "homelab-prometheus";
export const DASHBOARDS_DIR = "/etc/grafana/dashboards";
export const PROVISIONING_DIR = "/etc/grafana/provisioning";

/** Where Grafana queries Prometheus: its container's address, not a route (no Access in between). */
export const datasourceUrl = (prometheus: Pick<Service, "ip">): string => `http://${prometheus.ip}:${PORTS.prometheus}`;

export function renderDatasources(prometheus: Service): string {
  const config = {
    apiVersion: 1,
    datasources: [
      {
        name: "Prometheus",
        uid: DATASOURCE_UID,
        type: "prometheus",
        access: "proxy",
        url: datasourceUrl(prometheus),
        isDefault: true,
        editable: false,
        jsonData: { httpMethod: "POST", timeInterval: "30s" },
      },
    ],
  };
  return `# Rendered by the MonitoringStack component.\n${toYaml(config)}`;
}

export function renderDashboardProvider(): string {
  const config = {
    apiVersion: 1,
    providers: [
      {
        name: "homelab",
        folder: "Homelab",
        type: "file",
        // The program owns these dashboards: edits in the UI would be lost on the next `pulumi up`.
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
      },
    ],
  };
  return `# Rendered by the MonitoringStack component.\n${toYaml(config)}`;
}

/** Non-secret server settings, as environment of the grafana-server unit. */
export function grafanaEnvironment(grafana: Service): Record<string, string> {
  const web = grafana.routes.find((r) => r.port === PORTS.grafana) ?? grafana.routes[0];
  return {
    GF_SERVER_HTTP_PORT: String(PORTS.grafana),
    ...(web ? { GF_SERVER_DOMAIN: web.fqdn, GF_SERVER_ROOT_URL: `https://${web.fqdn}/` } : {}),
    GF_USERS_ALLOW_SIGN_UP: "false",
    GF_AUTH_ANONYMOUS_ENABLED: "false",
    GF_ANALYTICS_REPORTING_ENABLED: "false",
    GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    GF_METRICS_ENABLED: "true",
  };
}

/** Where the secret environment (the admin password) lives: 0600 root, read by systemd only. */
export const GRAFANA_SECRET_ENV = "/etc/grafana/homelab-secrets.env";

/** Drop-in for the packaged unit: settings plus the secret environment file. */
export function renderGrafanaDropIn(grafana: Service): string {
  const env = Object.entries(grafanaEnvironment(grafana)).map(([k, v]) => `Environment=${k}=${v}`);
  return ["# Rendered by the MonitoringStack component.", "[Service]", `EnvironmentFile=${GRAFANA_SECRET_ENV}`, ...env, ""].join("\n");
}
