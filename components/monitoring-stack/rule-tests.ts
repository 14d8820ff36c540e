import type { Homelab } from "../../config";
import { alertRules, compares, says, TASK_LABEL, type AlertRule, type Comparison, type Threshold } from "./alert-rules";
import { RULES_FILE } from "./prometheus-yml";
import { guestId, scrapeJobs, storageId, type JobKind, type ScrapeJob } from "./targets";
import { toYaml } from "../shared/yaml";
import { UPDATE_METRICS } from "../proxmox-host/container-updates";

/**
 * `promtool test rules` input, fed with series shaped like the homelab's own targets and rendered from
 * the model. Every alert is tested at its edges: an alert with a threshold at the nearest quiet and the
 * nearest firing input, one unit apart, one of them exactly on the threshold (for `>` the quiet one, for
 * `>=` the firing one); an alert that tests a state in the failing state and one unit from it; and an
 * alert with a `for` one evaluation before it has held that long (still quiet).
 * The threshold cases are computed from the rule's own threshold, so an expression that compares against
 * another number, or with `>=` where the threshold says `>`, fails them.
 */

type Labels = Readonly<Record<string, string>>;

export interface InputSeries {
  readonly metric: string;
  readonly labels: Labels;
  /** promtool expanding notation, e.g. `0x10` or `100-1x60`. */
  readonly values: string;
}

/**
 * Where a case sits against its alert's edges: `inside` the nearest quiet input (on a strict threshold,
 * or one unit from the failing state), `outside` the nearest firing input (one unit past a strict
 * threshold, or the failing state) once the `for` has passed, `pending` that same firing input one
 * evaluation before the `for` has passed. Undefined for a case about something else (no success yet).
 */
export type Edge = "inside" | "outside" | "pending";

export interface RuleCase {
  readonly alert: string;
  readonly fires: boolean;
  /** Test name stating the behaviour. */
  readonly name: string;
  readonly series: readonly InputSeries[];
  /** Minutes after the start at which the alert is evaluated. */
  readonly evalMinutes: number;
  /**
   * Sample and evaluation step in minutes. Alerts that wait for a day or more are tested in coarser
   * steps, in a file of their own, so promtool does not evaluate every rule 10,000 times. Defaults to 1.
   */
  readonly stepMinutes?: number;
  /** Labels the alert carries, besides severity and scope (only when it fires). */
  readonly labels: Labels;
  readonly edge?: Edge;
  /** The measure the inputs hold, in the threshold's unit (a ratio, seconds), for a case at a threshold. */
  readonly measure?: number;
}

/** The steps the cases use; each gets a test file of its own (promtool has one evaluation interval per file). */
export const RULE_TEST_STEPS = [1, 5, 60] as const;

/** How to feed an alert with a threshold: input series that put its measure at a given number of units. */
interface ThresholdProbe {
  /** Labels the alert carries when it fires. */
  readonly labels: Labels;
  /** Input units (bytes, connections, minutes, seconds) in one of the threshold's unit: the size for a ratio. */
  readonly per: number;
  /** The input unit, singular, for the case names. */
  readonly unit: string;
  /**
   * Series that put the measure at `units` at the settle time and keep it there or move it only toward
   * firing (a shrinking time to full, a growing age), over `samples` samples one step apart.
   */
  readonly series: (units: number, samples: number) => readonly InputSeries[];
  /** The measure at `units`, in words, for the case names. */
  readonly show: (units: number) => string;
  /** Minutes from the start until the expression can first hold (a regression needs two samples). Defaults to 0. */
  readonly settleMinutes?: number;
  readonly stepMinutes?: number;
}

/** How to feed an alert that tests a state: the failing state, and one unit from it. */
interface StateProbe {
  readonly labels: Labels;
  /** What the firing input is, for its name: "the node exporter stops answering". */
  readonly what: string;
  readonly fire: (samples: number) => readonly InputSeries[];
  /** Why the quiet input stays quiet, for its name. */
  readonly whyQuiet: string;
  readonly quiet: (samples: number) => readonly InputSeries[];
  readonly stepMinutes?: number;
  /** Minutes from the start until the expression can first hold (a rate needs two samples). Defaults to 0. */
  readonly settleMinutes?: number;
}

