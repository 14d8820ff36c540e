import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { alertGroups, renderRuleGroups, type AlertRule } from "../components/monitoring-stack/alert-rules";
import { RULES_FILE } from "../components/monitoring-stack/prometheus-yml";
import { forMinutes, renderRuleTests, ruleCases, type Edge } from "../components/monitoring-stack/rule-tests";
import { modelOf } from "./harness";
import { requireTool, run } from "./tools";

/**
 * The careless edits the promtool cases must catch, made to the expression or the `for` alone as a hasty
 * hand would: every threshold halved or doubled, every strict comparison made inclusive, every `for`
 * halved or doubled. Each edited rule file meets the one case that sits where the edit shows, and that
 * case must fail.
 */

const work = mkdtempSync(join(tmpdir(), "homelab-alert-edges-"));
after(() => rmSync(work, { recursive: true, force: true }));

interface Mutant {
  readonly alert: string;
  readonly edit: string;
  readonly rule: AlertRule;
  /** The case the edit must break: the quiet one if the edit fires more, the firing one if it fires less. */
  readonly breaks: Edge;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function mutantsOf(rule: AlertRule): Mutant[] {
  const mutants: Mutant[] = [];
  const t = rule.threshold;
  if (t) {
    const number = new RegExp(`(?<![\\w.])${escapeRegExp(String(t.value))}(?![\\w.])`, "g");
    assert.equal(rule.expr.match(number)?.length, 1, `${rule.alert}: its threshold ${t.value} is not in its expression once`);
    const rising = t.op === ">" || t.op === ">=";
    for (const [edit, factor] of [["halved", 0.5], ["doubled", 2]] as const) {
      // A lower number fires more for `>` and less for `<`.
      const firesMore = rising === factor < 1;
      mutants.push({ alert: rule.alert, edit: `threshold ${edit}`, rule: { ...rule, expr: rule.expr.replace(number, String(t.value * factor)) }, breaks: firesMore ? "inside" : "outside" });
    }
    // The threshold's comparison is the expression's last one (TierFillingUp's `< 0` after the extrapolation).
    const strict = t.op.length === 1;
    const flipped = rule.expr.replace(/ ([<>])(=?) (\S+)$/, (_, op: string, eq: string, rhs: string) => ` ${op}${eq ? "" : "="} ${rhs}`);
    assert.notEqual(flipped, rule.expr, `${rule.alert}: its expression does not end in a comparison`);
    mutants.push({ alert: rule.alert, edit: strict ? "comparison made inclusive" : "comparison made strict", rule: { ...rule, expr: flipped }, breaks: strict ? "inside" : "outside" });
  }
  if (rule.for) {
    const seconds = forMinutes(rule.for) * 60;
    mutants.push({ alert: rule.alert, edit: "for halved", rule: { ...rule, for: `${seconds / 2}s` }, breaks: "pending" });
    mutants.push({ alert: rule.alert, edit: "for doubled", rule: { ...rule, for: `${seconds * 2}s` }, breaks: "outside" });
  }
  return mutants;
}

test("promtool's edge cases catch every threshold halved or doubled, every comparison made inclusive and every for halved or doubled", (t) => {
  const promtool = requireTool(t, "promtool", "prometheus");
  if (!promtool) return;
  const model = modelOf();
  const groups = alertGroups(model);
  const cases = ruleCases(model);
  const mutants = groups.flatMap((g) => g.rules.flatMap(mutantsOf));
  const survivors: string[] = [];
  mutants.forEach((m, i) => {
    const breaking = cases.find((c) => c.alert === m.alert && c.edge === m.breaks);
    assert.ok(breaking, `${m.alert} has no ${m.breaks} case`);
    const dir = join(work, String(i));
    mkdirSync(join(dir, "rules"), { recursive: true });
    // The edited rule alone: an alert's evaluation does not depend on the other rules, and promtool evaluates every rule at every step.
    writeFileSync(join(dir, RULES_FILE), renderRuleGroups([{ name: "edited", rules: [m.rule] }]));
    writeFileSync(join(dir, "edge.yml"), renderRuleTests(model, RULES_FILE, breaking.stepMinutes ?? 1, [breaking]));
    const result = run(promtool, ["test", "rules", "edge.yml"], { cwd: dir });
    // It must fail on that case's expectation, not on a rule file promtool cannot load.
    if (result.status === 0 || !result.stderr.includes(`name: ${breaking.name},`)) survivors.push(`${m.alert} with its ${m.edit} passes "${breaking.name}"\n${result.stdout}${result.stderr}`);
  });
  assert.deepEqual(survivors, []);
  // Twelve thresholds with three edits each, two edits for each for.
  assert.equal(mutants.length, 12 * 3 + 2 * groups.flatMap((g) => g.rules).filter((r) => r.for).length);
});
