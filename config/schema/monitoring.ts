import * as z from "zod";
import { dnsLabel, email } from "./common";

/** Scrape jobs that exist whatever the services are, and jobs named after the infrastructure role they scrape. */
export const FIXED_JOBS = ["node", "pve", "probe"] as const;
export const ROLE_JOBS = ["prometheus", "alertmanager", "grafana", "traefik", "cloudflared", "postgres"] as const;
/** An app service's scrape job takes the service's name, so these names are taken. */
export const RESERVED_JOB_NAMES: readonly string[] = [...FIXED_JOBS, ...ROLE_JOBS];
/** Alertmanager's root receiver, which drops what no configured receiver gets. */
export const NULL_RECEIVER = "discard";
/** The receiver of the always-firing Watchdog alert: the external heartbeat. */
export const HEARTBEAT_RECEIVER = "heartbeat";
/** The receiver of NotificationsFailing: the heartbeat's failure URL, which needs no working phone receiver. */
export const HEARTBEAT_FAIL_RECEIVER = "heartbeat-fail";

/** A Prometheus duration in whole units, at least 1 (0 would mean "keep nothing" or "forever"). */
const positive = (unitPattern: string, example: string) =>
  z
    .string()
    .regex(new RegExp(`^\\d+(${unitPattern})$`), { message: `must be a number and a unit, like ${example}` })
    .refine((v) => Number.parseInt(v, 10) > 0, { message: "must be greater than zero" });

/** Alertmanager posts to receivers over HTTP only: an http(s) URL. */
const httpUrl = z
  .string()
  .url({ message: "must be an http:// or https:// URL" })
  .refine((u) => /^https?:\/\//.test(u), { message: "must be an http:// or https:// URL: Alertmanager sends notifications over HTTP only" });

export const receiverSchema = z.discriminatedUnion("type", [
  z.strictObject({
    /** Posts each notification to an ntfy topic. */
    type: z.literal("ntfy"),
    /** The receiver's name in Alertmanager's configuration. */
    name: dnsLabel,
    /** ntfy server, e.g. https://ntfy.sh. */
    url: httpUrl,
    /** The ntfy topic notifications are posted to. */
    topic: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    /** The topic needs a token (from `homelab:ntfyToken`). */
    authenticated: z.boolean().default(false),
  }),
  z.strictObject({
    /** Sends each notification by email over SMTP. */
    type: z.literal("email"),
    /** The receiver's name in Alertmanager's configuration. */
    name: dnsLabel,
    /** Address the notifications go to. */
    to: email,
    /** Sender address. */
    from: email,
    /** SMTP server as host:port. */
    smarthost: z.string().regex(/^[a-z0-9.-]+:\d+$/, { message: "must be host:port" }),
    /** SMTP user; the password comes from `homelab:smtpPassword`. */
    username: z.string().min(1),
  }),
  z.strictObject({
    /** Posts each notification as JSON to a URL (Alertmanager's webhook format). */
    type: z.literal("webhook"),
    /** The receiver's name in Alertmanager's configuration. */
    name: dnsLabel,
    /** URL the notifications are posted to. */
    url: httpUrl,
    /** Send a bearer token (from `homelab:webhookToken`). */
    bearerToken: z.boolean().default(false),
  }),
]);

/**
 * A dead-man's switch: an external service (healthchecks.io, Uptime Kuma push on another machine, ...)
 * that expects a ping every `repeatInterval` and alerts by itself when the pings stop, because the host,
 * its internet link or the alerting pipeline is down.
 */
export const heartbeatSchema = z.strictObject({
  /** The ping URL; https only, since it travels the internet and often carries a token. */
  url: z
    .string()
    .url({ message: "must be an https:// URL" })
    .refine((u) => u.startsWith("https://"), { message: "must be an https:// URL: the heartbeat travels the internet" }),
  /** How often Alertmanager pings it; the service's period must be longer. Defaults to 5m. */
  repeatInterval: positive("m|h", "5m").default("5m"),
  /**
   * The URL that marks the heartbeat as failed (healthchecks.io: the ping URL with /fail), where
   * NotificationsFailing goes when a receiver cannot deliver. Left out, the heartbeat only notices the
   * Watchdog's missing pings, which that alert holds back while it fires.
   */
  failUrl: z
    .string()
    .url({ message: "must be an https:// URL" })
    .refine((u) => u.startsWith("https://"), { message: "must be an https:// URL: the heartbeat travels the internet" })
    .optional(),
});

export const monitoringSchema = z.strictObject({
  /** Run Prometheus, Alertmanager and Grafana. Defaults to true. */
  enabled: z.boolean().default(true),
  /** Service running Prometheus and Alertmanager. Defaults to `prometheus`. */
  prometheusService: dnsLabel.default("prometheus"),
  /** Service running Grafana. Defaults to `grafana`. */
  grafanaService: dnsLabel.default("grafana"),
  /** How often every target is scraped and rules are evaluated, e.g. 30s. */
  scrapeInterval: positive("s|m", "30s").default("30s"),
  /** TSDB retention by time and by size, whichever is reached first. */
  retention: z
    .strictObject({
      /** Days, weeks or years of samples, e.g. 30d. */
      time: positive("d|w|y", "30d").default("30d"),
      /** Size cap of the TSDB, e.g. 20GB (Prometheus counts these units in powers of 1024). */
      size: positive("MB|GB|TB", "20GB").default("20GB"),
    })
    .default({ time: "30d", size: "20GB" }),
  /** A backup older than this many hours raises BackupStale. Defaults to 26. */
  backupStaleHours: z.number().int().min(1).default(26),
  /** A prune older than this many days raises PruneStale; longer than the prune schedule's interval. Defaults to 8 (weekly prune). */
  pruneStaleDays: z.number().int().min(1).default(8),
  /** A repository check older than this many days raises CheckStale; longer than the check schedule's interval. Defaults to 32 (monthly check). */
  checkStaleDays: z.number().int().min(1).default(32),
  /**
   * Days the first backup may take (a seed of terabytes runs for days), counted from the job's first
   * run on the node, before BackupNeverSucceeded warns that no backup has ever succeeded. Defaults to 7.
   */
  backupSeedDays: z.number().int().min(1).max(90).default(7),
  /** Where Alertmanager sends notifications: ntfy, email or webhook receivers. */
  receivers: z.array(receiverSchema).default([]),
  /** External heartbeat the always-firing Watchdog alert pings; without it nothing notices a dead host. */
  heartbeat: heartbeatSchema.optional(),
});
