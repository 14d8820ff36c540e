import type { Homelab } from "../config";
import type { ReportSection } from "./plan-report";

/** Each component's plan report, in the order of the composition. */
export function componentReports(model: Homelab): ReportSection[] {
  const sections: ReportSection[] = [];
  void model;
  return sections;
}
