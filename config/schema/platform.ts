import { z } from "zod";
import { calendar, dnsLabel, email, domainName } from "./common";

export const postgresSchema = z.strictObject({
  /** Run the shared PostgreSQL. Apps with a database need it. Defaults to true. */
  enabled: z.boolean().default(true),
  /** The service (a catalog `postgres` app) that hosts the cluster. Defaults to `postgres`. */
  service: dnsLabel.default("postgres"),
  /** PostgreSQL major version; Immich supports 14 to 18. Defaults to 16. */
  version: z.number().int().min(14).max(18).default(16),
  /** Connections kept for the admin and maintenance on top of the apps' pools. Defaults to 5. */
  adminConnections: z.number().int().min(3).max(100).default(5),
  /** Connections kept for the metrics exporter. Defaults to 3. */
  monitoringConnections: z.number().int().min(1).max(20).default(3),
});

export const ingressSchema = z.strictObject({
  /** Publish routes through a Cloudflare Tunnel. Defaults to true. */
  enabled: z.boolean().default(true),
  /** Cloudflare account id (32 hex characters). */
  accountId: z.string().regex(/^[0-9a-f]{32}$/, { message: "must be a 32-character hex Cloudflare account id" }),
  /** Cloudflare zone id of the domain (32 hex characters). */
  zoneId: z.string().regex(/^[0-9a-f]{32}$/, { message: "must be a 32-character hex Cloudflare zone id" }),
  /** The service running Traefik. Defaults to `traefik`. */
  traefikService: dnsLabel.default("traefik"),
  /** The service running cloudflared. Defaults to `cloudflared`. */
  cloudflaredService: dnsLabel.default("cloudflared"),
  /** Who Cloudflare Access lets through to `protected` routes. */
  access: z
    .strictObject({
      emails: z.array(email).default([]),
      emailDomains: z.array(domainName).default([]),
      /** How long an Access login lasts. Defaults to 24h. */
      sessionDuration: z.string().regex(/^\d+(m|h)$/, { message: "must be a duration like 24h or 30m" }).default("24h"),
    })
    .default({ emails: [], emailDomains: [], sessionDuration: "24h" }),
});

const retentionSchema = z.strictObject({
  daily: z.number().int().min(0).default(7),
  weekly: z.number().int().min(0).default(4),
  monthly: z.number().int().min(0).default(12),
  yearly: z.number().int().min(0).default(2),
});

export const backupSchema = z.strictObject({
  /** Back up to Backblaze B2 with restic. Defaults to true. */
  enabled: z.boolean().default(true),
  /** B2 bucket name, globally unique. */
  bucket: z.string(),
  /** Path prefix inside the bucket for the restic repository. Defaults to `restic`. */
  prefix: z.string().regex(/^[a-z0-9][a-z0-9/_-]*$/).default("restic"),
  /** When each job runs (systemd OnCalendar). */
  schedules: z
    .strictObject({
      backup: calendar.default("*-*-* 03:00:00"),
      prune: calendar.default("Sun *-*-* 05:00:00"),
      check: calendar.default("*-*-01 06:00:00"),
    })
    .default({ backup: "*-*-* 03:00:00", prune: "Sun *-*-* 05:00:00", check: "*-*-01 06:00:00" }),
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
      enabled: z.boolean().default(true),
      schedule: z.string().min(1).default("sun 01:00"),
      keepLast: z.number().int().min(1).default(4),
    })
    .default({ enabled: true, schedule: "sun 01:00", keepLast: 4 }),
});

export const receiverSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("ntfy"),
    name: dnsLabel,
    /** ntfy server, e.g. https://ntfy.sh. */
    url: z.string().url(),
    topic: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    /** The topic needs a token (from `homelab:ntfyToken`). */
    authenticated: z.boolean().default(false),
  }),
  z.strictObject({
    type: z.literal("email"),
    name: dnsLabel,
    to: email,
    from: email,
    /** SMTP server as host:port. */
    smarthost: z.string().regex(/^[a-z0-9.-]+:\d+$/, { message: "must be host:port" }),
    /** SMTP user; the password comes from `homelab:smtpPassword`. */
    username: z.string().min(1),
  }),
  z.strictObject({
    type: z.literal("webhook"),
    name: dnsLabel,
    url: z.string().url(),
    /** Send a bearer token (from `homelab:webhookToken`). */
    bearerToken: z.boolean().default(false),
  }),
]);

export const monitoringSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Service running Prometheus and Alertmanager. Defaults to `prometheus`. */
  prometheusService: dnsLabel.default("prometheus"),
  /** Service running Grafana. Defaults to `grafana`. */
  grafanaService: dnsLabel.default("grafana"),
  scrapeInterval: z.string().regex(/^\d+(s|m)$/).default("30s"),
  /** TSDB retention by time and by size, whichever is reached first. */
  retention: z
    .strictObject({
      time: z.string().regex(/^\d+(d|w|y)$/).default("30d"),
      size: z.string().regex(/^\d+(MB|GB|TB)$/).default("20GB"),
    })
    .default({ time: "30d", size: "20GB" }),
  /** A backup older than this many hours raises BackupStale. Defaults to 26. */
  backupStaleHours: z.number().int().min(1).default(26),
  receivers: z.array(receiverSchema).default([]),
});
