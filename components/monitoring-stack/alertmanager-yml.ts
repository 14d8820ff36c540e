import type { Homelab } from "../../config";
import { HEARTBEAT_FAIL_RECEIVER, HEARTBEAT_RECEIVER, NULL_RECEIVER } from "../../config/schema/monitoring";
import { NOTIFICATIONS_FAILING_ALERT, WATCHDOG_ALERT, type Severity } from "./alert-rules";
import { toYaml } from "../shared/yaml";

/**
 * alertmanager.yml: the receivers of the stack file, grouped notifications, and inhibition so that one
 * outage pages once. Credentials never appear here: each receiver that needs one reads it from its own
 * 0600 file (see `receiverSecretFile`), so this file is not a secret.
 */

export type Receiver = Homelab["monitoring"]["receivers"][number];
export type SecretName = "ntfyToken" | "smtpPassword" | "webhookToken";

/** Directory of the credential files, readable only by the prometheus user Alertmanager runs as. */
export const SECRETS_DIR = "/etc/prometheus/secrets";

/** The secret a receiver needs, or undefined. */
export function receiverSecret(r: Receiver): SecretName | undefined {
  switch (r.type) {
    case "ntfy":
      return r.authenticated ? "ntfyToken" : undefined;
    case "email":
      return "smtpPassword";
    case "webhook":
      return r.bearerToken ? "webhookToken" : undefined;
  }
}

/** The file holding a receiver's credential. */
export const receiverSecretFile = (r: Receiver): string => `${SECRETS_DIR}/${r.name}-${r.type}`;

export { NULL_RECEIVER };

/** Alerts of the same kind on the same service arrive as one notification. */
export const GROUP_BY = ["alertname", "service", "node"] as const;

/** How often an unresolved alert is sent again, by severity. */
export const REPEAT_INTERVAL: Readonly<Record<Exclude<Severity, "none">, string>> = { critical: "2h", warning: "12h" };

/** ntfy publishes a webhook body through its template parameters (title and message from the alert JSON). */
function ntfyUrl(r: Extract<Receiver, { type: "ntfy" }>): string {
  const params = new URLSearchParams({
    template: "yes",
    title: '{{.status}}: {{(index .alerts 0).labels.alertname}} {{(index .alerts 0).labels.service}}',
    message: "{{range .alerts}}{{.annotations.summary}}\n{{end}}",
    tags: "rotating_light",
  });
  return `${r.url.replace(/\/+$/, "")}/${r.topic}?${params.toString()}`;
}

function receiverConfig(r: Receiver): Record<string, unknown> {
  switch (r.type) {
    case "ntfy":
      return {
        name: r.name,
        webhook_configs: [
          {
            url: ntfyUrl(r),
            send_resolved: true,
            ...(r.authenticated ? { http_config: { authorization: { type: "Bearer", credentials_file: receiverSecretFile(r) } } } : {}),
          },
        ],
      };
    case "email":
      return {
        name: r.name,
        email_configs: [
          {
            to: r.to,
            from: r.from,
            smarthost: r.smarthost,
            auth_username: r.username,
            auth_password_file: receiverSecretFile(r),
            require_tls: true,
            send_resolved: true,
          },
        ],
      };
    case "webhook":
      return {
        name: r.name,
        webhook_configs: [
          {
            url: r.url,
            send_resolved: true,
            ...(r.bearerToken ? { http_config: { authorization: { type: "Bearer", credentials_file: receiverSecretFile(r) } } } : {}),
          },
        ],
      };
  }
}

/** The inhibition rules: the cause silences its consequences. */
export const INHIBIT_RULES = [
  // With the host down every per-service alert of that host is a consequence.
  { source_matchers: ['alertname="HostDown"'], target_matchers: ['scope="service"'], equal: ["node"] },
  // A stopped container explains its failing probes, scrapes and service alerts.
  {
    source_matchers: ['alertname="ContainerDown"'],
    target_matchers: ['alertname=~"ServiceProbeFailing|TargetDown|PostgresDown|PostgresConnectionsNearMax|TunnelDown|ContainerMemoryPressure|ContainerDiskFull"'],
    equal: ["service"],
  },
  // A tier that is almost full no longer needs the forecast that it will fill up.
  { source_matchers: ['alertname="TierAlmostFull"'], target_matchers: ['alertname="TierFillingUp"'], equal: ["node", "mountpoint"] },
  // While a receiver cannot deliver, the heartbeat stops being pinged, so the heartbeat service reports
  // it through its own channels even when the broken receiver is the only phone.
  { source_matchers: [`alertname="${NOTIFICATIONS_FAILING_ALERT}"`], target_matchers: [`alertname="${WATCHDOG_ALERT}"`], equal: [] },
] as const;

/**
 * The Watchdog goes to the heartbeat alone, first and without `continue`, so it never reaches a phone;
 * it is sent again every repeatInterval, which is the ping.
 */
function heartbeatRoute(heartbeat: NonNullable<Homelab["monitoring"]["heartbeat"]>): Record<string, unknown> {
  return {
    receiver: HEARTBEAT_RECEIVER,
    matchers: [`alertname="${WATCHDOG_ALERT}"`],
    group_wait: "0s",
    group_interval: "1m",
    repeat_interval: heartbeat.repeatInterval,
    continue: false,
  };
}

/** NotificationsFailing goes to the heartbeat's failure URL first, and on to the receivers (`continue`). */
function heartbeatFailRoute(): Record<string, unknown> {
  return {
    receiver: HEARTBEAT_FAIL_RECEIVER,
    matchers: [`alertname="${NOTIFICATIONS_FAILING_ALERT}"`],
    group_wait: "0s",
    continue: true,
  };
}

export function renderAlertmanagerConfig(model: Homelab): string {
  const receivers = model.monitoring.receivers;
  const heartbeat = model.monitoring.heartbeat;
  const config = {
    route: {
      receiver: NULL_RECEIVER,
      group_by: [...GROUP_BY],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: REPEAT_INTERVAL.warning,
      routes: [
        ...(heartbeat?.failUrl ? [heartbeatFailRoute()] : []),
        ...(heartbeat ? [heartbeatRoute(heartbeat)] : []),
        // Every receiver gets every alert; `continue` lets the next one match too.
        ...receivers.flatMap((r) =>
          Object.entries(REPEAT_INTERVAL).map(([severity, repeat]) => ({
            receiver: r.name,
            matchers: [`severity="${severity}"`],
            repeat_interval: repeat,
            continue: true,
          })),
        ),
      ],
    },
    inhibit_rules: INHIBIT_RULES.map((rule) => ({ ...rule, source_matchers: [...rule.source_matchers], target_matchers: [...rule.target_matchers], equal: [...rule.equal] })),
    receivers: [
      { name: NULL_RECEIVER },
      ...(heartbeat ? [{ name: HEARTBEAT_RECEIVER, webhook_configs: [{ url: heartbeat.url, send_resolved: false }] }] : []),
      ...(heartbeat?.failUrl ? [{ name: HEARTBEAT_FAIL_RECEIVER, webhook_configs: [{ url: heartbeat.failUrl, send_resolved: false }] }] : []),
      ...receivers.map(receiverConfig),
    ],
  };
  return `# Rendered by the MonitoringStack component; credentials are in ${SECRETS_DIR}, not here.\n${toYaml(config)}`;
}