/** Whether a measure holds against a threshold, as Prometheus compares two floats. */
export function holds(op: Comparison, measure: number, value: number): boolean {
  switch (op) {
    case "<":
      return measure < value;
    case "<=":
      return measure <= value;
    case ">":
      return measure > value;
    case ">=":
      return measure >= value;
  }
}

/** Minutes of a rule's `for` ("90s" is not a whole step, so it is refused); 0 without one. */
export function forMinutes(duration: string | undefined): number {
  if (duration === undefined) return 0;
  const match = /^(\d+)([mh])$/.exec(duration);
  if (!match) throw new Error(`for: ${duration} is not a whole number of minutes or hours`);
  return Number(match[1]) * (match[2] === "h" ? 60 : 1);
}

/** promtool notation for `value` repeated over `samples` samples. */
const flat = (value: number, samples: number): string => (samples > 1 ? `${value}x${samples - 1}` : `${value}`);

/** The first case where `for` has passed, and the same input one step earlier. */
function waits(rule: AlertRule, step: number, settle: number): { evalMinutes: number; pendingMinutes: number | undefined } {
  const wait = forMinutes(rule.for);
  if (wait % step !== 0) throw new Error(`${rule.alert}: for: ${rule.for} is not a whole number of ${step}m steps`);
  return { evalMinutes: settle + wait, pendingMinutes: wait > 0 ? settle + wait - step : undefined };
}

/** The cases of an alert with a threshold: the nearest quiet and firing inputs, and the firing one pending. */
function thresholdCases(rule: AlertRule, t: Threshold, p: ThresholdProbe): RuleCase[] {
  const step = p.stepMinutes ?? 1;
  const { evalMinutes, pendingMinutes } = waits(rule, step, p.settleMinutes ?? 0);
  const exact = t.value * p.per;
  const edge = Math.round(exact);
  // The edge case only sits on the edge if the inputs can express it exactly, as the expression divides them.
  if (edge / p.per !== t.value) throw new Error(`${rule.alert}: ${compares(t)} is not a whole number of ${p.unit}s (${exact})`);
  const firingSide = t.op === ">" || t.op === ">=" ? 1 : -1;
  // The edge itself fires for `>=` and `<=`: then the nearest quiet input is one unit short of it.
  const inclusive = holds(t.op, edge / p.per, t.value);
  const quiet = inclusive ? edge - firingSide : edge;
  const firing = inclusive ? edge : edge + firingSide;
  const samples = evalMinutes / step + 1;
  const where = (units: number): string => `${units === edge ? "exactly at" : `one ${p.unit} ${units === quiet ? "short of" : "past"}`} its threshold (${says(t)})`;
  const wait = rule.for ? `, once that has held for ${rule.for}` : ", on the first evaluation";
  const base = { alert: rule.alert, stepMinutes: step, evalMinutes };
  const cases: RuleCase[] = [
    { ...base, fires: false, name: `${rule.alert} stays quiet ${where(quiet)}: ${p.show(quiet)}`, series: p.series(quiet, samples), labels: {}, edge: "inside", measure: quiet / p.per },
    { ...base, fires: true, name: `${rule.alert} fires ${where(firing)}${wait}: ${p.show(firing)}`, series: p.series(firing, samples), labels: p.labels, edge: "outside", measure: firing / p.per },
  ];
  if (pendingMinutes !== undefined) {
    const name = `${rule.alert} stays quiet ${where(firing)} until that has held for ${rule.for}: ${p.show(firing)}, one ${step}m step short`;
    cases.push({ ...base, fires: false, name, series: p.series(firing, samples), evalMinutes: pendingMinutes, labels: {}, edge: "pending", measure: firing / p.per });
  }
  return cases;
}

