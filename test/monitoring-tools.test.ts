import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse } from "yaml";
import type { Homelab } from "../config";
import { renderAlertmanagerConfig } from "../components/monitoring-stack/alertmanager-yml";
import { alertRules, NOTIFICATIONS_FAILING_ALERT, renderAlertRules, WATCHDOG_ALERT } from "../components/monitoring-stack/alert-rules";
import { grafanaRecipeScript } from "../components/monitoring-stack/grafana-recipe";
import { prometheusRecipeScript } from "../components/monitoring-stack/prometheus-recipe";
import { renderPrometheusConfig, RULES_FILE } from "../components/monitoring-stack/prometheus-yml";
import { renderRuleTests, RULE_TEST_STEPS, ruleCases } from "../components/monitoring-stack/rule-tests";
import { exampleConfig, modelOf, ROOT } from "./harness";
import { requireTool, run } from "./tools";

/** The example homelab's monitoring configuration, fed to the real Prometheus and Alertmanager tools. */

const work = mkdtempSync(join(tmpdir(), "homelab-monitoring-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** Writes prometheus.yml with its rule file beside it, as in /etc/prometheus, and returns the directory. */
function writePrometheus(model: Homelab, name: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "rules"), { recursive: true });
  writeFileSync(join(dir, "prometheus.yml"), renderPrometheusConfig(model));
  writeFileSync(join(dir, RULES_FILE), renderAlertRules(model));
  for (const file of ruleTestFiles(model)) writeFileSync(join(dir, file.name), file.content);
  writeFileSync(join(dir, "alertmanager.yml"), renderAlertmanagerConfig(model));
  return dir;
}

/** The example plus one receiver of every type, so every receiver shape meets amtool. */
function everyReceiverModel(): Homelab {
  const config = exampleConfig();
  const monitoring = config["homelab:monitoring"] as Record<string, unknown>;
  monitoring.receivers = [
    { type: "ntfy", name: "phone", url: "https://ntfy.sh", topic: "homelab-alerts", authenticated: true },
    { type: "ntfy", name: "public", url: "https://ntfy.example.com/", topic: "homelab" },
    { type: "email", name: "mail", to: "ops@harmeetrai.com", from: "homelab@harmeetrai.com", smarthost: "smtp.example.com:587", username: "homelab" },
    { type: "webhook", name: "hook", url: "https://hooks.example.com/alert", bearerToken: true },
  ];
  return modelOf(config);
}

/** One promtool test file per step of the cases (minutes, hours). */
function ruleTestFiles(model: Homelab): { name: string; content: string }[] {
  return RULE_TEST_STEPS.map((step) => ({ name: `rule-tests-${step}m.yml`, content: renderRuleTests(model, RULES_FILE, step) }));
}
const ruleTestNames = ruleTestFiles(modelOf()).map((f) => f.name);

const example = writePrometheus(modelOf(), "example");

test("promtool accepts the rendered prometheus.yml together with the rule file beside it", (t) => {
  const promtool = requireTool(t, "promtool", "prometheus");
  if (!promtool) return;
  const result = run(promtool, ["check", "config", join(example, "prometheus.yml")]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout + result.stderr, /SUCCESS: 1 rule files found/);
});

test("promtool accepts the alert rules and counts every rule of the model", (t) => {
  const promtool = requireTool(t, "promtool", "prometheus");
  if (!promtool) return;
  const result = run(promtool, ["check", "rules", join(example, RULES_FILE)]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, new RegExp(`SUCCESS: ${alertRules(modelOf()).length} rules found`));
});

test("every alert has a promtool case where it fires and one where it stays quiet", () => {
  const model = modelOf();
  const names = alertRules(model).map((r) => r.alert);
  const cases = ruleCases(model);
  // The Watchdog fires by design, always: it has no quiet case.
  const quietable = names.filter((n) => n !== WATCHDOG_ALERT);
  assert.ok(names.includes(WATCHDOG_ALERT), "the example has a heartbeat, so a Watchdog");
  for (const name of names) assert.ok(cases.some((c) => c.alert === name && c.fires), `${name} has no firing case`);
  for (const name of quietable) assert.ok(cases.some((c) => c.alert === name && !c.fires), `${name} has no quiet case`);
  const rendered = ruleTestFiles(model).map((f) => parse(f.content) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] });
  const checks = rendered.flatMap((r) => r.tests.flatMap((x) => x.alert_rule_test));
  for (const name of names) assert.ok(checks.some((c) => c.alertname === name && c.exp_alerts.length > 0), `${name}: no rendered firing check`);
  for (const name of quietable) assert.ok(checks.some((c) => c.alertname === name && c.exp_alerts.length === 0), `${name}: no rendered quiet check`);
});

