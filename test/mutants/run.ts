/**
 * `npm run mutants`: a measurement of the tests, run on demand and never in CI. It applies each
 * careless edit of test/mutants/mutants.ts to the working tree, one at a time, runs the fastest test
 * files that cover it (`node --import tsx --test <file>` under CI=true, stopping at the first that
 * fails), puts the file back byte for byte, and prints killed / survived / stale / timeout per mutant
 * and the score. Survivors are what the tests let through; they never fail the run. Stale mutants
 * (their `from` text no longer occurs exactly once) and the script's own errors do.
 *
 *   npm run mutants                      every mutant (first the unmutated files, once, as a baseline)
 *   npm run mutants -- --only a,b        those ids only
 *   npm run mutants -- --list            the list, nothing run
 *   npm run mutants -- --typecheck       type-checks every mutant, in a temporary copy of the repository
 *   options: --timeout <s> per mutant (default 300), --no-baseline, --verbose (output of survivors)
 *
 * Why not a maintained tool. StrykerJS is the one for JavaScript and TypeScript (npm view, on the
 * registry reached here: @stryker-mutator/core 10.1.1; test runners mocha-runner 10.1.1,
 * vitest-runner 10.1.1, jest-runner, jasmine-runner, karma-runner and tap-runner 10.0.0,
 * cucumber-runner 9.6.1). It has no node:test runner: @stryker-mutator/node-test-runner does not
 * exist, native support is an open request (stryker-mutator/stryker-js#5421) with an unmerged pull
 * request (#6020), and its maintainers point node:test users to the tap-runner (#5108). Tried in a
 * throwaway copy of this repository (core 10.0.0, since tap-runner 10.0.0 pins that exact peer;
 * `tap.nodeArgs: ["--import", "tsx", "--test-reporter=tap"]`), the tap-runner works: 4 mutants of
 * alert-rules.ts, all killed, in 13 s. It does not fit here, for two reasons:
 * - Cost. It runs each covering test file in a fresh process per mutant (its coverage is per file),
 *   and it made 10,448 mutants of the renderers and checks (116 files of config/ and components/).
 *   At 2-3 s per mutant and file (1.8 s of it process start and SDK load), that is 7-9 hours on two
 *   cores when one mocks-only file covers a mutant, and days once the real-tool files (restic 60 s,
 *   PostgreSQL 28 s, the plan 25 s) are among them. Its "command" runner has no coverage at all: one
 *   `npm test` (about 50 s) per mutant.
 * - Reach. Its mutators change JavaScript syntax (operators, literals, blocks), and a string literal
 *   only becomes "" as a whole, which any test kills. The defects that got past the tests live inside
 *   rendered text: a PromQL threshold or comparison, a restic exclude in bash, a secret moved into a
 *   psql argument. None of them is a mutant it can make.
 * So the project keeps its own short list of realistic edits, each run against the few files that
 * cover it: the whole list takes minutes, not days.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { applyMutant } from "./apply";
import { MUTANTS, type Mutant } from "./mutants";

const ROOT = join(__dirname, "..", "..");
const LOCK = join(ROOT, ".tmp", "mutants.lock");

type Outcome = "killed" | "survived" | "stale" | "timeout";

interface Result {
  readonly mutant: Mutant;
  readonly outcome: Outcome;
  readonly seconds: number;
  /** The killing file and its first failing test, the reason a mutant is stale, or the files run. */
  readonly detail: string;
  readonly output?: string;
}

interface Options {
  readonly only: readonly string[] | undefined;
  readonly list: boolean;
  readonly typecheck: boolean;
  readonly baseline: boolean;
  readonly verbose: boolean;
  readonly timeoutSeconds: number;
}

