import { toYaml } from "../shared/yaml";
import type { Homelab } from "../../config";
import { UPDATE_METRICS } from "../proxmox-host/container-updates";
import { UNIT_PREFIX, unitName } from "../restic-backup/systemd-units";
import type { ResticJob } from "../restic-backup/layout";
import { scrapeJobs, storageMatcher, watchedMountpoints, type JobKind } from "./targets";

/**
 * The alerts an operator must act on, rendered as a Prometheus rule file. Rules only exist for what
 * the homelab runs: no Postgres rules without a Postgres job, no backup rules without backups.
 */

/** `none` is the Watchdog's: it never pages, it only feeds the heartbeat. */
export type Severity = "critical" | "warning" | "none";
/** The always-firing alert that pings the external heartbeat while the whole pipeline works. */
export const WATCHDOG_ALERT = "Watchdog";
/** The alert on notifications Alertmanager could not deliver; it holds the Watchdog back while it fires. */
export const NOTIFICATIONS_FAILING_ALERT = "NotificationsFailing";
/** `host` alerts concern the whole node; `service` alerts one container and are silenced while the host is down. */
export type Scope = "host" | "service";

/** How an expression compares a measure with its threshold. */
export type Comparison = "<" | "<=" | ">" | ">=";
/** What a threshold counts: a share of a whole (said as a percentage) or a span of time in seconds. */
export type ThresholdUnit = "ratio" | "seconds";

/**
 * The number an alert compares a measure against. The expression and the summary are both rendered
 * from it, and rule-tests.ts puts promtool cases on both sides of it, so none of the three can drift.
 */
export interface Threshold {
  readonly op: Comparison;
  readonly value: number;
  readonly unit: ThresholdUnit;
}

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold, e.g. "5m"; undefined fires on the first evaluation. */
  readonly for: string | undefined;
  /**
   * The number the expression compares against; undefined for rules that test a state (`up == 0`, an
   * exit status `!= 0`) or only wait out their `for`. Its value is the only non-zero number the expression may hold.
   */
  readonly threshold?: Threshold;
  readonly severity: Severity;
  readonly scope: Scope;
  /** One line, may use `{{ $labels.<name> }}` of labels every alert of the rule carries. */
  readonly summary: string;
  /** Where to look first. */
  readonly runbook: string;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** Label the node job gives the backup metrics' own `job` label (Prometheus moves it to `exported_job`). */
export const TASK_LABEL = "task";

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
/** How far ahead a tier's free space is extrapolated. */
export const FILL_HORIZON_DAYS = 4;

const below = (value: number, unit: ThresholdUnit): Threshold => ({ op: "<", value, unit });
const above = (value: number, unit: ThresholdUnit): Threshold => ({ op: ">", value, unit });

/** The fixed thresholds; the staleness of backup, prune and check comes from the stack file (homelab:monitoring.*Stale*). */
const THRESHOLDS = {
  HostMemoryPressure: below(0.1, "ratio"),
  // Seconds until the tier is full at the current rate.
  TierFillingUp: below(FILL_HORIZON_DAYS * DAY, "seconds"),
  TierAlmostFull: below(0.1, "ratio"),
  HostRootFull: below(0.1, "ratio"),
  ThinPoolAlmostFull: above(0.9, "ratio"),
  ContainerMemoryPressure: above(0.9, "ratio"),
  ContainerDiskFull: above(0.9, "ratio"),
  PostgresConnectionsNearMax: above(0.8, "ratio"),
} as const satisfies Readonly<Record<string, Threshold>>;

/** The comparison as an expression writes it, e.g. `< 0.1`. */
export const compares = (t: Threshold): string => `${t.op} ${t.value}`;

const OP_WORDS: Readonly<Record<Comparison, string>> = { "<": "less than", "<=": "at most", ">": "more than", ">=": "at least" };

/** A span of seconds in the largest unit that divides it, e.g. 93600 → "26 hours", 345600 → "4 days". */
export function spellSeconds(seconds: number): string {
  const [size, name] = ([[DAY, "day"], [HOUR, "hour"], [MINUTE, "minute"], [1, "second"]] as const).find(([n]) => seconds % n === 0) ?? [1, "second"];
  const count = seconds / size;
  return `${count} ${name}${count === 1 ? "" : "s"}`;
}

