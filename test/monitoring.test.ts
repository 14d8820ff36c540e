import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { alertRules, renderAlertRules, says, spellSeconds } from "../components/monitoring-stack/alert-rules";
import { expandLabels, forMinutes, holds, RULE_TEST_STEPS, ruleCases } from "../components/monitoring-stack/rule-tests";
import { renderedUnitNames } from "../components/restic-backup/systemd-units";
import { receiverSecretFile, renderAlertmanagerConfig, INHIBIT_RULES } from "../components/monitoring-stack/alertmanager-yml";
import { renderBlackboxConfig } from "../components/monitoring-stack/blackbox-yml";
import { dashboards, renderDashboard } from "../components/monitoring-stack/dashboards";
import { metricNamesIn, metricsOf } from "../components/monitoring-stack/metrics";
import { renderPrometheusConfig } from "../components/monitoring-stack/prometheus-yml";
import { grafanaFiles, prometheusFiles } from "../components/monitoring-stack/provision-files";
import { scrapeJobs } from "../components/monitoring-stack/targets";
import type { Homelab } from "../config";
import { byName, exampleConfig, modelOf, ofType, PLACEHOLDER_MARK, runProgram, dependencyNames } from "./harness";
import { run } from "./tools";

const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));
const service = (model: Homelab, name: string) => {
  const s = model.services.find((x) => x.name === name);
  assert.ok(s, `no service ${name}`);
  return s;
};

interface PromConfig {
  scrape_configs: { job_name: string; static_configs: { targets: string[]; labels: Record<string, string> }[]; metric_relabel_configs?: { regex: string; replacement: string }[] }[];
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
}

test("every metrics endpoint of every service is one scrape target, and every route one probe", () => {
  const model = modelOf();
  const config = parse(renderPrometheusConfig(model)) as PromConfig;
  const targetsOf = (name: string) => config.scrape_configs.find((j) => j.job_name === name)?.static_configs.flatMap((c) => c.targets.map((t) => ({ t, labels: c.labels }))) ?? [];
  for (const s of model.services) {
    const scraped = config.scrape_configs.filter((j) => j.job_name !== "probe").flatMap((j) => j.static_configs).filter((c) => c.labels.service === s.name).flatMap((c) => c.targets);
    assert.deepEqual(scraped.sort(), s.metrics.map((m) => `${s.ip}:${m.port}`).sort(), `scrape targets of ${s.name}`);
    const probes = targetsOf("probe").filter((p) => p.labels.service === s.name).map((p) => p.t);
    assert.deepEqual(probes, s.routes.map((r) => `http://${s.ip}:${r.port}${r.healthPath}`), `probes of ${s.name}`);
  }
  assert.deepEqual(targetsOf("node").map((x) => x.t), ["192.168.1.10:9100"]);
  assert.deepEqual(config.rule_files, ["rules/homelab.yml"]);
  assert.deepEqual(config.alerting.alertmanagers[0]?.static_configs[0]?.targets, ["127.0.0.1:9093"]);
});

test("Uptime Kuma is probed at /robots.txt, which it answers with 200, not at / which redirects to /dashboard", () => {
  const config = parse(renderPrometheusConfig(modelOf())) as PromConfig;
  const probes = config.scrape_configs.find((j) => j.job_name === "probe")?.static_configs.filter((c) => c.labels.service === "uptime-kuma").flatMap((c) => c.targets);
  assert.deepEqual(probes, ["http://192.168.1.129:3001/robots.txt"]);
  // The probe module does not follow redirects, so a redirecting path would fail forever.
  assert.match(renderBlackboxConfig(), /follow_redirects: false/);
});

test("adding a service to the stack file adds its scrape job, probe and container name with no other change", () => {
  const config = exampleConfig();
  const services = config["homelab:services"] as Record<string, unknown>;
  services.automations = { app: "n8n", vmId: 131, ip: "192.168.1.131", database: false };
  const before = parse(renderPrometheusConfig(modelOf())) as PromConfig;
  const after = parse(renderPrometheusConfig(modelOf(config))) as PromConfig;
  const added = after.scrape_configs.filter((j) => !before.scrape_configs.some((b) => b.job_name === j.job_name));
  assert.deepEqual(added.map((j) => [j.job_name, j.static_configs[0]?.targets[0]]), [["automations", "192.168.1.131:5678"]]);
  const probe = after.scrape_configs.find((j) => j.job_name === "probe");
  assert.ok(probe?.static_configs.some((c) => c.targets[0] === "http://192.168.1.131:5678/healthz" && c.labels.service === "automations"));
  const pve = after.scrape_configs.find((j) => j.job_name === "pve");
  assert.ok(pve?.metric_relabel_configs?.some((r) => r.regex === "lxc/131" && r.replacement === "automations"));
});

