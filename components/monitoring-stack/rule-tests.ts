import type { Homelab } from "../../config";
import { alertRules, TASK_LABEL, type AlertRule } from "./alert-rules";
import { RULES_FILE } from "./prometheus-yml";
import { guestId, scrapeJobs, storageId, type JobKind, type ScrapeJob } from "./targets";
import { toYaml } from "../shared/yaml";

/**
 * `promtool test rules` input: for every alert one case where it fires and one where it stays quiet,
 * fed with series shaped like the homelab's own targets. Rendered from the model, so a new rule without
 * its two cases is caught by the coverage test.
 */

type Labels = Readonly<Record<string, string>>;

export interface InputSeries {
  readonly metric: string;
  readonly labels: Labels;
  /** promtool expanding notation, e.g. `0x10` or `100-1x60`. */
  readonly values: string;
}

export interface RuleCase {
  readonly alert: string;
  readonly fires: boolean;
  /** Test name stating the behaviour. */
  readonly name: string;
  readonly series: readonly InputSeries[];
  /** Minutes after the start at which the alert is evaluated. */
  readonly evalMinutes: number;
  /**
   * Sample and evaluation step in minutes. Alerts that wait for days are tested in hourly steps, in a
   * file of their own, so promtool does not evaluate every rule 10,000 times. Defaults to 1.
   */
  readonly stepMinutes?: number;
  /** Labels the alert carries, besides severity and scope (only when it fires). */
  readonly labels: Labels;
}

