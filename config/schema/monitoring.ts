import { z } from "zod";
import { dnsLabel, email } from "./common";

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
