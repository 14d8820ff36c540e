import type { Homelab } from "../config";
import { firewallReport } from "../components/firewall/report";
import { servicesReport } from "../components/lxc-service/report";
import { monitoringReport } from "../components/monitoring-stack/report";
import { backupReport } from "../components/restic-backup/report";
import { postgresReport } from "../components/shared-postgres/report";
import { storageReport } from "../components/tiered-storage/report";
import { ingressReport } from "../components/tunnel-ingress/report";
import type { ReportSection } from "../components/shared/report";

/** Each component's plan report, in the order of the composition. */
export function componentReports(model: Homelab): ReportSection[] {
  return [
    ...servicesReport(model),
    ...storageReport(model),
    ...postgresReport(model),
    ...ingressReport(model),
    ...firewallReport(model),
    ...backupReport(model),
    ...monitoringReport(model),
  ];
}