test("promtool test rules: every alert fires on its trigger with its labels and annotations, and stays quiet otherwise", (t) => {
  const promtool = requireTool(t, "promtool", "prometheus");
  if (!promtool) return;
  const result = run(promtool, ["test", "rules", ...ruleTestNames], { cwd: example });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /SUCCESS/);
});

test("promtool test rules fails when an expected alert does not match, so the suite can catch a broken rule", (t) => {
  const promtool = requireTool(t, "promtool", "prometheus");
  if (!promtool) return;
  const broken = join(work, "broken");
  mkdirSync(join(broken, "rules"), { recursive: true });
  writeFileSync(join(broken, RULES_FILE), renderAlertRules(modelOf()).replace('up{job="node"} == 0', 'up{job="node"} == 2'));
  writeFileSync(join(broken, "rule-tests.yml"), renderRuleTests(modelOf()));
  const result = run(promtool, ["test", "rules", "rule-tests.yml"], { cwd: broken });
  assert.notEqual(result.status, 0);
  assert.match(result.stdout + result.stderr, /HostDown fires when the node exporter stops answering/);
});

test("amtool accepts the rendered alertmanager.yml of the example and of every receiver type", (t) => {
  const amtool = requireTool(t, "amtool", "prometheus-alertmanager");
  if (!amtool) return;
  const every = writePrometheus(everyReceiverModel(), "receivers");
  for (const dir of [example, every]) {
    const result = run(amtool, ["check-config", join(dir, "alertmanager.yml")]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  }
  const result = run(amtool, ["check-config", join(every, "alertmanager.yml")]);
  assert.match(result.stdout, /7 receivers/);
  assert.match(result.stdout, /4 inhibit rules/);
});

test("amtool routes a critical and a warning alert to every configured receiver", (t) => {
  const amtool = requireTool(t, "amtool", "prometheus-alertmanager");
  if (!amtool) return;
  const every = writePrometheus(everyReceiverModel(), "routes");
  for (const severity of ["critical", "warning"]) {
    const result = run(amtool, ["config", "routes", "test", `--config.file=${join(every, "alertmanager.yml")}`, `severity=${severity}`, "alertname=ContainerDown", "service=immich"]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(result.stdout.trim(), "phone,public,mail,hook");
  }
});

test("amtool routes the Watchdog to the heartbeat alone, and no other alert to it", (t) => {
  const amtool = requireTool(t, "amtool", "prometheus-alertmanager");
  if (!amtool) return;
  const every = writePrometheus(everyReceiverModel(), "heartbeat");
  const config = `--config.file=${join(every, "alertmanager.yml")}`;
  const watchdog = run(amtool, ["config", "routes", "test", config, `alertname=${WATCHDOG_ALERT}`, "severity=none", "scope=host"]);
  assert.equal(watchdog.status, 0, watchdog.stdout + watchdog.stderr);
  assert.equal(watchdog.stdout.trim(), "heartbeat");
  for (const severity of ["critical", "warning"]) {
    const other = run(amtool, ["config", "routes", "test", config, `severity=${severity}`, "alertname=HostDown"]);
    assert.equal(other.stdout.trim(), "phone,public,mail,hook", severity);
  }
  const rendered = parse(readFileSync(join(every, "alertmanager.yml"), "utf8")) as { route: { routes: { receiver: string; repeat_interval: string }[] }; receivers: { name: string; webhook_configs?: { url: string }[] }[] };
  assert.deepEqual(rendered.route.routes.find((r) => r.receiver === "heartbeat"), { receiver: "heartbeat", matchers: ['alertname="Watchdog"'], group_wait: "0s", group_interval: "1m", repeat_interval: "5m", continue: false });
  assert.deepEqual(rendered.receivers.find((r) => r.name === "heartbeat")?.webhook_configs?.map((w) => w.url), ["https://hc-ping.com/replace-with-your-check-uuid"]);
});

test("amtool routes NotificationsFailing to the heartbeat's failure URL and on to every receiver, and it holds the Watchdog's pings back", (t) => {
  const amtool = requireTool(t, "amtool", "prometheus-alertmanager");
  if (!amtool) return;
  const every = writePrometheus(everyReceiverModel(), "notifications-failing");
  const config = `--config.file=${join(every, "alertmanager.yml")}`;
  const failing = run(amtool, ["config", "routes", "test", config, `alertname=${NOTIFICATIONS_FAILING_ALERT}`, "severity=critical", "scope=host", "service=prometheus"]);
  assert.equal(failing.status, 0, failing.stdout + failing.stderr);
  // The broken receiver may be any of the four: the heartbeat's failure URL still gets it out.
  assert.equal(failing.stdout.trim(), "heartbeat-fail,phone,public,mail,hook");
  const rendered = parse(readFileSync(join(every, "alertmanager.yml"), "utf8")) as {
    receivers: { name: string; webhook_configs?: { url: string }[] }[];
    inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
  };
  assert.deepEqual(rendered.receivers.find((r) => r.name === "heartbeat-fail")?.webhook_configs?.map((w) => w.url), ["https://hc-ping.com/replace-with-your-check-uuid/fail"]);
  // Without pings the heartbeat service reports the silence itself, even without a failure URL.
  assert.ok(rendered.inhibit_rules.some((r) => r.source_matchers.join() === `alertname="${NOTIFICATIONS_FAILING_ALERT}"` && r.target_matchers.join() === `alertname="${WATCHDOG_ALERT}"` && r.equal.length === 0));
  const config2 = exampleConfig();
  delete ((config2["homelab:monitoring"] as Record<string, unknown>).heartbeat as Record<string, unknown>).failUrl;
  const withoutFailUrl = renderAlertmanagerConfig(modelOf(config2));
  assert.doesNotMatch(withoutFailUrl, /heartbeat-fail/);
  assert.match(withoutFailUrl, /alertname="NotificationsFailing"/, "the inhibition stays");
});

test("without a heartbeat there is no Watchdog and no heartbeat receiver", () => {
  const config = exampleConfig();
  delete (config["homelab:monitoring"] as Record<string, unknown>).heartbeat;
  const model = modelOf(config);
  assert.ok(!alertRules(model).some((r) => r.alert === WATCHDOG_ALERT));
  assert.doesNotMatch(renderAlertmanagerConfig(model), /heartbeat/);
});

test("shellcheck finds nothing in the Prometheus and Grafana recipes", (t) => {
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!shellcheck) return;
  const model = modelOf();
  const byName = (name: string) => model.services.find((s) => s.name === name);
  const prometheus = byName("prometheus");
  const grafana = byName("grafana");
  assert.ok(prometheus && grafana);
  for (const script of [prometheusRecipeScript(prometheus), grafanaRecipeScript(grafana)]) {
    const result = run(shellcheck, ["--shell=bash", "-"], { input: `#!/usr/bin/env bash\nset -euo pipefail\n${script}` });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  }
});

test("promtool accepts the 3-node example's prometheus.yml and rules: one node job over every node, one cloudflared job over every connector", (t) => {
  const promtool = requireTool(t, "promtool", "prometheus");
  if (!promtool) return;
  const cluster = (parse(readFileSync(join(ROOT, "config", "examples", "cluster.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
  const dir = writePrometheus(modelOf(cluster), "cluster");
  const config = run(promtool, ["check", "config", join(dir, "prometheus.yml")]);
  assert.equal(config.status, 0, config.stdout + config.stderr);
  const rules = run(promtool, ["check", "rules", join(dir, RULES_FILE)]);
  assert.equal(rules.status, 0, rules.stdout + rules.stderr);
  const jobs = (parse(readFileSync(join(dir, "prometheus.yml"), "utf8")) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }).scrape_configs;
  const targets = (name: string): string[] => jobs.filter((j) => j.job_name === name).flatMap((j) => j.static_configs.flatMap((c) => c.targets));
  assert.deepEqual(targets("node"), ["192.168.1.10:9100", "192.168.1.11:9100", "192.168.1.12:9100"]);
  assert.deepEqual(targets("cloudflared"), ["192.168.1.112:2000", "192.168.1.131:2000", "192.168.1.132:2000"]);
});
