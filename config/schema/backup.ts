import * as z from "zod";
import { calendar, proxmoxCalendar } from "./common";

/** Snapshots `restic forget` keeps per source: the newest one of each of the last N days, weeks, ... */
const retentionSchema = z.strictObject({
  /** Days with a snapshot kept. Defaults to 7. */
  daily: z.number().int().min(0).default(7),
  /** Weeks with a snapshot kept. Defaults to 4. */
  weekly: z.number().int().min(0).default(4),
  /** Months with a snapshot kept. Defaults to 12. */
  monthly: z.number().int().min(0).default(12),
  /** Years with a snapshot kept. Defaults to 2. */
  yearly: z.number().int().min(0).default(2),
});

/** A systemd time span in whole minutes, hours or days, at least 1 (0 or "infinity" would never stop a hung job). */
const jobTimeout = z.string().regex(/^[1-9]\d*(min|h|d)$/, { message: "must be a whole number of minutes, hours or days, like 12h or 3d" });

export const backupSchema = z.strictObject({
  /** Back up to Backblaze B2 with restic. Defaults to true. */
  enabled: z.boolean().default(true),
  /** B2 bucket name, globally unique. */
  bucket: z.string(),
  /**
   * The bucket's S3 endpoint, as B2's Buckets page shows it (e.g. `s3.us-west-004.backblazeb2.com`).
   * restic talks to B2 through its S3-compatible API; the region is the endpoint's second label.
   */
  endpoint: z.string().regex(/^s3\.[a-z]+-[a-z]+-\d{3}\.backblazeb2\.com$/, {
    message: "must be the bucket's S3 endpoint from B2's Buckets page, like s3.us-west-004.backblazeb2.com (no https://, no bucket)",
  }),
  /** Path prefix inside the bucket for the restic repository. Defaults to `restic`. */
  prefix: z.string().regex(/^[a-z0-9][a-z0-9/_-]*$/).default("restic"),
  /** When each job runs (systemd OnCalendar). */
  schedules: z
    .strictObject({
      /** The backup of every dataset and the Postgres dump. Defaults to daily at 03:00. */
      backup: calendar.default("*-*-* 03:00:00"),
      /** `restic forget --prune` with the retention. Defaults to Sundays at 05:00. */
      prune: calendar.default("Sun *-*-* 05:00:00"),
      /** `restic check --read-data-subset`. Defaults to the first of each month at 06:00. */
      check: calendar.default("*-*-01 06:00:00"),
    })
    .default({ backup: "*-*-* 03:00:00", prune: "Sun *-*-* 05:00:00", check: "*-*-01 06:00:00" }),
  /**
   * How long the backup may run before systemd stops it (TimeoutStartSec), so a hung one ends, records
   * its failure and alerts. Long for a first upload of terabytes: a seed cut short resumes from what it
   * uploaded at the next scheduled run. Defaults to 3d.
   */
  backupTimeout: jobTimeout.default("3d"),
  /** How long the prune may run before systemd stops it (TimeoutStartSec). Defaults to 12h. */
  pruneTimeout: jobTimeout.default("12h"),
  /** How long the check may run before systemd stops it (TimeoutStartSec). Defaults to 12h. */
  checkTimeout: jobTimeout.default("12h"),
  /** Random delay added to each schedule so jobs do not start at the same second. Defaults to 30min. */
  randomizedDelay: z.string().regex(/^\d+(s|min|h)$/).default("30min"),
  retention: retentionSchema.default({ daily: 7, weekly: 4, monthly: 12, yearly: 2 }),
  /** Share of pack data `restic check` reads each run; keeps B2 download costs low. Defaults to 5%. */
  checkReadDataSubset: z.string().regex(/^([1-9]\d?%|100%)$/, { message: "must be a percentage like 5%" }).default("5%"),
  /** Days before B2 deletes a hidden (deleted) file version. Defaults to 1. */
  daysHiddenBeforeDelete: z.number().int().min(1).max(365).default(1),
  /** Storage price used for the cost estimate, USD per TB-month. Defaults to 6. */
  pricePerTbMonthUsd: z.number().min(0).default(6),
  /** Proxmox-native container backups (vzdump) to the RAID tier. */
  vzdump: z
    .strictObject({
      /** Back up every container's root disk with vzdump. Defaults to true. */
      enabled: z.boolean().default(true),
      /** When vzdump runs: a Proxmox calendar event (close to systemd's, without ~, time zones or fractions). Defaults to Sundays 01:00. */
      schedule: proxmoxCalendar.default("sun 01:00"),
      /** Dumps kept per container on the RAID tier. Defaults to 4. */
      keepLast: z.number().int().min(1).default(4),
    })
    .default({ enabled: true, schedule: "sun 01:00", keepLast: 4 }),
});