test("every alert has a severity, a summary and a runbook hint", () => {
  for (const rule of alertRules(modelOf())) {
    assert.ok(["critical", "warning"].includes(rule.severity) || (rule.alert === "Watchdog" && rule.severity === "none"), rule.alert);
    assert.ok(rule.summary.length > 10, `${rule.alert} summary`);
    assert.ok(rule.runbook.length > 20, `${rule.alert} runbook`);
  }
});

test("the example homelab has every alert the operator needs, with backups stale after 26 hours", () => {
  const rules = alertRules(modelOf());
  assert.deepEqual(rules.map((r) => r.alert).sort(), [
    "BackupFailed", "BackupNeverSucceeded", "BackupStale", "CheckStale", "ContainerDiskFull", "ContainerDown", "ContainerMemoryPressure", "ContainerRebootRequired", "HostDown", "HostMemoryPressure", "HostRootFull",
    "NotificationsFailing", "PostgresConnectionsNearMax", "PostgresDown", "PruneStale", "RepositoryCheckFailed", "ServiceProbeFailing", "TargetDown", "ThinPoolAlmostFull", "TierAlmostFull",
    "TierFillingUp", "TunnelDown", "Watchdog",
  ]);
  const stale = rules.find((r) => r.alert === "BackupStale");
  assert.match(stale?.expr ?? "", / > 93600$/);
  // Per node too: on a cluster one node's fresh backup must not hide another's stale one.
  for (const alert of ["BackupStale", "PruneStale", "CheckStale"]) assert.match(rules.find((r) => r.alert === alert)?.expr ?? "", /max by \(task, node\)/, alert);
  assert.match(rules.find((r) => r.alert === "ThinPoolAlmostFull")?.expr ?? "", /pve_disk_usage_bytes\{job="pve",id="storage\/pve\/local-lvm"\}/);
  assert.match(rules.find((r) => r.alert === "HostRootFull")?.expr ?? "", /node_filesystem_avail_bytes\{job="node",mountpoint="\/"\}/);
  const filling = rules.find((r) => r.alert === "TierFillingUp");
  assert.match(filling?.expr ?? "", /predict_linear\(node_filesystem_avail_bytes\{job="node",mountpoint=~"[^"]*\/mnt\/nvme[^"]*"\}\[6h\]/);
  assert.match(filling?.expr ?? "", /\/mnt\/raid/);
});

/** Rules as Prometheus reads them from the rendered file, not as the program holds them. */
const renderedRules = (model: Homelab) =>
  (parse(renderAlertRules(model)) as { groups: { rules: { alert: string; expr: string; for?: string; annotations: { summary: string } }[] }[] }).groups.flatMap((g) => g.rules);

/** The numbers a PromQL expression compares or computes with; not label values, range windows or `vector(1)`'s constant. */
function numbersIn(expr: string): number[] {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, "{}").replace(/\[[^\]]*\]/g, "[]").replace(/\bvector\(\s*[\d.]+\s*\)/g, "vector()");
  return [...bare.matchAll(/(?<![\w:.])(\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?![\w:.])/gi)].map((m) => Number(m[1]));
}

test("the number reader finds thresholds and skips metric names, label values, windows and durations", () => {
  assert.deepEqual(numbersIn('node_load1{job="node2",x=~"a|10"} / rate(y_total[5m] offset 1h) > 0.9 or vector(1)'), [0.9]);
  assert.deepEqual(numbersIn("predict_linear(x[6h], 345600) < 0"), [345600, 0]);
  assert.deepEqual(numbersIn("time() - max by (task) (t > 0) > 93600 and z == 1e9"), [0, 93600, 1e9]);
});

