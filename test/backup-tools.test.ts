import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { exampleConfig, modelOf } from "./harness";
import { requireTool, run } from "./tools";
import { renderJobScript } from "../components/restic-backup/job-scripts";
import { renderPasswordRotation } from "../components/restic-backup/key-rotation";
import { HOST_LAYOUT, JOBS, scriptName, unitName } from "../components/restic-backup/layout";
import { renderRestoreScript } from "../components/restic-backup/restore-script";
import { renderStateScript } from "../components/restic-backup/state-script";
import { modelSources } from "../components/restic-backup/sources";
import { renderAllUnits } from "../components/restic-backup/systemd-units";

type Obj = Record<string, unknown>;

/** The example model, and one with no Postgres and a dataset with awkward exclude patterns. */
function models() {
  const example = modelOf();
  const config = exampleConfig();
  (config["homelab:postgres"] as Obj).enabled = false;
  const services = config["homelab:services"] as Obj;
  for (const app of ["postgres", "immich", "nextcloud", "n8n", "vaultwarden"]) delete services[app];
  const datasets = (config["homelab:storage"] as { datasets: Obj }).datasets;
  datasets.notes = { tier: "raid", quotaGiB: 10, content: "documents", excludes: ["it's a $(test)/**", "*.tmp", "a b/c"] };
  return { example, other: modelOf(config) };
}

/** Writes every script and unit of a model into dir, units pointing at the scripts there. */
function renderInto(dir: string, model: ReturnType<typeof modelOf>) {
  const settings = model.backup;
  assert.ok(settings);
  const layout = { ...HOST_LAYOUT, scriptDir: dir };
  const sources = modelSources(model);
  const scripts: string[] = [];
  for (const job of JOBS) {
    const path = join(dir, scriptName(job));
    writeFileSync(path, renderJobScript(job, { settings, sources, resticHost: model.proxmox.nodeName, layout }));
    scripts.push(path);
  }
  const restore = join(dir, scriptName("restore"));
  writeFileSync(restore, renderRestoreScript({ sources, resticHost: model.proxmox.nodeName, layout }));
  scripts.push(restore);
  for (const s of scripts) chmodSync(s, 0o755);
  const units = renderAllUnits(settings, layout);
  const unitFiles: string[] = [];
  for (const u of units) {
    for (const kind of ["service", "timer"] as const) {
      const path = join(dir, unitName(u.job, kind));
      writeFileSync(path, kind === "service" ? u.service : u.timer);
      unitFiles.push(path);
    }
  }
  return { scripts, unitFiles, schedules: [...units.map((u) => u.schedule), settings.vzdump.schedule] };
}

test("shellcheck finds nothing in any rendered backup, prune, check or restore script", (t) => {
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!shellcheck) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-backup-sc-"));
  try {
    for (const model of Object.values(models())) {
      const { scripts } = renderInto(dir, model);
      assert.equal(scripts.length, 4);
      const result = run(shellcheck, ["--shell=bash", "--severity=style", ...scripts]);
      assert.equal(result.status, 0, result.stdout + result.stderr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("shellcheck finds nothing in the password rotation the host runs on every change of the restic password, nor in the state tool", (t) => {
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!shellcheck) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-rotation-sc-"));
  try {
    const script = join(dir, "rotate");
    // Sourced on the host at run time, so shellcheck cannot follow it (SC1091).
    writeFileSync(script, `#!/bin/bash\n# shellcheck disable=SC1091\n${renderPasswordRotation(HOST_LAYOUT.envFile, HOST_LAYOUT.passwordFile)}\n`);
    const stateTool = join(dir, "state");
    writeFileSync(stateTool, renderStateScript({ resticHost: "pve", layout: HOST_LAYOUT }));
    const result = run(shellcheck, ["--shell=bash", "--severity=style", script, stateTool]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("systemd-analyze verify accepts every unit, with ExecStart pointing at the rendered scripts", (t) => {
  const analyze = requireTool(t, "systemd-analyze", "systemd");
  if (!analyze) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-backup-units-"));
  try {
    const { unitFiles } = renderInto(dir, models().example);
    assert.equal(unitFiles.length, 6);
    const result = run(analyze, ["verify", "--man=no", ...unitFiles]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(result.stderr.trim(), "", "no warning either");
    // The check is real: a unit whose script is missing is rejected.
    rmSync(join(dir, scriptName("check")));
    const missing = run(analyze, ["verify", "--man=no", join(dir, unitName("check", "service"))]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /homelab-restic-check is not executable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("systemd-analyze reads every backup unit's start timeout as a finite span, so a hung job is stopped", (t) => {
  const analyze = requireTool(t, "systemd-analyze", "systemd");
  if (!analyze) return;
  const settings = modelOf().backup;
  assert.ok(settings);
  const spans: Record<string, number> = {};
  for (const unit of renderAllUnits(settings, HOST_LAYOUT)) {
    const value = /^TimeoutStartSec=(.*)$/m.exec(unit.service)?.[1];
    assert.ok(value, `${unit.job} has no TimeoutStartSec`);
    const result = run(analyze, ["timespan", value]);
    assert.equal(result.status, 0, result.stderr);
    spans[unit.job] = Number(/μs: (\d+)/.exec(result.stdout)?.[1]) / 3_600_000_000;
  }
  assert.deepEqual(spans, { backup: 72, prune: 12, check: 12 }, "hours");
  // The check is real: systemd reads "infinity" as the largest span, which is never reached.
  assert.match(run(analyze, ["timespan", "infinity"]).stdout, /Human: infinity/);
});

test("systemd-analyze calendar accepts every schedule, the vzdump one included", (t) => {
  const analyze = requireTool(t, "systemd-analyze", "systemd");
  if (!analyze) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-backup-cal-"));
  try {
    const { schedules } = renderInto(dir, models().example);
    assert.deepEqual(schedules, ["*-*-* 03:00:00", "Sun *-*-* 05:00:00", "*-*-01 06:00:00", "sun 01:00"]);
    for (const schedule of schedules) {
      const result = run(analyze, ["calendar", schedule]);
      assert.equal(result.status, 0, `${schedule}: ${result.stderr}`);
      assert.match(result.stdout, /Next elapse:/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