/** The threshold's number as a summary says it, e.g. "10%", "26 hours". */
const amountOf = (t: Threshold): string => (t.unit === "ratio" ? `${Number((t.value * 100).toPrecision(12))}%` : spellSeconds(t.value));

/** The comparison as a summary says it, e.g. "less than 10%", "more than 26 hours". */
export const says = (t: Threshold): string => `${OP_WORDS[t.op]} ${amountOf(t)}`;

const regexOf = (values: readonly string[]): string => values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\\\$&")).join("|");

/** Every alert group of the homelab, derived from the scrape jobs it configures. */
export function alertGroups(model: Homelab): RuleGroup[] {
  const kinds = new Set<JobKind>(scrapeJobs(model).map((j) => j.kind));
  const mounts = regexOf(watchedMountpoints(model));
  const fs = `job="node",mountpoint=~"${mounts}"`;
  const rootFs = `job="node",mountpoint="/"`;
  // The storage of the containers' root disks, as the Proxmox exporter names it (local-lvm: the thin pool).
  const thinPool = `job="pve",${storageMatcher(model)}`;
  const groups: RuleGroup[] = [];
  const t = THRESHOLDS;

  groups.push({
    name: "homelab-host",
    rules: [
      {
        alert: "HostDown",
        expr: 'up{job="node"} == 0',
        for: "2m",
        severity: "critical",
        scope: "host",
        summary: "Proxmox host {{ $labels.node }} does not answer metrics scrapes",
        runbook: "Check power and network of the host, then `ssh root@<host> systemctl status prometheus-node-exporter`.",
      },
      {
        alert: "HostMemoryPressure",
        expr: `node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"} ${compares(t.HostMemoryPressure)}`,
        for: "10m",
        threshold: t.HostMemoryPressure,
        severity: "warning",
        scope: "host",
        summary: `Proxmox host {{ $labels.node }} has ${says(t.HostMemoryPressure)} memory available`,
        runbook: "Compare container memory in the overview dashboard with the host budget in `npm run plan`; lower a container's memoryMiB or stop one.",
      },
      {
        alert: "TierFillingUp",
        // Free space extrapolated over the horizon falls below zero: full in less time than the horizon.
        expr: `predict_linear(node_filesystem_avail_bytes{${fs}}[6h], ${t.TierFillingUp.value}) < 0`,
        for: "1h",
        threshold: t.TierFillingUp,
        severity: "warning",
        scope: "host",
        summary: `{{ $labels.mountpoint }} on {{ $labels.node }} will be full in ${says(t.TierFillingUp)} at the current rate`,
        runbook: "Find the growing dataset with `du -xsh <mountpoint>/*` on the host; prune downloads, caches or old backups, or raise the tier.",
      },
      {
        alert: "TierAlmostFull",
        expr: `node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} ${compares(t.TierAlmostFull)}`,
        for: "15m",
        threshold: t.TierAlmostFull,
        severity: "critical",
        scope: "host",
        summary: `{{ $labels.mountpoint }} on {{ $labels.node }} has ${says(t.TierAlmostFull)} free space`,
        runbook: "Free space now (`du -xsh <mountpoint>/*` on the host): a full tier stops databases and backups.",
      },
      {
        alert: "HostRootFull",
        expr: `node_filesystem_avail_bytes{${rootFs}} / node_filesystem_size_bytes{${rootFs}} ${compares(t.HostRootFull)}`,
        for: "15m",
        threshold: t.HostRootFull,
        severity: "critical",
        scope: "host",
        summary: `The Proxmox host's / on {{ $labels.node }} has ${says(t.HostRootFull)} free space`,
        runbook: "On the host: `du -xsh /var/log /var/lib/vz /root /tmp`; clear old logs (`journalctl --vacuum-size=500M`), ISOs and templates. A full / stops pveproxy and the cluster filesystem.",
      },
      {
        alert: "ThinPoolAlmostFull",
        expr: `pve_disk_usage_bytes{${thinPool}} / (pve_disk_size_bytes{${thinPool}} > 0) ${compares(t.ThinPoolAlmostFull)}`,
        for: "15m",
        threshold: t.ThinPoolAlmostFull,
        severity: "critical",
        scope: "host",
        summary: `Proxmox storage ${model.proxmox.rootStorage} (the containers' root disks) on {{ $labels.node }} is ${says(t.ThinPoolAlmostFull)} full`,
        runbook: "On the host: `lvs` shows Data% of the thin pool; a thin pool that fills up gives every container I/O errors. Shrink or move root disks, or extend the pool (`lvextend`).",
      },
    ],
  });

  groups.push({
    name: "homelab-containers",
    rules: [
      {
        alert: "ContainerDown",
        expr: 'pve_up{job="pve",service!=""} == 0',
        for: "2m",
        severity: "critical",
        scope: "service",
        summary: "Container {{ $labels.service }} ({{ $labels.id }}) is not running",
        runbook: "On the host: `pct status <vmid>`, `pct start <vmid>`; if it fails, `journalctl -u pve-container@<vmid>`.",
      },
      {
        alert: "ContainerMemoryPressure",
        expr: `pve_memory_usage_bytes{job="pve",service!=""} / (pve_memory_size_bytes{job="pve",service!=""} > 0) ${compares(t.ContainerMemoryPressure)}`,
        for: "15m",
        threshold: t.ContainerMemoryPressure,
        severity: "warning",
        scope: "service",
        summary: `Container {{ $labels.service }} uses ${says(t.ContainerMemoryPressure)} of its memory limit`,
        runbook: "Check the service's memory panel in the overview dashboard; raise memoryMiB for the service in Pulumi.homelab.yaml if the host budget allows.",
      },
      {
        alert: "ContainerDiskFull",
        expr: `pve_disk_usage_bytes{job="pve",service!=""} / (pve_disk_size_bytes{job="pve",service!=""} > 0) ${compares(t.ContainerDiskFull)}`,
        for: "15m",
        threshold: t.ContainerDiskFull,
        severity: "warning",
        scope: "service",
        summary: `Root disk of container {{ $labels.service }} is ${says(t.ContainerDiskFull)} full`,
        runbook: "`pct exec <vmid> -- du -xsh /var/*` on the host; clear logs or raise diskGiB for the service.",
      },
    ],
  });

  const serviceRules: AlertRule[] = [];
  if (kinds.has("probe")) {
    serviceRules.push({
      alert: "ServiceProbeFailing",
      expr: 'probe_success{job="probe"} == 0',
      for: "5m",
      severity: "warning",
      scope: "service",
      summary: "Health check of {{ $labels.service }} ({{ $labels.route }}) fails",
      runbook: "Open the probe URL from the Prometheus container (`curl -v <instance>`); then `pct exec <vmid> -- journalctl -n 100` for the service.",
    });
  }
  const ownAlerts = ["node", ...(kinds.has("postgres") ? ["postgres"] : []), ...(kinds.has("cloudflared") ? ["cloudflared"] : [])];
  serviceRules.push({
    alert: "TargetDown",
    expr: `up{job!~"${ownAlerts.join("|")}"} == 0`,
    for: "5m",
    severity: "warning",
    scope: "service",
    summary: "Prometheus cannot scrape job {{ $labels.job }} at {{ $labels.instance }}",
    runbook: "Check the exporter or daemon behind the target is running and listening on that port (`ss -ltnp` in its container).",
  });
  if (kinds.has("postgres")) {
    serviceRules.push(
      {
        alert: "PostgresDown",
        expr: 'pg_up{job="postgres"} == 0 or up{job="postgres"} == 0',
        for: "2m",
        severity: "critical",
        scope: "service",
        summary: "PostgreSQL on {{ $labels.service }} is down or its exporter cannot reach it",
        runbook: "`pct exec <vmid> -- systemctl status postgresql` and its log in /var/log/postgresql; every app with a database is affected.",
      },
      {
        alert: "PostgresConnectionsNearMax",
        expr: `sum by (service, node) (pg_stat_activity_count{job="postgres"}) / max by (service, node) (pg_settings_max_connections{job="postgres"}) ${compares(t.PostgresConnectionsNearMax)}`,
        for: "10m",
        threshold: t.PostgresConnectionsNearMax,
        severity: "warning",
        scope: "service",
        summary: `PostgreSQL on {{ $labels.service }} uses ${says(t.PostgresConnectionsNearMax)} of max_connections`,
        runbook: "See connections per database in the Postgres dashboard; lower an app's pool or raise max_connections in homelab:postgres.",
      },
    );
  }
  if (kinds.has("cloudflared")) {
    serviceRules.push({
      alert: "TunnelDown",
      expr: 'up{job="cloudflared"} == 0 or max by (service, node) (cloudflared_tunnel_ha_connections{job="cloudflared"}) == 0',
      for: "2m",
      severity: "critical",
      scope: "service",
      summary: "Cloudflare tunnel connector {{ $labels.service }} has no connection to the edge",
      runbook: "`pct exec <vmid> -- journalctl -u cloudflared -n 100`; check outbound DNS and the tunnel token. Every public route is down meanwhile.",
    });
  }
  groups.push({ name: "homelab-services", rules: serviceRules });

  if (kinds.has("alertmanager")) {
    groups.push({
      name: "homelab-alerting",
      rules: [
        {
          alert: NOTIFICATIONS_FAILING_ALERT,
          // Any receiver: Alertmanager counts failures per integration (webhook, email), not per receiver.
          expr: 'sum by (service, node) (increase(alertmanager_notifications_failed_total{job="alertmanager"}[1h])) > 0',
          for: undefined,
          severity: "critical",
          scope: "host",
          summary: "Alertmanager on {{ $labels.service }} failed to deliver notifications within the last hour; alerts may not reach the phone",
          runbook: "In the Prometheus container: `journalctl -u prometheus-alertmanager -n 200` names the receiver and the error (an expired token, a wrong topic, a rate limit); fix it in homelab:monitoring.receivers.",
        },
      ],
    });
  }

  if (model.monitoring.heartbeat) {
    groups.push({
      name: "homelab-heartbeat",
      rules: [
        {
          alert: WATCHDOG_ALERT,
          // Always true: it reaches the heartbeat only while Prometheus, Alertmanager and the link work.
          expr: "vector(1)",
          for: undefined,
          severity: "none",
          scope: "host",
          summary: "The alerting pipeline works (this alert always fires; it pings the external heartbeat)",
          runbook: "Nothing to do while it fires. When the heartbeat service reports missing pings, check the host's power and uplink, then Prometheus and Alertmanager in their container.",
        },
      ],
    });
  }

  if (model.backup?.enabled) {
    const successOf = (task: ResticJob): string => `homelab_restic_last_success_timestamp_seconds{${TASK_LABEL}="${task}"}`;
    const firstRun = `homelab_restic_first_run_timestamp_seconds{${TASK_LABEL}="backup"}`;
    const seed = above(model.monitoring.backupSeedDays * DAY, "seconds");
    const journal = (unit: string): string => `\`journalctl -u ${unit} -n 200\``;
    // Per node as well as per task: on a cluster each node backs up its own datasets, and the newest
    // success of one node must not hide another node whose backups stopped.
    // The jobs write 0 until a run first succeeds; "> 0" keeps only real success times.
    const lastSuccessOf = (task: ResticJob): string => `max by (${TASK_LABEL}, node) (${successOf(task)} > 0)`;
    const ageOf = (task: ResticJob): string => `time() - ${lastSuccessOf(task)}`;
    const staleRule = (alert: string, task: ResticJob, stale: Threshold, forWait: string, what: string): AlertRule => ({
      alert,
      // Only once the job has succeeded: before that the first run may still be going.
      expr: `${ageOf(task)} ${compares(stale)}`,
      for: forWait,
      threshold: stale,
      severity: "critical",
      scope: "host",
      summary: `No successful ${what} on {{ $labels.node }} for ${says(stale)}`,
      runbook: `On the host: \`systemctl list-timers '${UNIT_PREFIX}*'\` and ${journal(unitName(task, "service"))}; a stale lock needs \`restic unlock\`.`,
    });
    groups.push({
      name: "homelab-backup",
      rules: [
        staleRule("BackupStale", "backup", above(model.monitoring.backupStaleHours * HOUR, "seconds"), "30m", "backup"),
        // Prune and check run weekly and monthly: a missed run leaves the repository growing or unverified.
        staleRule("PruneStale", "prune", above(model.monitoring.pruneStaleDays * DAY, "seconds"), "2h", "restic prune"),
        staleRule("CheckStale", "check", above(model.monitoring.checkStaleDays * DAY, "seconds"), "2h", "restic check of the repository"),
        {
          alert: "BackupNeverSucceeded",
          // Counted from the first run the job recorded, not with a `for`: a `for` of days starts over
          // whenever Prometheus is down longer than its for-outage tolerance (1h by default).
          expr: `(time() - max by (${TASK_LABEL}, node) (${firstRun}) unless on (${TASK_LABEL}, node) ${lastSuccessOf("backup")}) ${compares(seed)}`,
          for: undefined,
          threshold: seed,
          severity: "warning",
          scope: "host",
          summary: `No backup on {{ $labels.node }} has succeeded since its first run, ${says(seed)} ago`,
          runbook: `On the host: \`systemctl status ${unitName("backup", "service")}\` (a first upload may still be running) and ${journal(unitName("backup", "service"))}.`,
        },
        {
          alert: "BackupFailed",
          expr: `homelab_restic_last_exit_status{${TASK_LABEL}=~"backup|prune"} != 0`,
          for: undefined,
          severity: "critical",
          scope: "host",
          summary: "The last restic {{ $labels.task }} run failed",
          runbook: `On the host: ${journal(`${UNIT_PREFIX}{{ $labels.${TASK_LABEL} }}.service`)}; check B2 credentials, the repository lock and free space.`,
        },
        {
          alert: "RepositoryCheckFailed",
          expr: `homelab_restic_last_exit_status{${TASK_LABEL}="check"} != 0`,
          for: undefined,
          severity: "critical",
          scope: "host",
          summary: "restic check found a problem in the backup repository",
          runbook: `On the host: ${journal(unitName("check", "service"))}; run \`restic check\` by hand and repair before the next prune.`,
        },
      ],
    });
  }
  if (kinds.has("node")) {
    // The host's collector reports each running container (components/proxmox-host/container-updates.ts).
    groups.push({
      name: "homelab-updates",
      rules: [
        {
          alert: "ContainerRebootRequired",
          expr: `${UPDATE_METRICS.rebootRequired}{job="node"} != 0`,
          // A container restarted within the hour never pages.
          for: "1h",
          severity: "warning",
          scope: "service",
          summary: "Container {{ $labels.service }} ({{ $labels.vmid }}) needs a restart to run its security updates",
          runbook: "On the host: `pct exec {{ $labels.vmid }} -- cat /run/reboot-required.pkgs` names the packages; `pct reboot {{ $labels.vmid }}` restarts the container (its service is down meanwhile).",
        },
      ],
    });
  }
  return groups.filter((g) => g.rules.length > 0);
}

/** Every alert of the homelab, flat. */
export const alertRules = (model: Homelab): AlertRule[] => alertGroups(model).flatMap((g) => g.rules);

/** The rule file Prometheus loads. */
export const renderAlertRules = (model: Homelab): string => renderRuleGroups(alertGroups(model));

/** A rule file of the given groups (the tests render edited rules with it). */
export function renderRuleGroups(ruleGroups: readonly RuleGroup[]): string {
  const groups = ruleGroups.map((g) => ({
    name: g.name,
    rules: g.rules.map((r) => ({
      alert: r.alert,
      expr: r.expr,
      ...(r.for ? { for: r.for } : {}),
      labels: { severity: r.severity, scope: r.scope },
      annotations: { summary: r.summary, runbook: r.runbook },
    })),
  }));
  return `# Rendered by the MonitoringStack component; do not edit in the container.\n${toYaml({ groups })}`;
}
