import type { Homelab } from "../../config";
import { TASK_LABEL } from "./alert-rules";
import { DATASOURCE_UID } from "./grafana-provisioning";
import { scrapeJobs, type JobKind } from "./targets";

/**
 * Grafana dashboards as JSON, rendered from the model. Each dashboard exists only when the jobs it
 * reads are configured; every query names only metrics those jobs produce (see metrics.ts).
 */

export interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

export interface Panel {
  readonly title: string;
  readonly type: "timeseries" | "stat" | "bargauge";
  /** Grafana unit: percentunit, bytes, s, short, reqps. */
  readonly unit: string;
  readonly queries: readonly PanelQuery[];
  readonly description?: string;
  /** Values at or above this are red. */
  readonly redAbove?: number;
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  /** The job kinds its queries read. */
  readonly needs: readonly JobKind[];
  readonly panels: readonly Panel[];
}

const q = (expr: string, legend: string): PanelQuery => ({ expr, legend });

/** The dashboards of the homelab. */
export function dashboards(model: Homelab): Dashboard[] {
  const kinds = new Set<JobKind>(scrapeJobs(model).map((j) => j.kind));
  const tiers = Object.values(model.tiers).map((t) => t.path).join("|");
  const result: Dashboard[] = [];

  const overview: Panel[] = [
    {
      title: "Service health checks",
      type: "stat",
      unit: "short",
      description: "1 = the route's health endpoint answers 2xx",
      queries: [q('probe_success{job="probe"}', "{{service}} {{route}}")],
    },
    { title: "Scrape targets up", type: "stat", unit: "short", queries: [q("up", "{{job}} {{service}}")] },
    {
      title: "Container CPU against its cores",
      type: "timeseries",
      unit: "percentunit",
      queries: [q('pve_cpu_usage_ratio{job="pve",service!=""}', "{{service}}")],
      redAbove: 0.9,
    },
    {
      title: "Container memory against its limit",
      type: "timeseries",
      unit: "percentunit",
      queries: [q('pve_memory_usage_bytes{job="pve",service!=""} / pve_memory_size_bytes{job="pve",service!=""}', "{{service}}")],
      redAbove: 0.9,
    },
    {
      title: "Container memory used",
      type: "bargauge",
      unit: "bytes",
      queries: [q('pve_memory_usage_bytes{job="pve",service!=""}', "{{service}}"), q('pve_memory_size_bytes{job="pve",service!=""}', "{{service}} limit")],
    },
    {
      title: "Host CPU busy",
      type: "timeseries",
      unit: "percentunit",
      queries: [q('1 - avg by (node) (rate(node_cpu_seconds_total{job="node",mode="idle"}[5m]))', "{{node}}")],
    },
    {
      title: "Host memory used",
      type: "timeseries",
      unit: "percentunit",
      queries: [q('1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}', "{{node}}")],
      redAbove: 0.9,
    },
    {
      title: "Tier usage",
      type: "bargauge",
      unit: "percentunit",
      queries: [q(`1 - node_filesystem_avail_bytes{job="node",mountpoint=~"${tiers}"} / node_filesystem_size_bytes{job="node",mountpoint=~"${tiers}"}`, "{{mountpoint}}")],
      redAbove: 0.9,
    },
  ];
  if (model.backup?.enabled) {
    overview.push(
      {
        title: "Age of the last successful backup",
        type: "stat",
        unit: "s",
        queries: [q(`time() - homelab_restic_last_success_timestamp_seconds{${TASK_LABEL}="backup"}`, "backup")],
        redAbove: model.monitoring.backupStaleHours * 3600,
      },
      {
        title: "Data added per backup",
        type: "timeseries",
        unit: "bytes",
        queries: [q(`homelab_restic_bytes_added{${TASK_LABEL}="backup"}`, "added")],
      },
    );
  }
  result.push({ uid: "homelab-overview", title: "Homelab overview", needs: ["node", "pve", "probe"], panels: overview });

  if (kinds.has("postgres")) {
    result.push({
      uid: "homelab-postgres",
      title: "Homelab PostgreSQL",
      needs: ["postgres"],
      panels: [
        { title: "Server up", type: "stat", unit: "short", queries: [q('pg_up{job="postgres"}', "{{service}}")] },
        {
          title: "Connections by database",
          type: "timeseries",
          unit: "short",
          queries: [
            q('sum by (datname) (pg_stat_activity_count{job="postgres"})', "{{datname}}"),
            q('max(pg_settings_max_connections{job="postgres"})', "max_connections"),
          ],
        },
        {
          title: "Connections against max_connections",
          type: "stat",
          unit: "percentunit",
          queries: [q('sum(pg_stat_activity_count{job="postgres"}) / max(pg_settings_max_connections{job="postgres"})', "used")],
          redAbove: 0.8,
        },
      ],
    });
  }

  const traffic: Panel[] = [];
  if (kinds.has("cloudflared")) {
    traffic.push(
      { title: "Tunnel edge connections", type: "stat", unit: "short", queries: [q('cloudflared_tunnel_ha_connections{job="cloudflared"}', "{{service}}")] },
      {
        title: "Tunnel requests and errors",
        type: "timeseries",
        unit: "reqps",
        queries: [
          q('rate(cloudflared_tunnel_total_requests{job="cloudflared"}[5m])', "requests"),
          q('rate(cloudflared_tunnel_request_errors{job="cloudflared"}[5m])', "errors"),
        ],
      },
    );
  }
  if (kinds.has("traefik")) {
    traffic.push(
      {
        title: "Requests per routed service",
        type: "timeseries",
        unit: "reqps",
        queries: [q('sum by (service) (rate(traefik_service_requests_total{job="traefik"}[5m]))', "{{service}}")],
      },
      {
        title: "Responses by status code",
        type: "timeseries",
        unit: "reqps",
        queries: [q('sum by (code) (rate(traefik_entrypoint_requests_total{job="traefik"}[5m]))', "{{code}}")],
      },
      {
        title: "95th percentile latency",
        type: "timeseries",
        unit: "s",
        queries: [q('histogram_quantile(0.95, sum by (le, service) (rate(traefik_service_request_duration_seconds_bucket{job="traefik"}[5m])))', "{{service}}")],
      },
    );
  }
  if (traffic.length > 0) {
    const needs = (["cloudflared", "traefik"] as const).filter((k) => kinds.has(k));
    result.push({ uid: "homelab-traffic", title: "Homelab tunnel and Traefik traffic", needs, panels: traffic });
  }
  return result;
}

/** Grafana's dashboard JSON: panels two per row, queries against the provisioned datasource. */
export function renderDashboard(d: Dashboard): string {
  const datasource = { type: "prometheus", uid: DATASOURCE_UID };
  const panels = d.panels.map((p, i) => ({
    id: i + 1,
    title: p.title,
    type: p.type,
    ...(p.description ? { description: p.description } : {}),
    datasource,
    gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
    fieldConfig: {
      defaults: {
        unit: p.unit,
        ...(p.redAbove !== undefined
          ? { thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: p.redAbove }] } }
          : {}),
      },
      overrides: [],
    },
    options: {},
    targets: p.queries.map((x, j) => ({ refId: String.fromCharCode(65 + j), datasource, expr: x.expr, legendFormat: x.legend })),
  }));
  const json = {
    uid: d.uid,
    title: d.title,
    tags: ["homelab"],
    editable: false,
    schemaVersion: 39,
    version: 1,
    time: { from: "now-24h", to: "now" },
    refresh: "1m",
    timezone: "browser",
    panels,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