/** The cases of an alert that tests a state: failing (fires), one unit from it (quiet), and pending. */
function stateCases(rule: AlertRule, p: StateProbe): RuleCase[] {
  const step = p.stepMinutes ?? 1;
  const { evalMinutes, pendingMinutes } = waits(rule, step, p.settleMinutes ?? 0);
  const samples = evalMinutes / step + 1;
  const base = { alert: rule.alert, evalMinutes, stepMinutes: step };
  const wait = rule.for ? `, once that has held for ${rule.for}` : ", on the first evaluation";
  const cases: RuleCase[] = [
    { ...base, fires: true, name: `${rule.alert} fires when ${p.what}${wait}`, series: p.fire(samples), labels: p.labels, edge: "outside" },
    { ...base, fires: false, name: `${rule.alert} stays quiet when ${p.whyQuiet}`, series: p.quiet(samples), labels: {}, edge: "inside" },
  ];
  if (pendingMinutes !== undefined) {
    const name = `${rule.alert} stays quiet when ${p.what} until that has held for ${rule.for}, one ${step}m step short`;
    cases.push({ ...base, fires: false, name, series: p.fire(samples), evalMinutes: pendingMinutes, labels: {}, edge: "pending" });
  }
  return cases;
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

const s = (metric: string, labels: Labels, values: string): InputSeries => ({ metric, labels, values });

/** A share `units / size` as two series: the part and the whole. */
const share = (part: string, whole: string, labels: Labels, size: number) => (units: number, n: number) => [s(part, labels, flat(units, n)), s(whole, labels, flat(size, n))];

/** Input units of a ratio threshold: bytes of a whole of `size` bytes. */
const bytesOf = (size: number, what: string) => ({ per: size, unit: "byte", show: (units: number) => `${units} of ${size} bytes ${what}` });

/** The probes of every alert whose jobs the model has; an alert without one has no cases, and the coverage test says so. */
function probes(model: Homelab): { thresholds: Map<string, ThresholdProbe>; states: Map<string, StateProbe>; extra: RuleCase[] } {
  const jobs = scrapeJobs(model);
  const node = targetLabels(jobs, "node");
  const pve = targetLabels(jobs, "pve");
  const probe = targetLabels(jobs, "probe");
  const postgres = targetLabels(jobs, "postgres");
  const cloudflared = targetLabels(jobs, "cloudflared");
  const alertmanager = targetLabels(jobs, "alertmanager");
  const first = model.services[0];
  const guest = pve && first ? { ...pve, id: guestId(first), service: first.name } : undefined;
  const tier = Object.values(model.tiers)[0]?.path ?? "/";
  const disk = node ? { ...node, mountpoint: tier, device: "/dev/nvme0n1p1", fstype: "ext4" } : undefined;
  const scraped = jobs.find((j) => !["node", "postgres", "cloudflared"].includes(j.kind));
  const scrapedLabels = scraped ? targetLabels(jobs, scraped.kind) : undefined;

  const thresholds = new Map<string, ThresholdProbe>();
  const states = new Map<string, StateProbe>();
  const extra: RuleCase[] = [];
  const up = (labels: Labels, value: number) => (n: number) => [s("up", labels, flat(value, n))];

  if (model.monitoring.heartbeat) {
    // Always firing: there is no quiet case, only the proof that it fires from the first evaluation.
    extra.push({ alert: "Watchdog", fires: true, name: "Watchdog fires from the first evaluation, with no input at all", series: [s("up", node ?? {}, "1x5")], evalMinutes: 1, labels: {} });
  }
  if (node) {
    states.set("HostDown", { labels: node, what: "the node exporter stops answering", fire: up(node, 0), whyQuiet: "the node exporter answers", quiet: up(node, 1) });
    const total = 32e9;
    thresholds.set("HostMemoryPressure", {
      labels: node,
      ...bytesOf(total, "available"),
      series: share("node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes", node, total),
    });
    const root = { ...node, mountpoint: "/", device: "/dev/mapper/pve-root", fstype: "ext4" };
    const rootSize = 96e9;
    thresholds.set("HostRootFull", { labels: root, ...bytesOf(rootSize, "free on /"), series: share("node_filesystem_avail_bytes", "node_filesystem_size_bytes", root, rootSize) });
  }
  if (disk) {
    // Falling by 1 MB a second; `units` minutes to full at the settle time, a minute in (two samples).
    const perMinute = 60e6;
    thresholds.set("TierFillingUp", {
      labels: disk,
      per: 1 / 60,
      unit: "minute",
      settleMinutes: 1,
      series: (units, n) => [s("node_filesystem_avail_bytes", disk, `${perMinute * (units + 1)}-${perMinute}x${n - 1}`)],
      show: (units) => `full in ${units} minutes at 1 MB/s`,
    });
    const size = 1e12;
    thresholds.set("TierAlmostFull", { labels: disk, ...bytesOf(size, "free"), series: share("node_filesystem_avail_bytes", "node_filesystem_size_bytes", disk, size) });
  }
  if (node && first) {
    const container = { ...node, vmid: String(first.vmId), service: first.name };
    states.set("ContainerRebootRequired", {
      labels: container,
      what: "a container's security updates leave /run/reboot-required",
      fire: (n) => [s(UPDATE_METRICS.rebootRequired, container, flat(1, n))],
      whyQuiet: "the container needs no restart",
      quiet: (n) => [s(UPDATE_METRICS.rebootRequired, container, flat(0, n))],
    });
  }
  if (pve) {
    const pool = { ...pve, id: storageId(model) };
    const size = 800e9;
    thresholds.set("ThinPoolAlmostFull", { labels: pool, ...bytesOf(size, "used"), series: share("pve_disk_usage_bytes", "pve_disk_size_bytes", pool, size) });
  }
  if (guest) {
    states.set("ContainerDown", {
      labels: guest,
      what: "a service's container stops",
      fire: (n) => [s("pve_up", guest, flat(0, n))],
      whyQuiet: "the container runs",
      quiet: (n) => [s("pve_up", guest, flat(1, n))],
    });
    const memory = 1e9;
    thresholds.set("ContainerMemoryPressure", { labels: guest, ...bytesOf(memory, "of memory used"), series: share("pve_memory_usage_bytes", "pve_memory_size_bytes", guest, memory) });
    const size = 8e9;
    thresholds.set("ContainerDiskFull", { labels: guest, ...bytesOf(size, "of the root disk used"), series: share("pve_disk_usage_bytes", "pve_disk_size_bytes", guest, size) });
  }
  if (probe) {
    states.set("ServiceProbeFailing", {
      labels: probe,
      what: "a health endpoint stops answering 2xx",
      fire: (n) => [s("probe_success", probe, flat(0, n))],
      whyQuiet: "the probe succeeds",
      quiet: (n) => [s("probe_success", probe, flat(1, n))],
    });
  }
  if (scrapedLabels) {
    states.set("TargetDown", { labels: scrapedLabels, what: "an exporter stops answering scrapes", fire: up(scrapedLabels, 0), whyQuiet: "the exporter answers", quiet: up(scrapedLabels, 1) });
  }
  if (postgres) {
    states.set("PostgresDown", {
      labels: postgres,
      what: "the exporter reports the server down",
      fire: (n) => [s("pg_up", postgres, flat(0, n)), ...up(postgres, 1)(n)],
      whyQuiet: "the server is up",
      quiet: (n) => [s("pg_up", postgres, flat(1, n)), ...up(postgres, 1)(n)],
    });
    const max = 100;
    // Two databases, one busy and one idle: the alert sums every database's connections.
    const idle = 20;
    const active = (datname: string, state: string, values: string): InputSeries => s("pg_stat_activity_count", { ...postgres, datname, state }, values);
    thresholds.set("PostgresConnectionsNearMax", {
      labels: { service: postgres.service ?? "", node: postgres.node ?? "" },
      per: max,
      unit: "connection",
      series: (units, n) => [active("immich", "active", flat(units - idle, n)), active("nextcloud", "idle", flat(idle, n)), s("pg_settings_max_connections", postgres, flat(max, n))],
      show: (units) => `${units} of ${max} connections`,
    });
  }
  if (cloudflared) {
    states.set("TunnelDown", {
      labels: { service: cloudflared.service ?? "", node: cloudflared.node ?? "" },
      what: "the connector holds no edge connection",
      fire: (n) => [...up(cloudflared, 1)(n), s("cloudflared_tunnel_ha_connections", cloudflared, flat(0, n))],
      whyQuiet: "one edge connection is up",
      quiet: (n) => [...up(cloudflared, 1)(n), s("cloudflared_tunnel_ha_connections", cloudflared, flat(1, n))],
    });
  }
  if (alertmanager) {
    const failed = (values: string): InputSeries => s("alertmanager_notifications_failed_total", { ...alertmanager, integration: "webhook" }, values);
    // A second integration that delivers: its zero must not hide the failing one.
    const email = s("alertmanager_notifications_failed_total", { ...alertmanager, integration: "email" }, flat(0, 10));
    states.set("NotificationsFailing", {
      labels: { service: alertmanager.service ?? "", node: alertmanager.node ?? "" },
      what: "one notification to a webhook receiver fails",
      fire: (n) => [failed(`0 ${flat(1, n - 1)}`), email],
      whyQuiet: "every notification is delivered",
      quiet: (n) => [failed(flat(0, n)), email],
      settleMinutes: 1,
    });
  }
  if (node && model.backup?.enabled) {
    const task = (name: string): Labels => ({ ...node, [TASK_LABEL]: name });
    const successOf = (name: string, labels: Labels = task(name)) => (values: string): InputSeries => s("homelab_restic_last_success_timestamp_seconds", labels, values);
    const success = successOf("backup");
    /**
     * A job's staleness probe: one success `units` seconds before the settle time, written from the first
     * sample after it; 0 before (never succeeded). The age must pass the threshold before anything fires.
     */
    const staleProbe = (name: string, staleMinutes: number, step: number): ThresholdProbe => {
      const settle = staleMinutes + step;
      return {
        labels: { [TASK_LABEL]: name, node: node.node ?? "" },
        per: 1,
        unit: "second",
        stepMinutes: step,
        settleMinutes: settle,
        series: (units, n) => {
          const at = settle * 60 - units;
          const unwritten = Math.ceil(at / (step * 60));
          return [successOf(name)(`${flat(0, unwritten)} ${flat(at, n - unwritten)}`)];
        },
        show: (units) => `the last ${name} success ${units} s old`,
      };
    };
    const staleMinutes = model.monitoring.backupStaleHours * 60;
    // Five-minute steps still pin the 30m `for`; prune and check wait days, so hourly steps pin their 2h.
    thresholds.set("BackupStale", staleProbe("backup", staleMinutes, 5));
    thresholds.set("PruneStale", staleProbe("prune", model.monitoring.pruneStaleDays * 24 * 60, 60));
    thresholds.set("CheckStale", staleProbe("check", model.monitoring.checkStaleDays * 24 * 60, 60));
    // On a cluster one node's fresh backup must not hide another node's stale one.
    const other = { ...node, instance: "192.0.2.2:9100", node: `${node.node ?? ""}-other` };
    // Hourly: one success an hour in, stale from backupStaleHours + 1 on and past the `for` two hours later.
    const staleHours = model.monitoring.backupStaleHours + 3;
    extra.push({
      alert: "BackupStale",
      fires: true,
      name: "BackupStale fires for the one node whose backups stopped while another node's are fresh",
      // The other node succeeds every hour (a success time equal to the sample's time).
      series: [success(flat(3600, staleHours + 1)), successOf("backup", { ...other, [TASK_LABEL]: "backup" })(`0+3600x${staleHours}`)],
      evalMinutes: staleHours * 60,
      stepMinutes: 60,
      labels: { [TASK_LABEL]: "backup", node: node.node ?? "" },
    });
    // Before the first success the jobs write 0: the first upload may still be running. Hourly, and late
    // enough that a time of 0 would be stale and past the `for`.
    const neverHours = model.monitoring.backupStaleHours + 2;
    extra.push({
      alert: "BackupStale",
      fires: false,
      name: "BackupStale stays quiet before the first backup has ever succeeded",
      series: [success(flat(0, neverHours + 1))],
      evalMinutes: neverHours * 60,
      stepMinutes: 60,
      labels: {},
    });
    // Hourly: the first run recorded `units` seconds before the settle time, no success ever since.
    const seedMinutes = model.monitoring.backupSeedDays * 24 * 60;
    const firstRun = (labels: Labels, values: string): InputSeries => s("homelab_restic_first_run_timestamp_seconds", labels, values);
    const seedSettle = seedMinutes + 60;
    thresholds.set("BackupNeverSucceeded", {
      labels: { [TASK_LABEL]: "backup", node: node.node ?? "" },
      per: 1,
      unit: "second",
      stepMinutes: 60,
      settleMinutes: seedSettle,
      series: (units, n) => [firstRun(task("backup"), flat(seedSettle * 60 - units, n)), success(flat(0, n))],
      show: (units) => `the first run ${units} s ago, no success since`,
    });
    const seedHours = seedMinutes / 60;
    extra.push({
      alert: "BackupNeverSucceeded",
      fires: false,
      name: "BackupNeverSucceeded stays quiet once a backup has succeeded, however long ago the first run was",
      series: [firstRun(task("backup"), flat(0, seedHours + 3)), success(`${flat(0, seedHours)} ${seedHours * 3600}x2`)],
      evalMinutes: (seedHours + 2) * 60,
      stepMinutes: 60,
      labels: {},
    });
    states.set("BackupFailed", {
      labels: task("backup"),
      what: "the last backup exited 1",
      fire: (n) => [s("homelab_restic_last_exit_status", task("backup"), flat(1, n))],
      whyQuiet: "the last backup exited 0",
      quiet: (n) => [s("homelab_restic_last_exit_status", task("backup"), flat(0, n))],
    });
    // The prune shares BackupFailed: a prune that keeps failing lets the repository grow unbounded.
    extra.push({
      alert: "BackupFailed",
      fires: true,
      name: "BackupFailed fires when the prune exits 1, with its task",
      series: [s("homelab_restic_last_exit_status", task("prune"), flat(1, 5)), s("homelab_restic_last_exit_status", task("backup"), flat(0, 5))],
      evalMinutes: 2,
      labels: task("prune"),
    });
    states.set("RepositoryCheckFailed", {
      labels: task("check"),
      what: "restic check exited 1",
      fire: (n) => [s("homelab_restic_last_exit_status", task("check"), flat(1, n))],
      whyQuiet: "the check passed and only the backup is reported",
      quiet: (n) => [s("homelab_restic_last_exit_status", task("check"), flat(0, n)), s("homelab_restic_last_exit_status", task("backup"), flat(0, n))],
    });
  }
  return { thresholds, states, extra };
}

/** The cases of every alert of the model; alerts whose jobs are missing get none (and have no rule). */
export function ruleCases(model: Homelab): RuleCase[] {
  const { thresholds, states, extra } = probes(model);
  const cases: RuleCase[] = [];
  for (const rule of alertRules(model)) {
    const threshold = thresholds.get(rule.alert);
    const state = states.get(rule.alert);
    if (rule.threshold && threshold) cases.push(...thresholdCases(rule, rule.threshold, threshold));
    else if (state) cases.push(...stateCases(rule, state));
    cases.push(...extra.filter((c) => c.alert === rule.alert));
  }
  return cases;
}

/** Expands the `{{ $labels.x }}` placeholders of an annotation as Prometheus would. */
export const expandLabels = (template: string, labels: Labels): string =>
  template.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? "<no value>");

