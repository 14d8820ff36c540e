import type { Homelab } from "../../config";
import { JOBS, scriptPath, unitName, type HostLayout, type ResticJob } from "./layout";

export { UNIT_PREFIX, unitName } from "./layout";

export interface UnitPair {
  readonly job: ResticJob;
  readonly service: string;
  readonly timer: string;
  /** OnCalendar of the timer, for `systemd-analyze calendar` and the plan report. */
  readonly schedule: string;
}

const DESCRIPTION: Record<ResticJob, string> = {
  backup: "homelab restic backup of the Postgres dump and the datasets",
  prune: "homelab restic forget --prune with the configured retention",
  check: "homelab restic check with a random subset of the data",
};

/**
 * Ordering for when two jobs are due together (after a missed run, say). It only orders jobs started
 * in the same transaction; the shared flock in the scripts is what keeps them from overlapping. Not
 * Conflicts=, which would stop a running backup to start a prune.
 */
const AFTER: Record<ResticJob, readonly ResticJob[]> = { backup: [], prune: ["backup"], check: ["backup", "prune"] };

/** A oneshot service that runs the job's script, and the timer that starts it. */
export function renderUnits(job: ResticJob, settings: NonNullable<Homelab["backup"]>, layout: HostLayout): UnitPair {
  const schedule = settings.schedules[job];
  const after = ["network-online.target", ...AFTER[job].map((j) => unitName(j, "service"))];
  const service = `[Unit]
Description=${DESCRIPTION[job]}
Wants=network-online.target
After=${after.join(" ")}

[Service]
Type=oneshot
ExecStart=${scriptPath(layout, job)}
Environment=RESTIC_CACHE_DIR=/var/cache/restic
CacheDirectory=restic
Nice=10
IOSchedulingClass=idle
# A hung job is stopped (SIGTERM), records its failure in the metrics and alerts.
TimeoutStartSec=${settings[`${job}Timeout`]}
`;
  const timer = `[Unit]
Description=Schedule of ${DESCRIPTION[job]}

[Timer]
OnCalendar=${schedule}
RandomizedDelaySec=${settings.randomizedDelay}
# A run missed while the host was off starts at the next boot.
Persistent=true
Unit=${unitName(job, "service")}

[Install]
WantedBy=timers.target
`;
  return { job, service, timer, schedule };
}

export const renderAllUnits = (settings: NonNullable<Homelab["backup"]>, layout: HostLayout): UnitPair[] =>
  JOBS.map((job) => renderUnits(job, settings, layout));

/** The name of every unit `renderAllUnits` writes, for runbooks that must name only real units. */
export const renderedUnitNames = (): string[] => JOBS.flatMap((job) => [unitName(job, "service"), unitName(job, "timer")]);