test("every number an alert compares against is its declared threshold, and its summary says that number and no other; thresholds and waits are as documented", () => {
  const model = modelOf();
  const declared = new Map(alertRules(model).map((r) => [r.alert, r]));
  const said: Record<string, string> = {};
  for (const rule of renderedRules(model)) {
    const threshold = declared.get(rule.alert)?.threshold;
    // A comparison with 0 asks whether something is down, failed or present; any other number was chosen.
    const chosen = numbersIn(rule.expr).filter((n) => n !== 0);
    if (!threshold) {
      assert.deepEqual(chosen, [], `${rule.alert} compares against ${chosen.join(", ")} but declares no threshold`);
      continue;
    }
    assert.deepEqual(chosen, [threshold.value], `${rule.alert}: the expression's number is not its threshold's`);
    assert.ok(rule.annotations.summary.includes(says(threshold)), `${rule.alert}: the summary does not say "${says(threshold)}"`);
    said[rule.alert] = says(threshold);
  }
  for (const rule of renderedRules(model)) {
    // Every number the operator reads is the threshold's or the wait's, never typed in again.
    const spoken = `${said[rule.alert] ?? ""} ${rule.for ? spellSeconds(forMinutes(rule.for) * 60) : ""}`;
    for (const [n] of rule.annotations.summary.replace(/\{\{[^}]*\}\}/g, "").matchAll(/\d+(?:\.\d+)?/g)) {
      assert.ok(spoken.includes(n), `${rule.alert}: the summary says ${n}, which is neither its threshold nor its for`);
    }
  }
  assert.deepEqual(said, {
    HostMemoryPressure: "less than 10%",
    TierFillingUp: "less than 4 days",
    TierAlmostFull: "less than 10%",
    HostRootFull: "less than 10%",
    ThinPoolAlmostFull: "more than 90%",
    ContainerMemoryPressure: "more than 90%",
    ContainerDiskFull: "more than 90%",
    PostgresConnectionsNearMax: "more than 80%",
    BackupStale: "more than 26 hours",
    PruneStale: "more than 8 days",
    CheckStale: "more than 32 days",
    BackupNeverSucceeded: "more than 7 days",
  });
  // The waits are said once too (the cases read them from the rule), so they are pinned here like the thresholds.
  assert.deepEqual(Object.fromEntries(renderedRules(model).filter((r) => r.for).map((r) => [r.alert, r.for])), {
    HostDown: "2m",
    HostMemoryPressure: "10m",
    TierFillingUp: "1h",
    TierAlmostFull: "15m",
    HostRootFull: "15m",
    ThinPoolAlmostFull: "15m",
    ContainerDown: "2m",
    ContainerMemoryPressure: "15m",
    ContainerDiskFull: "15m",
    ServiceProbeFailing: "5m",
    TargetDown: "5m",
    PostgresDown: "2m",
    PostgresConnectionsNearMax: "10m",
    TunnelDown: "2m",
    BackupStale: "30m",
    PruneStale: "2h",
    CheckStale: "2h",
    ContainerRebootRequired: "1h",
  });
});

