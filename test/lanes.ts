import { readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * How `npm test` spreads the test files over a few long-lived processes (lanes), so the SDKs load and
 * the example plan is evaluated once per lane instead of once per file (test/harness.ts runProgram
 * shares evaluations within a process). Files that wait on real tools (restic retrying, PostgreSQL
 * starting, the plan run as a child process) are spread first, by their rough weight, so the lanes
 * finish together; a lane runs its files one after another, the lanes run side by side.
 */

/** Lanes of `npm test`: more than the cores, since the heavy files mostly wait on child processes. */
export const LANES = 4;

/** Files that need a process of their own: the B2 SDK test registers its package once per process. */
export const OWN_PROCESS = ["test/sdk-b2.test.ts"] as const;

/** Rough seconds of the files that wait on real tools, from a timed run on 2 cores; the rest count 3. */
const WEIGHT: Readonly<Record<string, number>> = {
  "test/backup-restic.test.ts": 60,
  "test/postgres-server.test.ts": 28,
  "test/plan.test.ts": 25,
  "test/backup-s3.test.ts": 16,
  "test/monitoring-tools.test.ts": 10,
  "test/host.test.ts": 8,
  "test/program.test.ts": 8,
  "test/rehearsal-plan.test.ts": 6,
  "test/build.test.ts": 8,
  "test/lxc-service.test.ts": 6,
  "test/postgres.test.ts": 6,
  "test/proof-secret-argv.test.ts": 20,
  "test/secret-argv-tools.test.ts": 5,
};
const DEFAULT_WEIGHT = 3;

const ROOT = join(__dirname, "..");

/** Every test file, repository-relative, in a stable order. */
export function testFiles(): string[] {
  const under = (dir: string): string[] => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(".test.ts")).map((f) => `${dir}/${f}`);
  return [...under("test"), ...under("policy")].sort();
}

/** The files of each lane: heaviest first, each to the lane with the least weight so far (then the lowest index). */
export function lanes(files: readonly string[] = testFiles(), count: number = LANES): string[][] {
  const shared = files.filter((f) => !(OWN_PROCESS as readonly string[]).includes(f));
  const weight = (f: string): number => WEIGHT[f] ?? DEFAULT_WEIGHT;
  const order = [...shared].sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : 1));
  const out: string[][] = Array.from({ length: count }, () => []);
  const load = new Array<number>(count).fill(0);
  for (const f of order) {
    const i = load.indexOf(Math.min(...load));
    out[i]?.push(f);
    load[i] = (load[i] ?? 0) + weight(f);
  }
  return out;
}

/** Loads the files of lane `index` in this process; their tests register here. */
export function runLane(index: number): void {
  for (const f of lanes()[index] ?? []) require(join(ROOT, f));
}

// `tsx test/lanes.ts` prints the lane runners and the files that need a process of their own, for test/run.sh.
if (require.main === module) {
  const runners = Array.from({ length: LANES }, (_, i) => `test/lane-${i}.run.ts`);
  const present = readdirSync(join(ROOT, "test")).filter((f) => /^lane-\d+\.run\.ts$/.test(f)).map((f) => `test/${f}`).sort();
  if (JSON.stringify(present) !== JSON.stringify([...runners].sort())) {
    process.stderr.write(`test/lanes.ts has ${LANES} lanes but the runners are ${present.join(", ") || "none"}; add or remove test/lane-<n>.run.ts\n`);
    process.exit(1);
  }
  process.stdout.write(`${[...runners, ...OWN_PROCESS].join("\n")}\n`);
}
