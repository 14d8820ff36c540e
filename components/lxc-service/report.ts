import { unverifiedDownloadWarnings, upgradeWarnings, type Homelab } from "../../config";
import { table, type ReportSection } from "../shared/report";
import { hardlinkFindings } from "./hardlinks";

/** Plan report: per service its container (vmid, IP, sizes), where its mounts come from, and major upgrades. */
export function servicesReport(model: Homelab): ReportSection[] {
  const containers: ReportSection = {
    title: "Containers",
    lines: table([
      ["service", "vmid", "ip", "cores", "memory MiB", "swap MiB", "root GiB", "privileged", "start"],
      ...[...model.services]
        .sort((a, b) => a.vmId - b.vmId)
        .map((s) => [s.name, s.vmId, s.ip, s.cores, s.memoryMiB, s.swapMiB, s.diskGiB, s.unprivileged ? "no" : "yes", s.startupOrder] as const),
    ]),
  };
  const mounts: ReportSection = {
    title: "Mounts (dataset -> path in container)",
    lines: table([
      ["service", "dataset", "tier", "host path", "path", "access"],
      ...model.services.flatMap((s) => s.mounts.map((m) => [s.name, m.dataset, m.tier, m.hostPath, m.path, m.readOnly ? "ro" : "rw"] as const)),
    ]),
  };
  const hardlinks = hardlinkFindings(model);
  const upgrades = upgradeWarnings(model);
  const unverified = unverifiedDownloadWarnings(model);
  return [
    containers,
    mounts,
    ...(hardlinks.length > 0 ? [{ title: "Hardlinks (*arr imports)", lines: hardlinks }] : []),
    ...(upgrades.length > 0 ? [{ title: "Major upgrades (install.from -> install.version)", lines: upgrades }] : []),
    ...(unverified.length > 0 ? [{ title: "Downloads without a checksum", lines: unverified }] : []),
  ];
}