test("every alert that compares against a number or waits out a for has promtool cases on both sides of its edge", () => {
  const model = modelOf();
  const declared = new Map(alertRules(model).map((r) => [r.alert, r]));
  const cases = ruleCases(model);
  let thresholds = 0;
  let waits = 0;
  for (const rule of renderedRules(model)) {
    const own = cases.filter((c) => c.alert === rule.alert);
    const inside = own.find((c) => c.edge === "inside");
    const outside = own.find((c) => c.edge === "outside");
    if (/(==|!=|<=|>=|<|>)\s*\d/.test(rule.expr)) {
      assert.ok(inside && !inside.fires, `${rule.alert} compares against a number but has no quiet case at its edge`);
      assert.ok(outside?.fires, `${rule.alert} compares against a number but has no firing case at its edge`);
    }
    const threshold = declared.get(rule.alert)?.threshold;
    if (threshold) {
      thresholds++;
      assert.ok(inside?.measure !== undefined && outside?.measure !== undefined, `${rule.alert}: its edge cases do not say their measure`);
      assert.ok(!holds(threshold.op, inside.measure, threshold.value) && holds(threshold.op, outside.measure, threshold.value), `${rule.alert}: the cases do not straddle ${threshold.op} ${threshold.value}`);
      assert.ok([inside.measure, outside.measure].includes(threshold.value), `${rule.alert}: neither case sits exactly on ${threshold.value}`);
      // One unit apart, as 89.9% and 90.1% would be: a comparison off by more than that fails one of them.
      assert.ok(Math.abs(outside.measure - inside.measure) <= threshold.value * 0.02, `${rule.alert}: ${inside.measure} and ${outside.measure} are not at the edge of ${threshold.value}`);
    }
    if (rule.for) {
      waits++;
      const pending = own.find((c) => c.edge === "pending");
      const step = outside?.stepMinutes ?? 1;
      assert.ok(outside && pending && !pending.fires, `${rule.alert} waits ${rule.for} but has no case one step before that`);
      assert.deepEqual(pending.series, outside.series, `${rule.alert}: the pending case is fed otherwise than the firing one`);
      assert.equal(outside.evalMinutes - pending.evalMinutes, step, `${rule.alert}: the pending case is not one step before the firing one`);
      // A step of at most half the wait, so a halved for already fires at the pending case.
      assert.ok(step * 2 <= forMinutes(rule.for), `${rule.alert}: steps of ${step}m do not pin for: ${rule.for}`);
    }
  }
  assert.equal(thresholds, 12);
  assert.equal(waits, renderedRules(model).filter((r) => r.for).length);
  assert.ok(waits >= 15, `only ${waits} alerts wait out a for`);
  for (const c of cases) assert.ok((RULE_TEST_STEPS as readonly number[]).includes(c.stepMinutes ?? 1), `${c.name}: step ${c.stepMinutes}m has no test file`);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, "case names are unique, so a failure names one case");
});

test("every systemd unit an alert's runbook names is one the backup component renders", () => {
  const rendered = new Set(renderedUnitNames());
  let named = 0;
  for (const rule of alertRules(modelOf())) {
    // A runbook may name the unit of the alert's own task: expand it with every task the rule matches.
    const tasks = /task=~?"([^"]+)"/.exec(rule.expr)?.[1]?.split("|") ?? [];
    const texts = rule.runbook.includes("$labels.task") ? tasks.map((task) => expandLabels(rule.runbook, { task })) : [rule.runbook];
    for (const text of texts) {
      for (const [unit] of text.matchAll(/[\w@.-]+\.(?:service|timer)\b/g)) {
        named++;
        assert.ok(rendered.has(unit), `${rule.alert} names ${unit}, which the program does not render (${[...rendered].join(", ")})`);
      }
      for (const [, pattern] of text.matchAll(/list-timers '([^']+)'/g)) {
        assert.ok([...rendered].some((u) => u.startsWith((pattern ?? "").replace(/\*$/, ""))), `${rule.alert}: '${pattern}' matches no rendered unit`);
      }
      assert.doesNotMatch(text, /-u restic-/, `${rule.alert} names a unit without its homelab- prefix`);
    }
  }
  assert.ok(named >= 5, `only ${named} unit names found in the runbooks`);
});

test("without backups and Postgres there are no backup or Postgres alerts", () => {
  const config = exampleConfig();
  delete config["homelab:backup"];
  (config["homelab:postgres"] as Record<string, unknown>).enabled = false;
  const services = config["homelab:services"] as Record<string, unknown>;
  for (const name of ["postgres", "immich", "nextcloud", "n8n", "vaultwarden"]) delete services[name];
  const names = alertRules(modelOf(config)).map((r) => r.alert);
  for (const gone of ["BackupStale", "PruneStale", "CheckStale", "BackupNeverSucceeded", "BackupFailed", "RepositoryCheckFailed", "PostgresDown", "PostgresConnectionsNearMax"]) assert.ok(!names.includes(gone), gone);
});

test("rules and dashboards name only metrics that a configured job produces", () => {
  const model = modelOf();
  const available = metricsOf(scrapeJobs(model).map((j) => j.kind));
  for (const rule of alertRules(model)) {
    for (const name of metricNamesIn(rule.expr)) assert.ok(available.has(name), `${rule.alert} uses ${name}, which no configured job produces`);
  }
  const ds = dashboards(model);
  assert.deepEqual(ds.map((d) => d.uid), ["homelab-overview", "homelab-postgres", "homelab-traffic"]);
  for (const d of ds) {
    const json = JSON.parse(renderDashboard(d)) as { uid: string; panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[] };
    assert.equal(json.uid, d.uid);
    assert.ok(json.panels.length > 0);
    for (const panel of json.panels) {
      assert.ok(panel.targets.length > 0, `${d.uid}/${panel.title} has no query`);
      assert.equal(panel.datasource.uid, "homelab-prometheus");
      for (const t of panel.targets) {
        const names = metricNamesIn(t.expr);
        assert.ok(names.length > 0, `${panel.title}: no metric in ${t.expr}`);
        for (const name of names) assert.ok(available.has(name), `${d.uid}/${panel.title} queries ${name}, which no configured job produces`);
      }
    }
  }
});

