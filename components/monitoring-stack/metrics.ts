import type { JobKind } from "./targets";

/**
 * Metric names each kind of scrape job produces, as far as the rules and dashboards use them. Dashboards
 * and rules may only name metrics listed for a job the homelab configures; the tests hold them to it.
 */
export const METRICS_BY_KIND = {
  // Prometheus adds these to every target it scrapes.
  any: ["up", "scrape_duration_seconds", "scrape_samples_scraped"],
  node: [
    "node_cpu_seconds_total",
    "node_memory_MemAvailable_bytes",
    "node_memory_MemTotal_bytes",
    "node_filesystem_avail_bytes",
    "node_filesystem_size_bytes",
    "node_load1",
    // Written into the textfile collector directory by the backup jobs.
    "homelab_restic_first_run_timestamp_seconds",
    "homelab_restic_last_run_timestamp_seconds",
    "homelab_restic_last_success_timestamp_seconds",
    "homelab_restic_last_exit_status",
    "homelab_restic_duration_seconds",
    "homelab_restic_bytes_added",
    "homelab_restic_files_new",
    "homelab_restic_files_changed",
    // Written there by the host's container-updates timer.
    "homelab_container_security_updates_pending",
    "homelab_container_reboot_required",
  ],
  pve: [
    "pve_up",
    "pve_guest_info",
    "pve_cpu_usage_ratio",
    "pve_cpu_usage_limit",
    "pve_memory_usage_bytes",
    "pve_memory_size_bytes",
    "pve_disk_usage_bytes",
    "pve_disk_size_bytes",
  ],
  probe: ["probe_success", "probe_duration_seconds", "probe_http_status_code"],
  postgres: ["pg_up", "pg_stat_activity_count", "pg_settings_max_connections"],
  traefik: ["traefik_service_requests_total", "traefik_entrypoint_requests_total", "traefik_service_request_duration_seconds_bucket"],
  cloudflared: ["cloudflared_tunnel_ha_connections", "cloudflared_tunnel_total_requests", "cloudflared_tunnel_request_errors"],
  prometheus: ["prometheus_tsdb_head_series", "prometheus_tsdb_storage_blocks_bytes", "prometheus_rule_evaluation_failures_total"],
  alertmanager: ["alertmanager_notifications_failed_total", "alertmanager_notifications_total"],
  grafana: ["grafana_http_request_duration_seconds_count"],
  app: [],
} as const satisfies Record<JobKind | "any", readonly string[]>;

/** Every metric name available when jobs of the given kinds are configured. */
export function metricsOf(kinds: Iterable<JobKind>): Set<string> {
  const names = new Set<string>(METRICS_BY_KIND.any);
  for (const kind of kinds) for (const m of METRICS_BY_KIND[kind]) names.add(m);
  return names;
}

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set([
  "sum", "avg", "min", "max", "count", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
  "rate", "irate", "increase", "time", "predict_linear", "absent", "clamp_min", "clamp_max", "histogram_quantile", "topk",
  "bottomk", "label_replace", "bool", "offset", "max_over_time", "min_over_time", "avg_over_time", "vector", "scalar", "le",
]);

/**
 * Metric names a PromQL expression mentions: identifiers outside label matchers and strings that are
 * not PromQL keywords, functions or grouping labels.
 */
export function metricNamesIn(expr: string): string[] {
  const withoutVariables = expr.replace(/\$\{?\w+\}?/g, "1");
  const withoutStrings = withoutVariables.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutMatchers = withoutStrings.replace(/\{[^}]*\}/g, "{}");
  const withoutGrouping = withoutMatchers.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "$1()");
  const withoutDurations = withoutGrouping.replace(/\[[^\]]*\]/g, "[]");
  const names = withoutDurations.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((n) => !PROMQL_WORDS.has(n) && !/^\d/.test(n) && !/^(e|inf|nan)$/i.test(n)))];
}
