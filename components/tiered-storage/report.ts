import { budgets, nodeBudgets, sharedTierBudgets, type Homelab, type TierBudget } from "../../config";
import { table, type ReportSection } from "../shared/report";
import { ADOPTED_MARKER } from "./dataset-dir";

const percent = (part: number, whole: number): string => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : "-");

/**
 * Each tier's use against its capacity: on one host per tier; on a cluster per node for a node-local
 * tier (each node has its own disk, at its own size) and once for a shared one, as the node budgets count them.
 */
function tierRows(model: Homelab): (readonly (string | number)[])[] {
  const row = (t: TierBudget): (string | number)[] => [t.tier, model.tiers[t.tier]?.path ?? "-", t.capacityGiB, t.datasetsGiB, t.rootDisksGiB, t.usedGiB, percent(t.usedGiB, t.capacityGiB), t.headroomGiB];
  const header = ["tier", "path", "capacity GiB", "datasets GiB", "root disks GiB", "used GiB", "used", "headroom GiB"];
  if (!model.clustered) return [header, ...budgets(model).tiers.map(row)];
  return [
    ["node", ...header],
    ...nodeBudgets(model).flatMap((n) => n.tiers.map((t) => [n.node, ...row(t)])),
    ...sharedTierBudgets(model).map((t) => ["(shared)", ...row(t)]),
  ];
}

/** Plan report: use against capacity per tier, and every dataset with its owner on the host. */
export function storageReport(model: Homelab): ReportSection[] {
  const tiers: ReportSection = {
    title: "Storage tiers",
    lines: table(tierRows(model)).concat(
      // Quotas are a plan budget on every tier; on a share nothing on this host can enforce them.
      Object.values(model.tiers)
        .filter((t) => t.kind !== "local")
        .map((t) => `${t.name} is a ${t.kind} share mounted at ${t.path}: no quota is enforced on it from this host (no ZFS or filesystem quota); quotaGiB is a budget only, so set a share quota on the NAS`),
    ),
  };
  const datasets: ReportSection = {
    title: "Datasets (never deleted by the program)",
    lines: table([
      ["dataset", "tier", "host path", "quota GiB", "host owner", "mode", "backup"],
      ...model.datasets.map((d) => [d.name, d.tier, d.hostPath, d.quotaGiB, `${d.hostUid}:${d.hostGid}`, d.mode, d.backup ? (model.backup?.enabled ? "restic" : "no (backups off)") : "no"] as const),
    ]),
  };
  const adopted = model.datasets.filter((d) => d.adopt);
  const adoption: ReportSection = {
    title: "Existing data (adopt)",
    lines:
      adopted.length === 0
        ? ["none adopted: only each dataset's top directory is chowned; files already inside keep their owner (set adopt: true on a dataset to take them over)"]
        : adopted.map((d) => `${d.name}: everything already in ${d.hostPath} is chowned once to ${d.hostUid}:${d.hostGid} (remembered in ${ADOPTED_MARKER})`),
  };
  return [tiers, datasets, adoption];
}
