/** Where the backup jobs live on the Proxmox host. Scripts and units are rendered against these. */

export const JOBS = ["backup", "prune", "check"] as const;
export type ResticJob = (typeof JOBS)[number];

export interface HostLayout {
  /** Directory of the rendered job and restore scripts. */
  readonly scriptDir: string;
  /** 0600 file with RESTIC_REPOSITORY, RESTIC_PASSWORD_FILE and the B2 key; the scripts source it. */
  readonly envFile: string;
  /** 0600 file holding only the repository password. */
  readonly passwordFile: string;
  /** node-exporter's textfile collector directory; each job writes homelab_restic_<job>.prom there. */
  readonly textfileDir: string;
  /** flock file shared by every job, so backup, prune and check never overlap. */
  readonly lockFile: string;
  /** Directory of the systemd units. */
  readonly unitDir: string;
}

export const HOST_LAYOUT: HostLayout = {
  scriptDir: "/usr/local/lib/homelab",
  envFile: "/etc/homelab/restic/restic.env",
  passwordFile: "/etc/homelab/restic/password",
  textfileDir: "/var/lib/prometheus/node-exporter",
  lockFile: "/run/lock/homelab-restic.lock",
  unitDir: "/etc/systemd/system",
};

export const scriptName = (job: ResticJob | "restore" | "state"): string => `homelab-restic-${job}`;
export const scriptPath = (layout: HostLayout, job: ResticJob | "restore" | "state"): string => `${layout.scriptDir}/${scriptName(job)}`;
/** Every unit of the backup jobs starts with this; `systemctl list-timers '<prefix>*'` lists them. */
export const UNIT_PREFIX = "homelab-restic-";
export const unitName = (job: ResticJob, kind: "service" | "timer"): string => `${UNIT_PREFIX}${job}.${kind}`;
export const metricsFile = (layout: HostLayout, job: ResticJob): string => `${layout.textfileDir}/homelab_restic_${job}.prom`;
