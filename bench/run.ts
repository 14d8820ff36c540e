import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { parse } from "yaml";
import type { RecordedResource } from "../src/mock-runtime";
import { criticalPath } from "./graph";
import { syntheticConfig } from "./synthetic";

/**
 * Benchmark: program evaluation under mocks for the example homelab and synthetic ones, against two
 * floors measured in the same run: loading the SDKs, and replaying the very same registrations with no
 * program logic (what the Pulumi SDK itself costs). Prints figures; asserts nothing about time.
 *   npm run bench              3 repetitions, sizes 20, 100, 500
 *   npm run bench -- --short   1 repetition, sizes 20, 100 (for CI)
 */

interface Sample {
  readonly ms: number;
  readonly resources: number;
  readonly maxRssMiB: number;
}

const root = join(__dirname, "..");
const short = process.argv.includes("--short");
const reps = short ? 1 : 3;
const sizes = short ? [20, 100] : [20, 100, 500];
const dir = mkdtempSync(join(tmpdir(), "homelab-bench-"));

function worker(...args: string[]): Sample {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "worker.ts"), ...args], { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`worker ${args[0]} failed:\n${result.stderr}`);
  const line = result.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as Sample;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

function measure(label: string, config: Record<string, unknown>, services: number): Record<string, string | number> {
  const configFile = join(dir, `${label}.json`);
  const recordFile = join(dir, `${label}.resources.json`);
  writeFileSync(configFile, JSON.stringify(config));
  const program: Sample[] = [];
  const replay: Sample[] = [];
  for (let i = 0; i < reps; i++) {
    program.push(worker("program", configFile, recordFile));
    replay.push(worker("replay", recordFile));
  }
  const resources = program[0]?.resources ?? 0;
  const pMs = median(program.map((s) => s.ms));
  const rMs = median(replay.map((s) => s.ms));
  const pMem = median(program.map((s) => s.maxRssMiB));
  const rMem = median(replay.map((s) => s.maxRssMiB));
  const recorded = JSON.parse(readFileSync(recordFile, "utf8")) as RecordedResource[];
  const path = criticalPath(recorded);
  return {
    homelab: label,
    services,
    resources,
    "per service": (resources / services).toFixed(1),
    "program ms": pMs.toFixed(0),
    "replay ms": rMs.toFixed(0),
    "time ratio": (pMs / rMs).toFixed(2),
    "program MiB": pMem.toFixed(0),
    "replay MiB": rMem.toFixed(0),
    "mem ratio": (pMem / rMem).toFixed(2),
    "ms/resource": (pMs / Math.max(1, resources)).toFixed(2),
    "critical path": `${path.steps.length} steps`,
    "cold up (min)": (path.seconds / 60).toFixed(1),
  };
}

function printTable(rows: readonly Record<string, string | number>[]): void {
  const keys = Object.keys(rows[0] ?? {});
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  process.stdout.write(`${line(keys)}\n`);
  for (const r of rows) process.stdout.write(`${line(keys.map((k) => String(r[k])))}\n`);
}

function main(): void {
  const example = (parse(readFileSync(join(root, "Pulumi.homelab.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
  process.stdout.write(`machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${reps} repetition(s), medians\n`);
  const loads = Array.from({ length: reps }, () => worker("load"));
  process.stdout.write(`floor 1 (load SDKs + program modules, register nothing): ${median(loads.map((s) => s.ms)).toFixed(0)} ms, ${median(loads.map((s) => s.maxRssMiB)).toFixed(0)} MiB peak RSS\n`);
  process.stdout.write("floor 2 is the replay column: the same registrations (types, names, inputs, parents, dependencies) through the SDK classes, with no program logic\n\n");
  const exampleServices = Object.keys(example["homelab:services"] as object).length;
  const rows = [measure("example", example, exampleServices), ...sizes.map((n) => measure(`synthetic-${n}`, syntheticConfig(example, n), n))];
  printTable(rows);
  process.stdout.write("\ngoals: time ratio and mem ratio <= 1.15 for every homelab (program work stays small and linear)\n");
  const over = rows.filter((r) => Number(r["time ratio"]) > 1.15 || Number(r["mem ratio"]) > 1.15).map((r) => r.homelab);
  process.stdout.write(over.length === 0 ? "all within goal\n" : `over goal: ${over.join(", ")}\n`);
  const recorded = JSON.parse(readFileSync(join(dir, "example.resources.json"), "utf8")) as RecordedResource[];
  const path = criticalPath(recorded);
  process.stdout.write(`\nexample critical path (${(path.seconds / 60).toFixed(1)} min predicted cold pulumi up):\n`);
  for (const s of path.steps) process.stdout.write(`  ${String(s.seconds).padStart(4)} s  ${s.type}  ${s.name}\n`);
}

main();
