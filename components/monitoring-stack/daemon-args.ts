import type { Homelab, Service } from "../../config";
import { PORTS } from "./targets";

/**
 * Debian's units start each daemon with `$ARGS` from /etc/default/<unit>: that is where retention,
 * listen addresses and external URLs go, so the packaged units stay untouched.
 */

/** TSDB directory on the `prometheus-tsdb` dataset (Debian's default path below /var/lib/prometheus). */
export const TSDB_PATH = "/var/lib/prometheus/metrics2/";
/** Alertmanager's silences and notification log, on the same dataset so they survive a new container. */
export const ALERTMANAGER_DATA = "/var/lib/prometheus/alertmanager/";

const routeUrl = (service: Service, port: number): string | undefined => {
  const route = service.routes.find((r) => r.port === port);
  return route ? `https://${route.fqdn}/` : undefined;
};

const envFile = (what: string, args: readonly string[]): string =>
  `# Rendered by the MonitoringStack component: ${what}.\nARGS="${args.join(" ")}"\n`;

export function renderPrometheusDefaults(monitoring: Homelab["monitoring"], prometheus: Service): string {
  const url = routeUrl(prometheus, PORTS.prometheus);
  return envFile("retention by time and size, whichever comes first", [
    "--config.file=/etc/prometheus/prometheus.yml",
    `--storage.tsdb.path=${TSDB_PATH}`,
    `--storage.tsdb.retention.time=${monitoring.retention.time}`,
    `--storage.tsdb.retention.size=${monitoring.retention.size}`,
    `--web.listen-address=:${PORTS.prometheus}`,
    ...(url ? [`--web.external-url=${url}`] : []),
  ]);
}

export function renderAlertmanagerDefaults(prometheus: Service): string {
  const url = routeUrl(prometheus, PORTS.alertmanager);
  return envFile("a single Alertmanager, so no cluster gossip", [
    "--config.file=/etc/prometheus/alertmanager.yml",
    `--storage.path=${ALERTMANAGER_DATA}`,
    `--web.listen-address=:${PORTS.alertmanager}`,
    "--cluster.listen-address=",
    ...(url ? [`--web.external-url=${url}`] : []),
  ]);
}

export function renderBlackboxDefaults(): string {
  return envFile("only the local Prometheus asks it to probe", [
    "--config.file=/etc/prometheus/blackbox.yml",
    `--web.listen-address=127.0.0.1:${PORTS.blackbox}`,
  ]);
}
