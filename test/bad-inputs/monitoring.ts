import { at, type BadInput } from "./types";

/** Monitoring inputs that must be rejected before anything is registered. */
export const cases: BadInput[] = [
  {
    name: "retention time written in words",
    mutate: (c) => void (at(c, "homelab:monitoring", "retention").time = "30 days"),
    path: "homelab:monitoring.retention.time",
    message: /must be a number and a unit, like 30d/,
  },
  {
    name: "a retention time of zero days",
    mutate: (c) => void (at(c, "homelab:monitoring", "retention").time = "0d"),
    path: "homelab:monitoring.retention.time",
    message: /greater than zero/,
  },
  {
    name: "retention size in GiB, which Prometheus does not parse",
    mutate: (c) => void (at(c, "homelab:monitoring", "retention").size = "30GiB"),
    path: "homelab:monitoring.retention.size",
    message: /must be a number and a unit, like 20GB/,
  },
  {
    name: "retention size larger than the TSDB dataset can hold",
    mutate: (c) => void (at(c, "homelab:monitoring", "retention").size = "1TB"),
    path: "homelab:monitoring.retention.size",
    message: /does not fit the TSDB dataset 'prometheus-tsdb' \(quota 40 GiB/,
  },
  {
    name: "two receivers share a name",
    mutate: (c) => {
      const m = at(c, "homelab:monitoring");
      m.receivers = [
        { type: "ntfy", name: "phone", url: "https://ntfy.sh", topic: "alerts" },
        { type: "webhook", name: "phone", url: "https://hooks.example.com/alert" },
      ];
    },
    path: "homelab:monitoring.receivers.1.name",
    message: /receiver name phone is also used by homelab:monitoring\.receivers\.0\.name/,
  },
  {
    name: "an email receiver whose SMTP password is stored in plain text",
    mutate: (c) => {
      at(c, "homelab:monitoring").receivers = [
        { type: "email", name: "mail", to: "ops@harmeetrai.com", from: "homelab@harmeetrai.com", smarthost: "smtp.example.com:587", username: "homelab" },
      ];
      c["homelab:smtpPassword"] = "hunter2hunter2";
    },
    path: "homelab:smtpPassword",
    message: /stored in plain text; set it again with: pulumi config set --secret homelab:smtpPassword/,
  },
  {
    name: "an email receiver whose smarthost has no port",
    mutate: (c) => {
      at(c, "homelab:monitoring").receivers = [
        { type: "email", name: "mail", to: "ops@harmeetrai.com", from: "homelab@harmeetrai.com", smarthost: "smtp.example.com", username: "homelab" },
      ];
    },
    path: "homelab:monitoring.receivers.0.smarthost",
    message: /must be host:port/,
  },
  {
    name: "a receiver named like the root receiver that discards alerts",
    mutate: (c) => void (at(c, "homelab:monitoring").receivers = [{ type: "webhook", name: "discard", url: "https://hooks.example.com/alert" }]),
    path: "homelab:monitoring.receivers.0.name",
    message: /'discard' is reserved/,
  },
  {
    name: "a heartbeat URL over plain http",
    mutate: (c) => void (at(c, "homelab:monitoring").heartbeat = { url: "http://hc-ping.com/abc" }),
    path: "homelab:monitoring.heartbeat.url",
    message: /must be an https:\/\/ URL/,
  },
  {
    name: "a heartbeat URL that is not a URL",
    mutate: (c) => void (at(c, "homelab:monitoring").heartbeat = { url: "hc-ping.com/abc" }),
    path: "homelab:monitoring.heartbeat.url",
    message: /must be an https:\/\/ URL/,
  },
  {
    name: "a heartbeat repeat interval in seconds words",
    mutate: (c) => void (at(c, "homelab:monitoring").heartbeat = { url: "https://hc-ping.com/abc", repeatInterval: "five minutes" }),
    path: "homelab:monitoring.heartbeat.repeatInterval",
    message: /must be a number and a unit, like 5m/,
  },
  {
    name: "a heartbeat failure URL over plain http",
    mutate: (c) => void (at(c, "homelab:monitoring").heartbeat = { url: "https://hc-ping.com/abc", failUrl: "http://hc-ping.com/abc/fail" }),
    path: "homelab:monitoring.heartbeat.failUrl",
    message: /must be an https:\/\/ URL/,
  },
  {
    name: "a receiver named like the heartbeat's failure receiver",
    mutate: (c) => void (at(c, "homelab:monitoring").receivers = [{ type: "webhook", name: "heartbeat-fail", url: "https://hooks.example.com/alert" }]),
    path: "homelab:monitoring.receivers.0.name",
    message: /'heartbeat-fail' is reserved/,
  },
  {
    name: "a receiver named like the heartbeat receiver",
    mutate: (c) => void (at(c, "homelab:monitoring").receivers = [{ type: "webhook", name: "heartbeat", url: "https://hooks.example.com/alert" }]),
    path: "homelab:monitoring.receivers.0.name",
    message: /'heartbeat' is reserved/,
  },
  {
    name: "a seed grace period of zero days",
    mutate: (c) => void (at(c, "homelab:monitoring").backupSeedDays = 0),
    path: "homelab:monitoring.backupSeedDays",
    message: /too small|>=1/,
  },
  {
    name: "a scrape interval without a unit",
    mutate: (c) => void (at(c, "homelab:monitoring").scrapeInterval = "30"),
    path: "homelab:monitoring.scrapeInterval",
    message: /must be a number and a unit, like 30s/,
  },
  {
    name: "Prometheus placed on an app's service",
    mutate: (c) => void (at(c, "homelab:monitoring").prometheusService = "immich"),
    path: "homelab:monitoring.prometheusService",
    message: /service 'immich' runs immich, not prometheus/,
  },
  {
    name: "an app with metrics named like a fixed scrape job",
    mutate: (c) => {
      const services = at(c, "homelab:services");
      services.probe = { ...(services.n8n as object), app: "n8n" };
      delete services.n8n;
    },
    path: "homelab:services.probe",
    message: /would take the name of the 'probe' scrape job/,
  },
  {
    name: "backups considered stale after zero hours",
    mutate: (c) => void (at(c, "homelab:monitoring").backupStaleHours = 0),
    path: "homelab:monitoring.backupStaleHours",
    message: /Too small|>=1/i,
  },
];