function alertTest(rule: AlertRule, c: RuleCase): Record<string, unknown> {
  const labels = { ...c.labels, severity: rule.severity, scope: rule.scope };
  return {
    eval_time: `${c.evalMinutes}m`,
    alertname: c.alert,
    exp_alerts: c.fires ? [{ exp_labels: labels, exp_annotations: { summary: expandLabels(rule.summary, labels), runbook: expandLabels(rule.runbook, labels) } }] : [],
  };
}

/**
 * promtool test groups: cases fed the same input (a firing case and its pending twin) share one group,
 * evaluated once, since every group costs promtool a fresh storage and a pass over every rule.
 */
function testGroups(rules: ReadonlyMap<string, AlertRule>, cases: readonly RuleCase[]): Record<string, unknown>[] {
  const groups = new Map<string, { names: string[]; step: number; series: readonly InputSeries[]; tests: Record<string, unknown>[] }>();
  for (const c of cases) {
    const rule = rules.get(c.alert);
    if (!rule) continue;
    const step = c.stepMinutes ?? 1;
    const key = JSON.stringify([step, c.series]);
    const group = groups.get(key) ?? { names: [], step, series: c.series, tests: [] };
    group.names.push(c.name);
    group.tests.push(alertTest(rule, c));
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({
    name: g.names.join("; "),
    interval: `${g.step}m`,
    input_series: g.series.map((x) => ({ series: seriesText(x), values: x.values })),
    alert_rule_test: g.tests,
  }));
}

/**
 * The promtool test file of the cases with the given step (minutes); `rulesPath` is the rule file
 * relative to where the test file is written. `cases` narrows it to some of the model's cases.
 */
export function renderRuleTests(model: Homelab, rulesPath: string = RULES_FILE, stepMinutes: number = 1, cases: readonly RuleCase[] = ruleCases(model)): string {
  const rules = new Map(alertRules(model).map((r) => [r.alert, r]));
  const tests = testGroups(
    rules,
    cases.filter((c) => (c.stepMinutes ?? 1) === stepMinutes),
  );
  return toYaml({ rule_files: [rulesPath], evaluation_interval: `${stepMinutes}m`, tests });
}