test("the metric-name reader sees metrics and ignores functions, labels and durations", () => {
  assert.deepEqual(
    metricNamesIn('histogram_quantile(0.95, sum by (le, service) (rate(traefik_service_request_duration_seconds_bucket{job="traefik"}[5m])))'),
    ["traefik_service_request_duration_seconds_bucket"],
  );
  assert.deepEqual(metricNamesIn('time() - max by (task) (homelab_restic_last_success_timestamp_seconds{task="backup"}) > 93600 or absent(x_total)'), [
    "homelab_restic_last_success_timestamp_seconds",
    "x_total",
  ]);
});

test("the overview dashboard shows per-service health, CPU and memory against limits, tier usage and backup age", () => {
  const overview = dashboards(modelOf()).find((d) => d.uid === "homelab-overview");
  const exprs = overview?.panels.flatMap((p) => p.queries.map((q) => q.expr)).join("\n") ?? "";
  for (const metric of ["probe_success", "pve_cpu_usage_ratio", "pve_memory_size_bytes", "node_filesystem_avail_bytes", "homelab_restic_last_success_timestamp_seconds"]) {
    assert.ok(exprs.includes(metric), metric);
  }
});

test("receiver credentials live only in 0600 secret files that alertmanager.yml points to", async () => {
  const config = exampleConfig();
  (config["homelab:monitoring"] as Record<string, unknown>).receivers = [
    { type: "ntfy", name: "phone", url: "https://ntfy.sh", topic: "homelab-alerts", authenticated: true },
    { type: "email", name: "mail", to: "ops@harmeetrai.com", from: "homelab@harmeetrai.com", smarthost: "smtp.example.com:587", username: "homelab" },
    { type: "webhook", name: "hook", url: "https://hooks.example.com/alert", bearerToken: true },
  ];
  const model = modelOf(config);
  const secrets = { ntfyToken: pulumi.secret("tk_NTFY_SECRET"), smtpPassword: pulumi.secret("SMTP_SECRET"), webhookToken: pulumi.secret("HOOK_SECRET") };
  const files = prometheusFiles(model, service(model, "prometheus"), pulumi.secret("PVE_SECRET"), secrets);
  const rendered = renderAlertmanagerConfig(model);
  for (const r of model.monitoring.receivers) {
    assert.ok(rendered.includes(receiverSecretFile(r)), `alertmanager.yml does not point ${r.name} at its file`);
    const file = files.find((f) => f.path === receiverSecretFile(r));
    assert.ok(file, `no credential file for ${r.name}`);
    assert.equal(file.secret, true);
    assert.equal(file.mode, "0600");
    assert.equal(file.owner, "900:900", "the prometheus system account (catalog ids)");
    assert.ok(await pulumi.isSecret(pulumi.output(file.content)));
  }
  for (const file of files.filter((f) => !f.secret)) {
    const text = await value(pulumi.output(file.content));
    for (const secret of ["NTFY_SECRET", "SMTP_SECRET", "HOOK_SECRET", "PVE_SECRET"]) assert.ok(!text.includes(secret), `${file.path} holds ${secret}`);
  }
  const pve = files.find((f) => f.path === "/etc/prometheus/pve.yml");
  assert.ok(pve?.secret && pve.mode === "0600");
  assert.ok(await pulumi.isSecret(pulumi.output(pve.content)));
  assert.match(await value(pulumi.output(pve.content)), /token_value: PVE_SECRET/);
});

