import type { Homelab, Problem } from "../model";
import { duplicates } from "./duplicates";
import { requireRole } from "./roles";

/** Monitoring: its services exist and receivers have distinct names. */
export function checkMonitoring(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  if (model.monitoring.enabled) {
    requireRole(model, model.monitoring.prometheusService, "prometheus", "homelab:monitoring.prometheusService", problems);
    requireRole(model, model.monitoring.grafanaService, "grafana", "homelab:monitoring.grafanaService", problems);
    problems.push(...duplicates(model.monitoring.receivers.map((r, i) => ({ r, i })), ({ r }) => r.name, ({ i }) => `homelab:monitoring.receivers.${i}.name`, "receiver name"));
  }
  return problems;
}