function parseArgs(argv: readonly string[]): Options {
  let only: string[] | undefined;
  let list = false;
  let typecheck = false;
  let baseline = true;
  let verbose = false;
  let timeoutSeconds = 300;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "--only") only = value().split(",").map((s) => s.trim()).filter((s) => s !== "");
    else if (a === "--list") list = true;
    else if (a === "--typecheck") typecheck = true;
    else if (a === "--no-baseline") baseline = false;
    else if (a === "--verbose") verbose = true;
    else if (a === "--timeout") {
      timeoutSeconds = Number(value());
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError("--timeout takes seconds, a positive number");
    } else throw new UsageError(`unknown option ${a} (options: --only id,id  --list  --typecheck  --timeout <s>  --no-baseline  --verbose)`);
  }
  return { only, list, typecheck, baseline, verbose, timeoutSeconds };
}

class UsageError extends Error {}

function select(only: readonly string[] | undefined): Mutant[] {
  if (only === undefined) return [...MUTANTS];
  const unknown = only.filter((id) => !MUTANTS.some((m) => m.id === id));
  if (unknown.length > 0) throw new UsageError(`unknown mutant ${unknown.join(", ")} (npm run mutants -- --list)`);
  return MUTANTS.filter((m) => only.includes(m.id));
}