test("Grafana's admin password is only in its 0600 environment file; datasource and dashboards are provisioned", async () => {
  const model = modelOf();
  const files = grafanaFiles(model, service(model, "prometheus"), service(model, "grafana"), pulumi.secret("GRAFANA_ADMIN_SECRET"));
  const env = files.find((f) => f.path === "/etc/grafana/homelab-secrets.env");
  assert.ok(env?.secret && env.mode === "0600");
  assert.equal(await value(pulumi.output(env.content)), "GF_SECURITY_ADMIN_PASSWORD=GRAFANA_ADMIN_SECRET\n");
  for (const f of files.filter((x) => !x.secret)) assert.ok(!(await value(pulumi.output(f.content))).includes("GRAFANA_ADMIN_SECRET"), f.path);
  const datasource = files.find((f) => f.path === "/etc/grafana/provisioning/datasources/homelab.yaml");
  const ds = parse(String(datasource?.content)) as { datasources: { url: string; uid: string }[] };
  assert.deepEqual(ds.datasources.map((d) => [d.uid, d.url]), [["homelab-prometheus", "http://192.168.1.113:9090"]]);
  assert.deepEqual(files.filter((f) => f.path.endsWith(".json")).map((f) => f.path), [
    "/etc/grafana/dashboards/homelab-overview.json",
    "/etc/grafana/dashboards/homelab-postgres.json",
    "/etc/grafana/dashboards/homelab-traffic.json",
  ]);
  const dropIn = files.find((f) => f.path.endsWith("grafana-server.service.d/homelab.conf"));
  assert.match(String(dropIn?.content), /GF_SERVER_ROOT_URL=https:\/\/grafana\.harmeetrai\.com\//);
});

test("retention time and size from the stack file reach Prometheus's ARGS", () => {
  const config = exampleConfig();
  (config["homelab:monitoring"] as Record<string, unknown>).retention = { time: "90d", size: "25GB" };
  const model = modelOf(config);
  const files = prometheusFiles(model, service(model, "prometheus"), pulumi.secret("x"), { ntfyToken: pulumi.secret("y") });
  const defaults = String(files.find((f) => f.path === "/etc/default/prometheus")?.content);
  assert.match(defaults, /--storage\.tsdb\.retention\.time=90d/);
  assert.match(defaults, /--storage\.tsdb\.retention\.size=25GB/);
  assert.match(defaults, /--storage\.tsdb\.path=\/var\/lib\/prometheus\/metrics2\//);
  assert.ok(service(model, "prometheus").mounts.some((m) => m.path === "/var/lib/prometheus" && m.tier === "nvme"));
});

test("host down silences every per-service alert of that host; a stopped container silences its own symptoms", () => {
  const [hostDown, containerDown] = INHIBIT_RULES;
  assert.deepEqual(hostDown?.source_matchers, ['alertname="HostDown"']);
  assert.deepEqual(hostDown?.target_matchers, ['scope="service"']);
  assert.deepEqual(hostDown?.equal, ["node"]);
  assert.deepEqual(containerDown?.equal, ["service"]);
  // Every per-service alert keeps the node label so the inhibition can match it.
  const model = modelOf();
  for (const job of scrapeJobs(model)) for (const t of job.targets) assert.equal(t.labels.node, "pve", `${job.name} ${t.address}`);
  const serviceRules = alertRules(model).filter((r) => r.scope === "service");
  assert.ok(serviceRules.length >= 6);
  for (const r of serviceRules.filter((x) => /by \(/.test(x.expr))) assert.match(r.expr, /by \([^)]*node[^)]*\)/, r.alert);
});

test("mocks: the monitoring stack creates its two LXCs, a read-only API token and a secret Grafana password", async () => {
  const { resources } = await runProgram();
  const stack = byName(resources, "monitoring");
  const children = resources.filter((r) => r.parentUrn === stack.urn);
  assert.deepEqual(children.map((r) => r.type).sort(), [
    "command:remote:Command",
    "homelab:index:LxcService",
    "homelab:index:LxcService",
    "proxmoxve:index/acl:Acl",
    "proxmoxve:index/acl:Acl",
    "proxmoxve:index/userLegacy:UserLegacy",
    "proxmoxve:user/token:Token",
    "random:index/randomPassword:RandomPassword",
  ]);
  for (const name of ["prometheus", "grafana"]) {
    const lxc = byName(resources, name);
    assert.equal(lxc.parentUrn, stack.urn);
    const container = byName(resources, `${name}-container`);
    assert.equal(container.parentUrn, lxc.urn);
  }
  assert.equal(byName(resources, "prometheus-container").inputs.vmId, 113);
  // The Proxmox exporter (PyPI) installs after the Debian-packaged daemons, in their container.
  const pveExporter = byName(resources, "monitoring-pve-exporter");
  assert.match(String(pveExporter.inputs.create), /pct exec 113 -- bash -s$/);
  assert.match(String(pveExporter.inputs.stdin), /prometheus-pve-exporter==3\.10\.0/);
  assert.ok(dependencyNames(pveExporter).includes("prometheus-provision"), "after the prometheus recipe");
  assert.equal(byName(resources, "grafana-container").inputs.vmId, 114);

  const user = byName(resources, "monitoring-pve-user");
  assert.equal(user.inputs.userId, "monitoring@pve");
  assert.equal(user.inputs.password, undefined);
  assert.equal(user.inputs.acls, undefined);
  const token = byName(resources, "monitoring-pve-token");
  assert.equal(token.inputs.privilegesSeparation, true);
  assert.ok(token.additionalSecretOutputs.includes("value"));
  const acls = ofType(resources, "proxmoxve:index/acl:Acl");
  assert.deepEqual(
    acls.map((a) => [a.inputs.path, a.inputs.roleId, a.inputs.userId ?? a.inputs.tokenId, a.inputs.propagate]).sort(),
    [["/", "PVEAuditor", "monitoring@pve!exporter", true], ["/", "PVEAuditor", "monitoring@pve", true]],
  );

  const password = byName(resources, "monitoring-grafana-admin");
  assert.ok(password.additionalSecretOutputs.includes("result"));
  assert.equal(password.inputs.special, false);
});

test("mocks: no placeholder secret appears in any input that is not marked secret", async () => {
  const { resources } = await runProgram();
  for (const r of resources) {
    const walk = (v: unknown, path: string): void => {
      if (typeof v === "string") {
        if (v.includes(PLACEHOLDER_MARK) || v.includes("mock-token-secret")) {
          assert.ok(r.secretPaths.some((p) => path === p || path.startsWith(`${p}.`)), `${r.name}.${path} holds a secret in plain`);
        }
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, path ? `${path}.${i}` : String(i)));
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    };
    walk(r.inputs, "");
  }
});

