import type { Homelab } from "../../config";
import type { ReportSection } from "../../src/plan-report";

/** Plan report of this component, from the model alone. */
export function monitoringReport(model: Homelab): ReportSection[] {
  void model;
  return [];
}