/** Files with uncommitted changes (or untracked) among `files`: a mutant must never clobber an edit. */
function dirtyFiles(files: readonly string[]): string[] {
  const r = spawnSync("git", ["status", "--porcelain", "--", ...files], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git status failed: ${r.stderr.trim()}`);
  return r.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => l.slice(3));
}

/** One run of the script per work tree at a time: two would test each other's mutants. */
function takeLock(): void {
  mkdirSync(dirname(LOCK), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(LOCK, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(readFileSync(LOCK, "utf8").trim());
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = Number.isInteger(pid) && pid > 0;
      } catch {
        alive = false;
      }
      if (alive) throw new Error(`another mutation run (pid ${pid}) is using this work tree (${LOCK})`);
      unlinkSync(LOCK);
    }
  }
  throw new Error(`cannot take ${LOCK}`);
}

const releaseLock = (): void => {
  try {
    if (readFileSync(LOCK, "utf8").trim() === String(process.pid)) unlinkSync(LOCK);
  } catch {
    // already gone
  }
};

/** The file under mutation and its original bytes, restored on every way out. */
let active: { readonly path: string; readonly original: Buffer } | undefined;
let child: ChildProcess | undefined;

function restore(): void {
  if (!active) return;
  const { path, original } = active;
  writeFileSync(path, original);
  if (!readFileSync(path).equals(original)) throw new Error(`${path} could not be restored; restore it with git checkout -- ${path}`);
  active = undefined;
}

function killChild(signal: NodeJS.Signals): void {
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Puts the file back and ends the tests on every way out: Ctrl-C, a kill, an error. */
function restoreOnExit(): void {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.on(signal, () => {
      killChild("SIGKILL");
      const path = active?.path;
      restore();
      releaseLock();
      process.stderr.write(`\ninterrupted${path ? `; ${path.slice(ROOT.length + 1)} restored` : ""}\n`);
      process.exit(code);
    });
  }
  process.on("exit", () => {
    killChild("SIGKILL");
    restore();
    releaseLock();
  });
}

/** The first failing test of a TAP stream (the innermost: subtests report before their parent). */
const firstFailure = (tap: string): string | undefined => /^\s*not ok \d+ - (.*)$/m.exec(tap)?.[1]?.trim();

/** Runs one test file under CI=true; resolves with its exit status, or "timeout". */
function runTestFile(file: string, timeoutMs: number): Promise<{ status: number | "timeout"; output: string }> {
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    const p = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", file], {
      cwd: ROOT,
      env: { ...process.env, CI: "true" },
      // Its own process group, so a timeout or Ctrl-C ends the tools a test started as well.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = p;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killChild("SIGTERM");
      setTimeout(() => killChild("SIGKILL"), 5000).unref();
    }, timeoutMs);
    p.stdout.on("data", (d: Buffer) => output.push(d.toString()));
    p.stderr.on("data", (d: Buffer) => output.push(d.toString()));
    p.on("error", reject);
    p.on("close", (code, signal) => {
      clearTimeout(timer);
      child = undefined;
      resolve({ status: timedOut ? "timeout" : (code ?? (signal ? 128 : 1)), output: output.join("") });
    });
  });
}

/** Runs the mutant's files in order until one fails; the file is restored before this returns. */
async function runMutant(m: Mutant, timeoutSeconds: number): Promise<Result> {
  const started = Date.now();
  const seconds = (): number => (Date.now() - started) / 1000;
  const path = join(ROOT, m.file);
  const original = readFileSync(path);
  const applied = applyMutant(original.toString("utf8"), m);
  if ("stale" in applied) return { mutant: m, outcome: "stale", seconds: 0, detail: `${m.file}: ${applied.stale}` };
  active = { path, original };
  try {
    writeFileSync(path, applied.text);
    const deadline = started + timeoutSeconds * 1000;
    const outputs: string[] = [];
    for (const file of m.tests) {
      const r = await runTestFile(file, Math.max(1000, deadline - Date.now()));
      outputs.push(r.output);
      if (r.status === "timeout") return { mutant: m, outcome: "timeout", seconds: seconds(), detail: `${file} ran past ${timeoutSeconds} s` };
      if (r.status !== 0) {
        const failed = firstFailure(r.output);
        return { mutant: m, outcome: "killed", seconds: seconds(), detail: failed ? `${file}: ${failed}` : file };
      }
    }
    return { mutant: m, outcome: "survived", seconds: seconds(), detail: `ran ${m.tests.join(", ")}`, output: outputs.join("\n") };
  } finally {
    restore();
  }
}

/** Runs every file the selected mutants name, unmutated: a file that fails already would "kill" them all. */
async function baseline(mutants: readonly Mutant[], timeoutSeconds: number): Promise<boolean> {
  const files = [...new Set(mutants.flatMap((m) => m.tests))];
  process.stdout.write(`baseline: ${files.length} test files, unmutated\n`);
  const started = Date.now();
  let ok = true;
  for (const file of files) {
    const r = await runTestFile(file, timeoutSeconds * 1000);
    if (r.status !== 0) {
      ok = false;
      const why = r.status === "timeout" ? `ran past ${timeoutSeconds} s` : (firstFailure(r.output) ?? `exit ${r.status}`);
      process.stdout.write(`  FAILS without a mutant: ${file}: ${why}\n`);
    }
  }
  process.stdout.write(`baseline: ${ok ? "passes" : "fails"} (${((Date.now() - started) / 1000).toFixed(1)} s)\n\n`);
  return ok;
}

/**
 * Rounds of mutants to type-check together: the k-th mutant of every file in round k, so no two
 * mutants of one file meet (together they could make a name unused that each alone leaves in use).
 */
export function typecheckRounds(mutants: readonly Mutant[]): Mutant[][] {
  const rounds: Mutant[][] = [];
  const seen = new Map<string, number>();
  for (const m of mutants) {
    const k = seen.get(m.file) ?? 0;
    seen.set(m.file, k + 1);
    (rounds[k] ??= []).push(m);
  }
  return rounds;
}

/** Type-checks every mutant in a temporary copy of the repository, a round of them per tsc run. */
function typecheck(mutants: readonly Mutant[]): number {
  const copy = mkdtempSync(join(tmpdir(), "homelab-mutants-"));
  try {
    const listed = spawnSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
    if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr.trim()}`);
    for (const f of listed.stdout.split("\0").filter((x) => x !== "" && existsSync(join(ROOT, x)))) {
      mkdirSync(dirname(join(copy, f)), { recursive: true });
      cpSync(join(ROOT, f), join(copy, f));
    }
    // The list itself may not be committed yet.
    cpSync(join(ROOT, "test", "mutants"), join(copy, "test", "mutants"), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    let problems = 0;
    for (const round of typecheckRounds(mutants)) {
      const originals = new Map<string, Buffer>();
      for (const m of round) {
        const path = join(copy, m.file);
        const original = readFileSync(path);
        const applied = applyMutant(original.toString("utf8"), m);
        if ("stale" in applied) {
          problems++;
          process.stdout.write(`stale      ${m.id}: ${m.file}: ${applied.stale}\n`);
          continue;
        }
        originals.set(path, original);
        writeFileSync(path, applied.text);
      }
      const r = spawnSync(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", join(copy, "tsconfig.json")], { cwd: copy, encoding: "utf8" });
      const errors = r.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
      for (const m of round) {
        const own = errors.filter((l) => l.startsWith(`${m.file}(`));
        if (own.length > 0) {
          problems++;
          process.stdout.write(`no-compile ${m.id}:\n${own.map((l) => `  ${l}`).join("\n")}\n`);
        }
      }
      const elsewhere = errors.filter((l) => !round.some((m) => l.startsWith(`${m.file}(`)));
      if (elsewhere.length > 0) {
        problems++;
        process.stdout.write(`type errors outside the mutated files (mutants ${round.map((m) => m.id).join(", ")}):\n${elsewhere.map((l) => `  ${l}`).join("\n")}\n`);
      }
      if (r.status !== 0 && errors.length === 0) {
        problems++;
        process.stdout.write(`tsc failed: ${r.stdout}${r.stderr}\n`);
      }
      for (const [path, original] of originals) writeFileSync(path, original);
    }
    process.stdout.write(problems === 0 ? `all ${mutants.length} mutants type-check\n` : `${problems} problem(s)\n`);
    return problems === 0 ? 0 : 1;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const pad = (text: string, width: number): string => text.padEnd(width);

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const mutants = select(options.only);
  if (options.list) {
    for (const m of mutants) process.stdout.write(`${m.id}\n  ${m.defect}\n  ${m.file}\n  tests: ${m.tests.join(", ")}\n`);
    process.stdout.write(`${mutants.length} mutants\n`);
    return 0;
  }
  if (options.typecheck) return typecheck(mutants);

  const files = [...new Set(mutants.map((m) => m.file))];
  const dirty = dirtyFiles(files);
  if (dirty.length > 0) {
    process.stderr.write(`refusing to start: uncommitted changes in files the mutants edit (${dirty.join(", ")}); commit or stash them first\n`);
    return 2;
  }
  restoreOnExit();
  takeLock();
  if (options.baseline && !(await baseline(mutants, options.timeoutSeconds))) {
    process.stderr.write("the tests fail without any mutant; fix them before measuring (or pass --no-baseline)\n");
    return 2;
  }

  const started = Date.now();
  const results: Result[] = [];
  const idWidth = Math.max(...mutants.map((m) => m.id.length));
  for (const m of mutants) {
    const r = await runMutant(m, options.timeoutSeconds);
    results.push(r);
    process.stdout.write(`${pad(r.outcome, 9)}${r.seconds.toFixed(1).padStart(6)} s  ${pad(m.id, idWidth)}  ${r.detail}\n`);
    if (options.verbose && r.outcome === "survived" && r.output) process.stdout.write(`${r.output}\n`);
  }

  const still = dirtyFiles(files);
  if (still.length > 0) throw new Error(`after the run these files differ from git: ${still.join(", ")}`);

  const count = (o: Outcome): number => results.filter((r) => r.outcome === o).length;
  const ran = results.length - count("stale");
  const detected = count("killed") + count("timeout");
  const percent = ran === 0 ? 0 : Math.round((detected / ran) * 100);
  process.stdout.write(`\nmutation score: ${detected} killed of ${ran} (${percent}%)`);
  process.stdout.write(count("timeout") > 0 ? `, ${count("timeout")} of them by a timeout` : "");
  process.stdout.write(`; ${count("survived")} survived, ${count("stale")} stale; ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  const survivors = results.filter((r) => r.outcome === "survived");
  if (survivors.length > 0) {
    process.stdout.write("survivors (edits the tests let through):\n");
    for (const r of survivors) process.stdout.write(`  ${pad(r.mutant.id, idWidth)}  ${r.mutant.file}: ${r.mutant.defect}\n`);
  }
  const stale = results.filter((r) => r.outcome === "stale");
  if (stale.length > 0) {
    process.stdout.write("stale (update test/mutants/mutants.ts):\n");
    for (const r of stale) process.stdout.write(`  ${pad(r.mutant.id, idWidth)}  ${r.detail}\n`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof UsageError ? "" : "mutation run failed: "}${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(e instanceof UsageError ? 2 : 3);
    },
  );
}
