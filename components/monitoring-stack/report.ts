import type { Homelab } from "../../config";
import { table, type ReportSection } from "../shared/report";
import { receiverSecret, type Receiver } from "./alertmanager-yml";
import { alertRules } from "./alert-rules";
import { scrapeJobs } from "./targets";

const destination = (r: Receiver): string => {
  switch (r.type) {
    case "ntfy":
      return `${r.url.replace(/\/+$/, "")}/${r.topic}`;
    case "email":
      return `${r.to} via ${r.smarthost}`;
    case "webhook":
      return r.url;
  }
};

/** Plan report of this component, from the model alone: what is scraped, what alerts, who is told. */
export function monitoringReport(model: Homelab): ReportSection[] {
  if (!model.monitoring.enabled) return [{ title: "Monitoring", lines: ["disabled (homelab:monitoring.enabled is false)"] }];
  const jobs = scrapeJobs(model);
  const targets: ReportSection = {
    title: "Monitoring: scrape targets",
    lines: [
      ...table([["job", "kind", "target", "service"], ...jobs.flatMap((j) => j.targets.map((t) => [j.name, j.kind, t.address, t.labels.service ?? "-"]))]),
      `${jobs.reduce((n, j) => n + j.targets.length, 0)} targets in ${jobs.length} jobs, every ${model.monitoring.scrapeInterval}; TSDB kept ${model.monitoring.retention.time} or ${model.monitoring.retention.size}, whichever is reached first`,
    ],
  };
  const rules = alertRules(model);
  const alerts: ReportSection = {
    title: "Monitoring: alert rules",
    lines: [...table([["alert", "severity", "scope", "for"], ...rules.map((r) => [r.alert, r.severity, r.scope, r.for ?? "-"])]), `${rules.length} alerts, each with a firing and a quiet promtool test`],
  };
  const receivers = model.monitoring.receivers;
  const told: ReportSection = {
    title: "Monitoring: receivers",
    lines:
      receivers.length === 0
        ? ["no receivers: alerts show in Alertmanager only (add homelab:monitoring.receivers)"]
        : table([
            ["receiver", "type", "destination", "credential"],
            ...receivers.map((r) => {
              const secret = receiverSecret(r);
              return [r.name, r.type, destination(r), secret ? `homelab:${secret} (0600 file)` : "-"];
            }),
          ]),
  };
  return [targets, alerts, told];
}
