import { defaultTier, type Homelab } from "../../config";
import { table, type ReportSection } from "../shared/report";
import { estimateMonthlyCost } from "./cost";
import { JOBS } from "./layout";
import { s3Repository } from "./restic-env";
import { modelSources } from "./sources";

const keepText = (r: NonNullable<Homelab["backup"]>["retention"]): string =>
  `${r.daily} daily, ${r.weekly} weekly, ${r.monthly} monthly, ${r.yearly} yearly`;

/** Plan report: what is backed up from which tier, when, for how long, and what B2 will cost. */
export function backupReport(model: Homelab): ReportSection[] {
  const settings = model.backup;
  if (!settings?.enabled) return [{ title: "Backups", lines: ["restic backups to B2 are off (homelab:backup.enabled is false or unset)"] }];
  const sources = modelSources(model);
  const cost = estimateMonthlyCost(sources, settings.pricePerTbMonthUsd);
  // A live database directory is not copied as files; the dump above covers it.
  const dumped = (d: Homelab["datasets"][number]): boolean => d.content === "database" && model.postgres.enabled;
  const skipped = model.datasets.filter((d) => !d.backup && !dumped(d)).map((d) => d.name);
  const what = table([
    ["source", "tier", "from", "quota GiB", "excludes"],
    ...sources.map((s) =>
      s.kind === "dataset"
        ? [s.name, s.tier, s.path, s.quotaGiB, s.excludes.join(" ") || "-"]
        : [s.name, s.tier, `pg_dumpall in container ${s.vmId} (${s.service})`, s.quotaGiB, "-"],
    ),
  ]);
  const when = table([
    ["job", "schedule (OnCalendar)", "random delay", "what"],
    ...JOBS.map((job) => [
      job,
      settings.schedules[job],
      settings.randomizedDelay,
      job === "backup" ? "one snapshot per source, tagged with its name" : job === "prune" ? `forget --prune, keep ${keepText(settings.retention)} per source` : `check --read-data-subset=${settings.checkReadDataSubset}`,
    ]),
  ]);
  return [
    {
      title: `Backups: restic to ${s3Repository(settings.endpoint, settings.bucket, settings.prefix)}`,
      lines: [
        ...what,
        `not backed up: ${skipped.length > 0 ? skipped.join(", ") : "-"}`,
        "",
        ...when,
        `B2 keeps deleted (hidden) files ${settings.daysHiddenBeforeDelete} day(s), then the lifecycle rule removes them`,
        settings.vzdump.enabled
          ? `vzdump: ${model.services.length} containers (root disks, not bind mounts) to ${defaultTier(model.tiers, "bulk")?.proxmoxStorage} on the ${defaultTier(model.tiers, "bulk")?.name} tier, schedule '${settings.vzdump.schedule}', keep last ${settings.vzdump.keepLast}`
          : "vzdump: off",
        "",
        `estimated B2 storage: at most ${cost.gib} GiB (${cost.tb.toFixed(2)} TB) at ${settings.pricePerTbMonthUsd} USD/TB-month = ${cost.usdPerMonth.toFixed(2)} USD/month`,
        "  (every source full to its quota, stored once; deduplication and compression usually make it less)",
        "keep homelab:resticPassword in a password manager: without it no backup can be restored",
      ],
    },
  ];
}