test("Grafana's admin password follows its secret: a new secret re-runs the recipe, which resets the password from stdin on every run", async (t) => {
  const { resources } = await runProgram();
  const provision = byName(resources, "grafana-provision");
  const triggers = provision.inputs.triggers as unknown[];
  assert.ok(
    triggers.includes("GF_SECURITY_ADMIN_PASSWORD=mock-random-password-monitoring-grafana-admin\n"),
    "the secret environment file is a trigger of the recipe, so a replaced password re-runs it",
  );
  assert.ok(provision.secretPaths.includes("triggers"), "and stays encrypted in the state");
  const recipe = String(provision.inputs.stdin);
  const reset = recipe.split("\n").findIndex((l) => l.startsWith("sed -n 's/^GF_SECURITY_ADMIN_PASSWORD=//p'"));
  assert.ok(reset > 0, "the recipe resets the admin password");
  // Run the reset itself against a stand-in grafana that records its argv and stdin.
  const dir = mkdtempSync(join(tmpdir(), "homelab-grafana-reset-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "grafana"), `#!/bin/bash\nprintf '%s\\n' "$*" >"${dir}/argv"\ncat >"${dir}/stdin"\n`, { mode: 0o755 });
  const envFile = join(dir, "homelab-secrets.env");
  for (const password of ["first-secret", "replaced-secret"]) {
    writeFileSync(envFile, `GF_SECURITY_ADMIN_PASSWORD=${password}\n`, { mode: 0o600 });
    const lines = recipe.split("\n").slice(reset, reset + 2).join("\n").replace("/etc/grafana/homelab-secrets.env", envFile);
    const r = run("bash", ["-euo", "pipefail", "-c", lines], { env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ""}` } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(join(dir, "stdin"), "utf8"), `${password}\n`, "the current secret reaches reset-admin-password on stdin");
    const argv = readFileSync(join(dir, "argv"), "utf8");
    assert.match(argv, /admin reset-admin-password --password-from-stdin/);
    assert.ok(!argv.includes(password), "never in its argv");
  }
});
