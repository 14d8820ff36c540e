import { toYaml } from "../shared/yaml";
import type { Homelab } from "../../config";
import { UNIT_PREFIX, unitName } from "../restic-backup/systemd-units";
import { scrapeJobs, storageMatcher, watchedMountpoints, type JobKind } from "./targets";

/**
 * The alerts an operator must act on, rendered as a Prometheus rule file. Rules only exist for what
 * the homelab runs: no Postgres rules without a Postgres job, no backup rules without backups.
 */

/** `none` is the Watchdog's: it never pages, it only feeds the heartbeat. */
export type Severity = "critical" | "warning" | "none";
/** The always-firing alert that pings the external heartbeat while the whole pipeline works. */
export const WATCHDOG_ALERT = "Watchdog";
/** `host` alerts concern the whole node; `service` alerts one container and are silenced while the host is down. */
export type Scope = "host" | "service";

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold, e.g. "5m"; undefined fires on the first evaluation. */
  readonly for: string | undefined;
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

const HOURS = 3600;
/** How far ahead a tier's free space is extrapolated. */
export const FILL_HORIZON_DAYS = 4;

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
        expr: 'node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"} < 0.10',
        for: "10m",
        severity: "warning",
        scope: "host",
        summary: "Proxmox host {{ $labels.node }} has less than 10% memory available",
        runbook: "Compare container memory in the overview dashboard with the host budget in `npm run plan`; lower a container's memoryMiB or stop one.",
      },
      {
        alert: "TierFillingUp",
        expr: `predict_linear(node_filesystem_avail_bytes{${fs}}[6h], ${FILL_HORIZON_DAYS} * 86400) < 0`,
        for: "1h",
        severity: "warning",
        scope: "host",
        summary: `{{ $labels.mountpoint }} on {{ $labels.node }} will be full within ${FILL_HORIZON_DAYS} days at the current rate`,
        runbook: "Find the growing dataset with `du -xsh <mountpoint>/*` on the host; prune downloads, caches or old backups, or raise the tier.",
      },
      {
        alert: "TierAlmostFull",
        expr: `node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} < 0.10`,
        for: "15m",
        severity: "critical",
        scope: "host",
        summary: "{{ $labels.mountpoint }} on {{ $labels.node }} has less than 10% free space",
        runbook: "Free space now (`du -xsh <mountpoint>/*` on the host): a full tier stops databases and backups.",
      },
      {
        alert: "HostRootFull",
        expr: `node_filesystem_avail_bytes{${rootFs}} / node_filesystem_size_bytes{${rootFs}} < 0.10`,
        for: "15m",
        severity: "critical",
        scope: "host",
        summary: "The Proxmox host's / on {{ $labels.node }} has less than 10% free space",
        runbook: "On the host: `du -xsh /var/log /var/lib/vz /root /tmp`; clear old logs (`journalctl --vacuum-size=500M`), ISOs and templates. A full / stops pveproxy and the cluster filesystem.",
      },
      {
        alert: "ThinPoolAlmostFull",
        expr: `pve_disk_usage_bytes{${thinPool}} / (pve_disk_size_bytes{${thinPool}} > 0) > 0.90`,
        for: "15m",
        severity: "critical",
        scope: "host",
        summary: `Proxmox storage ${model.proxmox.rootStorage} (the containers' root disks) on {{ $labels.node }} is more than 90% full`,
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
        expr: 'pve_memory_usage_bytes{job="pve",service!=""} / (pve_memory_size_bytes{job="pve",service!=""} > 0) > 0.90',
        for: "15m",
        severity: "warning",
        scope: "service",
        summary: "Container {{ $labels.service }} uses more than 90% of its memory limit",
        runbook: "Check the service's memory panel in the overview dashboard; raise memoryMiB for the service in Pulumi.homelab.yaml if the host budget allows.",
      },
      {
        alert: "ContainerDiskFull",
        expr: 'pve_disk_usage_bytes{job="pve",service!=""} / (pve_disk_size_bytes{job="pve",service!=""} > 0) > 0.90',
        for: "15m",
        severity: "warning",
        scope: "service",
        summary: "Root disk of container {{ $labels.service }} is more than 90% full",
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
        expr: 'sum by (service, node) (pg_stat_activity_count{job="postgres"}) / max by (service, node) (pg_settings_max_connections{job="postgres"}) > 0.80',
        for: "10m",
        severity: "warning",
        scope: "service",
        summary: "PostgreSQL on {{ $labels.service }} uses more than 80% of max_connections",
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
    const success = `homelab_restic_last_success_timestamp_seconds{${TASK_LABEL}="backup"}`;
    // The jobs write 0 until a run first succeeds; "> 0" keeps only real success times.
    const succeeded = `${success} > 0`;
    const staleSeconds = model.monitoring.backupStaleHours * HOURS;
    const journal = (unit: string): string => `\`journalctl -u ${unit} -n 200\``;
    groups.push({
      name: "homelab-backup",
      rules: [
        {
          alert: "BackupStale",
          // Only once a backup has succeeded: before that the first upload may still be running.
          expr: `time() - max by (${TASK_LABEL}) (${succeeded}) > ${staleSeconds}`,
          for: "30m",
          severity: "critical",
          scope: "host",
          summary: `No successful backup for more than ${model.monitoring.backupStaleHours} hours`,
          runbook: `On the host: \`systemctl list-timers '${UNIT_PREFIX}*'\` and ${journal(unitName("backup", "service"))}; a stale lock needs \`restic unlock\`.`,
        },
        {
          alert: "BackupNeverSucceeded",
          expr: `absent(${succeeded})`,
          for: `${model.monitoring.backupSeedDays * 24}h`,
          severity: "warning",
          scope: "host",
          summary: `No backup has succeeded since backups were set up ${model.monitoring.backupSeedDays} days ago`,
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
  return groups.filter((g) => g.rules.length > 0);
}

/** Every alert of the homelab, flat. */
export const alertRules = (model: Homelab): AlertRule[] => alertGroups(model).flatMap((g) => g.rules);

/** The rule file Prometheus loads. */
export function renderAlertRules(model: Homelab): string {
  const groups = alertGroups(model).map((g) => ({
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
