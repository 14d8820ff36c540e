import type { Homelab, Problem } from "../model";
import { HEARTBEAT_FAIL_RECEIVER, HEARTBEAT_RECEIVER, NULL_RECEIVER, RESERVED_JOB_NAMES } from "../schema/monitoring";
import { duplicates } from "./duplicates";
import { requireRole } from "./roles";

/** Where Prometheus keeps its TSDB inside its container; the dataset mounted there bounds retention.size. */
export const TSDB_MOUNT = "/var/lib/prometheus";
/** The TSDB may fill at most this share of its dataset: the WAL and compaction need room beside it. */
export const TSDB_SHARE = 0.8;

const SIZE_GIB: Readonly<Record<string, number>> = { MB: 1 / 1024, GB: 1, TB: 1024 };

/** retention.size in GiB (Prometheus reads its MB/GB/TB as powers of 1024). */
export function retentionGiB(size: string): number {
  const match = /^(\d+)(MB|GB|TB)$/.exec(size);
  return match ? Number(match[1]) * (SIZE_GIB[match[2] ?? ""] ?? 0) : Number.NaN;
}

/** Monitoring: its services exist, receivers have distinct names, the TSDB fits its dataset, job names are free. */
export function checkMonitoring(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const monitoring = model.monitoring;
  if (!monitoring.enabled) return problems;

  const prometheus = requireRole(model, monitoring.prometheusService, "prometheus", "homelab:monitoring.prometheusService", problems);
  requireRole(model, monitoring.grafanaService, "grafana", "homelab:monitoring.grafanaService", problems);
  problems.push(...duplicates(monitoring.receivers.map((r, i) => ({ r, i })), ({ r }) => r.name, ({ i }) => `homelab:monitoring.receivers.${i}.name`, "receiver name"));
  monitoring.receivers.forEach((r, i) => {
    if (r.name === NULL_RECEIVER) problems.push({ path: `homelab:monitoring.receivers.${i}.name`, message: `'${NULL_RECEIVER}' is reserved for the receiver that drops unrouted alerts` });
    if (r.name === HEARTBEAT_RECEIVER) problems.push({ path: `homelab:monitoring.receivers.${i}.name`, message: `'${HEARTBEAT_RECEIVER}' is reserved for the receiver of homelab:monitoring.heartbeat` });
    if (r.name === HEARTBEAT_FAIL_RECEIVER) problems.push({ path: `homelab:monitoring.receivers.${i}.name`, message: `'${HEARTBEAT_FAIL_RECEIVER}' is reserved for the receiver of homelab:monitoring.heartbeat.failUrl` });
  });

  const tsdb = prometheus?.role === "prometheus" ? prometheus.mounts.find((m) => m.path === TSDB_MOUNT) : undefined;
  if (prometheus?.role === "prometheus" && !tsdb) {
    problems.push({ path: prometheus.configPath, message: `needs a dataset mounted at ${TSDB_MOUNT} for the TSDB, so metrics survive a new container` });
  }
  const dataset = tsdb ? model.datasets.find((d) => d.name === tsdb.dataset) : undefined;
  if (dataset && retentionGiB(monitoring.retention.size) > dataset.quotaGiB * TSDB_SHARE) {
    problems.push({
      path: "homelab:monitoring.retention.size",
      message: `${monitoring.retention.size} does not fit the TSDB dataset '${dataset.name}' (quota ${dataset.quotaGiB} GiB; at most ${Math.floor(dataset.quotaGiB * TSDB_SHARE)}GB leaves room for the WAL and compaction)`,
    });
  }

  for (const s of model.services) {
    if (s.role === "app" && s.metrics.length > 0 && RESERVED_JOB_NAMES.includes(s.name)) {
      problems.push({ path: s.configPath, message: `an app named '${s.name}' would take the name of the '${s.name}' scrape job; choose another service name` });
    }
  }
  return problems;
}