const seriesText = (s: InputSeries): string =>
  `${s.metric}{${Object.entries(s.labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;

/** Labels of the first target of a job kind, as Prometheus attaches them to its series. */
function targetLabels(jobs: readonly ScrapeJob[], kind: JobKind): Labels | undefined {
  const job = jobs.find((j) => j.kind === kind);
  const target = job?.targets[0];
  return job && target ? { job: job.name, instance: target.address, ...target.labels } : undefined;
}

/** The two cases of each alert of the model; alerts whose jobs are missing get none (and have no rule). */
export function ruleCases(model: Homelab): RuleCase[] {
  const jobs = scrapeJobs(model);
  const node = targetLabels(jobs, "node");
  const pve = targetLabels(jobs, "pve");
  const probe = targetLabels(jobs, "probe");
  const postgres = targetLabels(jobs, "postgres");
  const cloudflared = targetLabels(jobs, "cloudflared");
  const first = model.services[0];
  const guest = pve && first ? { ...pve, id: guestId(first), service: first.name } : undefined;
  const tier = Object.values(model.tiers)[0]?.path ?? "/";
  const disk = node ? { ...node, mountpoint: tier, device: "/dev/nvme0n1p1", fstype: "ext4" } : undefined;
  const scraped = jobs.find((j) => !["node", "postgres", "cloudflared"].includes(j.kind));
  const scrapedLabels = scraped ? targetLabels(jobs, scraped.kind) : undefined;
  const staleHours = model.monitoring.backupStaleHours;

  const cases: RuleCase[] = [];
  const pair = (
    alert: string,
    what: string,
    evalMinutes: number,
    firing: readonly InputSeries[],
    quiet: readonly InputSeries[],
    labels: Labels,
    whyQuiet: string,
  ): void => {
    cases.push({ alert, fires: true, name: `${alert} fires when ${what}`, series: firing, evalMinutes, labels });
    cases.push({ alert, fires: false, name: `${alert} stays quiet when ${whyQuiet}`, series: quiet, evalMinutes, labels: {} });
  };
  const s = (metric: string, labels: Labels, values: string): InputSeries => ({ metric, labels, values });

  if (model.monitoring.heartbeat) {
    // Always firing: there is no quiet case, only the proof that it fires from the first evaluation.
    cases.push({ alert: "Watchdog", fires: true, name: "Watchdog fires from the first evaluation, with no input at all", series: [s("up", node ?? {}, "1x5")], evalMinutes: 1, labels: {} });
  }
  if (node) {
    pair("HostDown", "the node exporter stops answering", 5, [s("up", node, "0x10")], [s("up", node, "1x10")], node, "the node exporter answers");
    pair(
      "HostMemoryPressure",
      "less than 10% of the host's memory is available",
      15,
      [s("node_memory_MemAvailable_bytes", node, "1e9x20"), s("node_memory_MemTotal_bytes", node, "32e9x20")],
      [s("node_memory_MemAvailable_bytes", node, "16e9x20"), s("node_memory_MemTotal_bytes", node, "32e9x20")],
      node,
      "half the memory is free",
    );
  }
  if (disk) {
    pair(
      "TierFillingUp",
      "a tier loses space fast enough to be full within days",
      120,
      [s("node_filesystem_avail_bytes", disk, "500e9-1e9x130")],
      [s("node_filesystem_avail_bytes", disk, "500e9x130")],
      disk,
      "the free space stays flat",
    );
    pair(
      "TierAlmostFull",
      "a tier has less than 10% free",
      20,
      [s("node_filesystem_avail_bytes", disk, "5e9x30"), s("node_filesystem_size_bytes", disk, "100e9x30")],
      [s("node_filesystem_avail_bytes", disk, "50e9x30"), s("node_filesystem_size_bytes", disk, "100e9x30")],
      disk,
      "half the tier is free",
    );
  }
  if (node) {
    const root = { ...node, mountpoint: "/", device: "/dev/mapper/pve-root", fstype: "ext4" };
    pair(
      "HostRootFull",
      "the host's / has less than 10% free",
      20,
      [s("node_filesystem_avail_bytes", root, "5e9x30"), s("node_filesystem_size_bytes", root, "96e9x30")],
      [s("node_filesystem_avail_bytes", root, "60e9x30"), s("node_filesystem_size_bytes", root, "96e9x30")],
      root,
      "most of / is free",
    );
  }
  if (pve) {
    const pool = { ...pve, id: storageId(model) };
    pair(
      "ThinPoolAlmostFull",
      "the containers' storage is over 90% full",
      20,
      [s("pve_disk_usage_bytes", pool, "760e9x30"), s("pve_disk_size_bytes", pool, "800e9x30")],
      [s("pve_disk_usage_bytes", pool, "300e9x30"), s("pve_disk_size_bytes", pool, "800e9x30")],
      pool,
      "the pool is under half full",
    );
  }
  if (guest) {
    pair("ContainerDown", "a service's container stops", 5, [s("pve_up", guest, "0x10")], [s("pve_up", guest, "1x10")], guest, "the container runs");
    pair(
      "ContainerMemoryPressure",
      "a container uses over 90% of its memory limit",
      20,
      [s("pve_memory_usage_bytes", guest, "950e6x30"), s("pve_memory_size_bytes", guest, "1e9x30")],
      [s("pve_memory_usage_bytes", guest, "400e6x30"), s("pve_memory_size_bytes", guest, "1e9x30")],
      guest,
      "the container uses 40% of its limit",
    );
    pair(
      "ContainerDiskFull",
      "a container's root disk is over 90% full",
      20,
      [s("pve_disk_usage_bytes", guest, "7.5e9x30"), s("pve_disk_size_bytes", guest, "8e9x30")],
      [s("pve_disk_usage_bytes", guest, "2e9x30"), s("pve_disk_size_bytes", guest, "8e9x30")],
      guest,
      "the root disk is a quarter full",
    );
  }
  if (probe) {
    pair("ServiceProbeFailing", "a health endpoint stops answering 2xx", 10, [s("probe_success", probe, "0x15")], [s("probe_success", probe, "1x15")], probe, "the probe succeeds");
  }
  if (scrapedLabels) {
    pair("TargetDown", "an exporter stops answering scrapes", 10, [s("up", scrapedLabels, "0x15")], [s("up", scrapedLabels, "1x15")], scrapedLabels, "the exporter answers");
  }
  if (postgres) {
    pair(
      "PostgresDown",
      "the exporter reports the server down",
      5,
      [s("pg_up", postgres, "0x10"), s("up", postgres, "1x10")],
      [s("pg_up", postgres, "1x10"), s("up", postgres, "1x10")],
      postgres,
      "the server is up",
    );
    const active = (datname: string, state: string, values: string): InputSeries => s("pg_stat_activity_count", { ...postgres, datname, state }, values);
    pair(
      "PostgresConnectionsNearMax",
      "connections exceed 80% of max_connections",
      15,
      [active("immich", "active", "60x20"), active("nextcloud", "idle", "30x20"), s("pg_settings_max_connections", postgres, "100x20")],
      [active("immich", "active", "10x20"), active("nextcloud", "idle", "5x20"), s("pg_settings_max_connections", postgres, "100x20")],
      { service: postgres.service ?? "", node: postgres.node ?? "" },
      "a sixth of the connections are used",
    );
  }
  if (cloudflared) {
    pair(
      "TunnelDown",
      "the connector holds no edge connection",
      5,
      [s("up", cloudflared, "1x10"), s("cloudflared_tunnel_ha_connections", cloudflared, "0x10")],
      [s("up", cloudflared, "1x10"), s("cloudflared_tunnel_ha_connections", cloudflared, "4x10")],
      { service: cloudflared.service ?? "", node: cloudflared.node ?? "" },
      "four edge connections are up",
    );
  }
  if (node && model.backup?.enabled) {
    const task = (name: string): Labels => ({ ...node, [TASK_LABEL]: name });
    // Hourly steps: the windows here are a day and more.
    const hourly = (alert: string, fires: boolean, name: string, hours: number, values: string, labels: Labels): void =>
      void cases.push({ alert, fires, name, series: [s("homelab_restic_last_success_timestamp_seconds", task("backup"), values)], evalMinutes: hours * 60, labels, stepMinutes: 60 });
    const staleEval = staleHours + 2;
    // One success a minute after the start, then none: stale once the window (and the 30m) have passed.
    hourly("BackupStale", true, `BackupStale fires when no backup succeeded for more than ${staleHours} hours`, staleEval, `60x${staleEval + 2}`, { [TASK_LABEL]: "backup" });
    // Each sample records a success at that very second.
    hourly("BackupStale", false, "BackupStale stays quiet when a backup succeeded within the hour", staleEval, `0+3600x${staleEval + 2}`, {});
    // Before the first success the jobs write 0: the first upload may still be running.
    hourly("BackupStale", false, "BackupStale stays quiet before the first backup has ever succeeded", staleEval, `0x${staleEval + 2}`, {});
    const seedHours = model.monitoring.backupSeedDays * 24;
    hourly("BackupNeverSucceeded", true, `BackupNeverSucceeded fires when no backup has succeeded for ${model.monitoring.backupSeedDays} days`, seedHours + 1, `0x${seedHours + 2}`, {});
    hourly(
      "BackupNeverSucceeded",
      false,
      "BackupNeverSucceeded stays quiet when the first backup succeeded an hour before the grace period ended",
      seedHours + 1,
      `0x${seedHours - 2} ${(seedHours - 1) * 3600}+3600x4`,
      {},
    );
    pair(
      "BackupFailed",
      "the last backup exited non-zero",
      2,
      [s("homelab_restic_last_exit_status", task("backup"), "1x5")],
      [s("homelab_restic_last_exit_status", task("backup"), "0x5")],
      task("backup"),
      "the last backup exited 0",
    );
    pair(
      "RepositoryCheckFailed",
      "restic check exited non-zero",
      2,
      [s("homelab_restic_last_exit_status", task("check"), "3x5")],
      [s("homelab_restic_last_exit_status", task("check"), "0x5"), s("homelab_restic_last_exit_status", task("backup"), "0x5")],
      task("check"),
      "the check passed",
    );
  }
  return cases;
}

/** Expands the `{{ $labels.x }}` placeholders of an annotation as Prometheus would. */
export const expandLabels = (template: string, labels: Labels): string =>
  template.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? "<no value>");

function testEntry(rule: AlertRule, c: RuleCase): Record<string, unknown> {
  const labels = { ...c.labels, severity: rule.severity, scope: rule.scope };
  return {
    name: c.name,
    interval: `${c.stepMinutes ?? 1}m`,
    input_series: c.series.map((x) => ({ series: seriesText(x), values: x.values })),
    alert_rule_test: [
      {
        eval_time: `${c.evalMinutes}m`,
        alertname: c.alert,
        exp_alerts: c.fires
          ? [{ exp_labels: labels, exp_annotations: { summary: expandLabels(rule.summary, labels), runbook: expandLabels(rule.runbook, labels) } }]
          : [],
      },
    ],
  };
}

/** The steps the cases use; each gets a test file of its own (promtool has one evaluation interval per file). */
export const RULE_TEST_STEPS = [1, 60] as const;

/**
 * The promtool test file of the cases with the given step (minutes); `rulesPath` is the rule file
 * relative to where the test file is written.
 */
export function renderRuleTests(model: Homelab, rulesPath: string = RULES_FILE, stepMinutes: number = 1): string {
  const rules = new Map(alertRules(model).map((r) => [r.alert, r]));
  const tests = ruleCases(model)
    .filter((c) => (c.stepMinutes ?? 1) === stepMinutes)
    .flatMap((c) => {
      const rule = rules.get(c.alert);
      return rule ? [testEntry(rule, c)] : [];
    });
  return toYaml({ rule_files: [rulesPath], evaluation_interval: `${stepMinutes}m`, tests });
}
