import { toYaml } from "../shared/yaml";
import type { Homelab } from "../../config";
import { TASK_LABEL } from "./alert-rules";
import { guests, PORTS, scrapeJobs, type ScrapeJob } from "./targets";

/** Where the rule file lives, relative to prometheus.yml (Prometheus resolves it against the config's directory). */
export const RULES_FILE = "rules/homelab.yml";

const local = (port: number): string => `127.0.0.1:${port}`;

/** Scrape config of one job; exporters that take a `target` parameter are reached through relabelling. */
function scrapeConfig(model: Homelab, job: ScrapeJob): Record<string, unknown> {
  const base = {
    job_name: job.name,
    metrics_path: job.metricsPath,
    static_configs: job.targets.map((t) => ({ targets: [t.address], labels: { ...t.labels } })),
  };
  switch (job.kind) {
    case "node":
      return {
        ...base,
        metric_relabel_configs: [
          // The backup textfile metrics carry their own `job` (backup|prune|check); Prometheus keeps it as
          // exported_job. Give it a clear name instead.
          { source_labels: ["exported_job"], regex: "(.+)", target_label: TASK_LABEL, replacement: "$1" },
          { action: "labeldrop", regex: "exported_job" },
        ],
      };
    case "pve":
      return {
        ...base,
        params: { module: ["default"], cluster: ["1"], node: ["1"] },
        relabel_configs: [
          { source_labels: ["__address__"], target_label: "__param_target" },
          { source_labels: ["__param_target"], target_label: "instance" },
          { target_label: "__address__", replacement: local(PORTS.pveExporter) },
        ],
        // The exporter names containers by `lxc/<vmid>`; name them by service, from the model.
        metric_relabel_configs: guests(model).map((g) => ({
          source_labels: ["id"],
          regex: g.id,
          target_label: "service",
          replacement: g.service,
        })),
      };
    case "probe":
      return {
        ...base,
        params: { module: ["http_2xx"] },
        relabel_configs: [
          { source_labels: ["__address__"], target_label: "__param_target" },
          { source_labels: ["__param_target"], target_label: "instance" },
          { target_label: "__address__", replacement: local(PORTS.blackbox) },
        ],
      };
    default:
      return base;
  }
}

/** prometheus.yml: every job from the model, the rule file beside it, alerts to the local Alertmanager. */
export function renderPrometheusConfig(model: Homelab): string {
  const interval = model.monitoring.scrapeInterval;
  const config = {
    global: {
      scrape_interval: interval,
      evaluation_interval: interval,
      external_labels: { homelab: model.domain },
    },
    rule_files: [RULES_FILE],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [local(PORTS.alertmanager)] }] }] },
    scrape_configs: scrapeJobs(model).map((job) => scrapeConfig(model, job)),
  };
  return `# Rendered by the MonitoringStack component; do not edit in the container.\n${toYaml(config)}`;
}
