import { at, type BadInput } from "./types";

/** Backup settings and dataset backup flags that must be rejected before anything registers. */
export const cases: BadInput[] = [
  {
    name: "a bucket name starting with b2-",
    mutate: (c) => void (at(c, "homelab:backup").bucket = "b2-homelab-backups"),
    path: "homelab:backup.bucket",
    message: /must be a B2 bucket name.*not starting with b2-/,
  },
  {
    name: "a bucket name too short for B2",
    mutate: (c) => void (at(c, "homelab:backup").bucket = "bkp"),
    path: "homelab:backup.bucket",
    message: /6-63 letters, digits and hyphens/,
  },
  {
    name: "a bucket name with an underscore",
    mutate: (c) => void (at(c, "homelab:backup").bucket = "homelab_backups"),
    path: "homelab:backup.bucket",
    message: /must be a B2 bucket name/,
  },
  {
    name: "a B2 endpoint written as a URL",
    mutate: (c) => void (at(c, "homelab:backup").endpoint = "https://s3.us-west-004.backblazeb2.com"),
    path: "homelab:backup.endpoint",
    message: /must be the bucket's S3 endpoint from B2's Buckets page, like s3\.us-west-004\.backblazeb2\.com/,
  },
  {
    name: "a B2 endpoint that is not Backblaze's",
    mutate: (c) => void (at(c, "homelab:backup").endpoint = "s3.amazonaws.com"),
    path: "homelab:backup.endpoint",
    message: /must be the bucket's S3 endpoint/,
  },
  {
    name: "no B2 endpoint",
    mutate: (c) => void delete at(c, "homelab:backup").endpoint,
    path: "homelab:backup.endpoint",
    message: /is required/,
  },
  {
    name: "a live SQLite database given as an absolute path",
    mutate: (c) => void (at(c, "homelab:services", "grafana", "datasets", "data").sqlite = ["/var/lib/grafana/grafana.db"]),
    path: "homelab:services.grafana.datasets.data.sqlite.0",
    message: /must be a database file relative to the dataset, like data\/library\.db/,
  },
  {
    name: "a repository prefix with a trailing slash",
    mutate: (c) => void (at(c, "homelab:backup").prefix = "restic/"),
    path: "homelab:backup.prefix",
    message: /must not end with '\/'/,
  },
  {
    name: "a retention that keeps no snapshot",
    mutate: (c) => void (at(c, "homelab:backup").retention = { daily: 0, weekly: 0, monthly: 0, yearly: 0 }),
    path: "homelab:backup.retention",
    message: /keeps no snapshot at all/,
  },
  {
    name: "a check subset above 100%",
    mutate: (c) => void (at(c, "homelab:backup").checkReadDataSubset = "150%"),
    path: "homelab:backup.checkReadDataSubset",
    message: /must be a percentage like 5%/,
  },
  {
    name: "a backup schedule that is not an OnCalendar expression",
    mutate: (c) => void (at(c, "homelab:backup", "schedules").backup = "daily at 3am; rm -rf /"),
    path: "homelab:backup.schedules.backup",
    message: /must be a systemd OnCalendar expression/,
  },
  {
    name: "a vzdump schedule that is not a calendar event",
    mutate: (c) => void (at(c, "homelab:backup", "vzdump").schedule = "every sunday!"),
    path: "homelab:backup.vzdump.schedule",
    message: /must be a Proxmox calendar event .*'every' is neither a weekday/,
  },
  {
    name: "a backup schedule in cron syntax",
    mutate: (c) => void (at(c, "homelab:backup", "schedules").backup = "0 3 * * *"),
    path: "homelab:backup.schedules.backup",
    message: /must be a systemd OnCalendar expression \(systemd\.time\(7\)\) like '\*-\*-\* 03:00:00'.*: .*\(got the string '0 3 \* \* \*'\)/,
  },
  {
    name: "a prune schedule in English",
    mutate: (c) => void (at(c, "homelab:backup", "schedules").prune = "every sunday at 5"),
    path: "homelab:backup.schedules.prune",
    message: /must be a systemd OnCalendar expression/,
  },
  {
    name: "a check schedule at hour 24",
    mutate: (c) => void (at(c, "homelab:backup", "schedules").check = "*-*-01 24:00:00"),
    path: "homelab:backup.schedules.check",
    message: /hour 24 is outside 0-23/,
  },
  {
    name: "a backup schedule with a weekday range written backwards",
    mutate: (c) => void (at(c, "homelab:backup", "schedules").backup = "Fri..Mon 03:00"),
    path: "homelab:backup.schedules.backup",
    message: /weekday range must run forward/,
  },
  {
    name: "a backup schedule whose day repetition runs past the month",
    mutate: (c) => void (at(c, "homelab:backup", "schedules").backup = "*-*-20/15 03:00"),
    path: "homelab:backup.schedules.backup",
    message: /20\/15 repeats past the end of the day field/,
  },
  {
    name: "a vzdump schedule counting days from the month's end, which Proxmox does not parse",
    mutate: (c) => void (at(c, "homelab:backup", "vzdump").schedule = "*-*~01 01:00"),
    path: "homelab:backup.vzdump.schedule",
    message: /must be a Proxmox calendar event .*Proxmox cannot parse '~01 01:00'/,
  },
  {
    name: "a vzdump schedule with a time zone",
    mutate: (c) => void (at(c, "homelab:backup", "vzdump").schedule = "sun 01:00 Europe/Berlin"),
    path: "homelab:backup.vzdump.schedule",
    message: /must be a Proxmox calendar event/,
  },
  {
    name: "a vzdump schedule in cron syntax",
    mutate: (c) => void (at(c, "homelab:backup", "vzdump").schedule = "0 1 * * 0"),
    path: "homelab:backup.vzdump.schedule",
    message: /must be a Proxmox calendar event/,
  },
  {
    name: "hidden B2 versions kept for zero days",
    mutate: (c) => void (at(c, "homelab:backup").daysHiddenBeforeDelete = 0),
    path: "homelab:backup.daysHiddenBeforeDelete",
    message: /too small|>=1/,
  },
  {
    name: "a file-level backup of the live Postgres data directory",
    mutate: (c) => void (at(c, "homelab:services", "postgres", "datasets", "data").backup = true),
    path: "homelab:services.postgres.datasets.data.backup",
    message: /holds a live database.*Postgres dump backs it up/,
  },
  {
    name: "an exclude pattern that leaves its dataset",
    mutate: (c) => void (at(c, "homelab:storage", "datasets", "media").excludes = ["../downloads/**"]),
    path: "homelab:storage.datasets.media.excludes",
    message: /relative to the dataset/,
  },
  {
    name: "a backed-up dataset named like the Postgres dump",
    mutate: (c) => void (at(c, "homelab:storage", "datasets").postgres = { tier: "raid", quotaGiB: 10, content: "documents" }),
    path: "homelab:storage.datasets.postgres",
    message: /cannot be named 'postgres'/,
  },
];
