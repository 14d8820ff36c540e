import assert from "node:assert/strict";
import { AsyncResource } from "node:async_hooks";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { loadHomelab, type Homelab, type LoadResult, type Tier } from "../config";
import { installMocks, runStack, type MockSession, type RecordedResource } from "../src/mock-runtime";
import { homelab } from "../src/homelab";
import { loadModelOrExit, readConfig, readSecrets } from "../src/program";
import { PLACEHOLDER_MARK, stackConfigFromObject, type StackConfig } from "../src/stack-file";

/** Test helpers: run the real program under recording mocks for a given stack file object. */

export const ROOT = join(__dirname, "..");

/** The example stack file as a plain object; tests clone and change it. */
export function exampleStack(): { config: Record<string, unknown> } {
  return parse(readFileSync(join(ROOT, "Pulumi.homelab.yaml"), "utf8")) as { config: Record<string, unknown> };
}

/** A deep copy of the example stack's config block, keyed without the `homelab:` prefix for homelab keys. */
export function exampleConfig(): Record<string, unknown> {
  return structuredClone(exampleStack().config);
}

export interface RunResult {
  readonly resources: RecordedResource[];
  /** Stack outputs as the engine receives them, resolved (secrets unwrapped). */
  readonly outputs: Record<string, unknown>;
  /** Stack outputs as the program returned them, Outputs with their secretness. */
  readonly rawOutputs: Record<string, unknown>;
  readonly session: MockSession;
  readonly stack: StackConfig;
}

/** Applies a stack config block to the Pulumi runtime, placeholders for every missing secret. */
export function applyConfig(config: Record<string, unknown>, unsetSecrets: readonly string[] = []): StackConfig {
  const filled = stackConfigFromObject({ config });
  const kept = Object.fromEntries(Object.entries(filled.config).filter(([k]) => !unsetSecrets.includes(k)));
  const stack: StackConfig = { ...filled, config: kept, secretKeys: filled.secretKeys.filter((k) => !unsetSecrets.includes(k)) };
  pulumi.runtime.setAllConfig(stack.config, stack.secretKeys);
  return stack;
}

/** Validates a stack config block as the program would. */
export function validate(config: Record<string, unknown>, unsetSecrets: readonly string[] = []): LoadResult {
  applyConfig(config, unsetSecrets);
  return loadHomelab(readConfig());
}

/** The model of a stack config block; fails the test if it is invalid. */
export function modelOf(config: Record<string, unknown> = exampleConfig()): Homelab {
  const result = validate(config);
  if (!result.ok) assert.fail(`expected a valid config, got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
  return result.model;
}

/** The model's tier of that name; a dataset on a tier the model lacks fails the test. */
export function tierOf(model: Homelab, name: string): Tier {
  const tier = model.tiers[name];
  if (tier === undefined) assert.fail(`no tier '${name}' (tiers: ${Object.keys(model.tiers).join(", ")})`);
  return tier;
}

/**
 * Stack frames an error keeps while a test runs the program. @pulumi/pulumi takes `new Error().stack`
 * of every promise it makes, kept only to name a promise that leaks: with Node's 10 frames a warm run
 * of the example took about 1.05 s of CPU, with one frame 0.51 s, with none 0.36 s (Node 20); on Node
 * 24 `npm run test:quick` takes 21.5-22.4 s of CPU at 10 frames, 15.9-16.2 s at none. The SDK's source
 * positions of resources are taken with no limit either way, so the registrations are the same. An
 * error the program raises during a run keeps its message only; HOMELAB_TEST_STACK_FRAMES=10 brings
 * its frames back when debugging. Tests' own assertions are outside the run and keep theirs.
 */
const RUN_STACK_FRAMES = Number(process.env.HOMELAB_TEST_STACK_FRAMES ?? 0);

/**
 * An async scope made when this module loads, outside any test. Node's test runner has an async
 * hook that maps every async resource made inside a test to that test, one Map entry per promise,
 * deleted when the promise is collected. The SDK makes a great many promises per run: on Node 20, in a
 * CPU profile of a mocks-only lane, that bookkeeping took 2.4 s of 15.9 s; on Node 24 `npm run
 * test:quick` still takes about 1.5 s more CPU (16.6-17.6 s against 14.9-16.4 s) without this scope.
 */
const OUTSIDE_TESTS = new AsyncResource("homelab-program-run");

/**
 * Runs the program's evaluation with RUN_STACK_FRAMES and outside any test's async scope. What it
 * returns, or the error it rejects with, still reaches the test awaiting it.
 */
async function asProgramRun<T>(run: () => Promise<T>): Promise<T> {
  const before = Error.stackTraceLimit;
  Error.stackTraceLimit = RUN_STACK_FRAMES;
  try {
    return await OUTSIDE_TESTS.runInAsyncScope(run);
  } finally {
    Error.stackTraceLimit = before;
  }
}

/**
 * Runs the whole program under mocks, evaluating it afresh. An invalid config rejects with a RunError
 * and registers nothing.
 */
export async function runProgramFresh(
  config: Record<string, unknown> = exampleConfig(),
  unsetSecrets: readonly string[] = [],
  /** Receives the number of registrations, also when the run rejects. */
  probe?: { registered: number },
): Promise<RunResult> {
  const stack = applyConfig(config, unsetSecrets);
  const session = installMocks();
  if (probe) Object.defineProperty(probe, "registered", { get: () => session.resources.length, configurable: true });
  // The same two steps as program(): validation first, so a bad config rejects before the stack exists.
  const model = loadModelOrExit();
  let rawOutputs: Record<string, unknown> = {};
  const outputs = await asProgramRun(() => runStack(() => (rawOutputs = homelab(model, readSecrets()))));
  return { resources: session.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), outputs, rawOutputs, session, stack };
}

/**
 * Evaluations of this test file's process, by the exact config and unset secrets they ran with: the
 * program is deterministic (test/proof-drift.test.ts proves it with fresh runs), so tests that read the
 * same plan share one evaluation instead of running it again.
 */
const evaluations = new Map<string, Promise<RunResult>>();

/** A copy of a shared evaluation that a test may change without changing what the next test reads. */
function copyOf(run: RunResult): RunResult {
  const resources = structuredClone(run.resources);
  const session: MockSession = { resources: [...structuredClone(run.session.resources.filter((r) => r.type === "pulumi:pulumi:Stack")), ...resources], invokes: structuredClone(run.session.invokes) };
  return { resources, outputs: structuredClone(run.outputs), rawOutputs: { ...run.rawOutputs }, session, stack: structuredClone(run.stack) };
}

/**
 * Runs the whole program under mocks, or reuses this process's evaluation of the same config. An
 * invalid config rejects with a RunError and registers nothing. The runtime is left as a fresh run
 * leaves it: the config applied and recording mocks installed. A probe always gets a fresh run.
 */
export async function runProgram(
  config: Record<string, unknown> = exampleConfig(),
  unsetSecrets: readonly string[] = [],
  /** Receives the number of registrations, also when the run rejects. */
  probe?: { registered: number },
): Promise<RunResult> {
  if (probe) return runProgramFresh(config, unsetSecrets, probe);
  const key = JSON.stringify([config, [...unsetSecrets].sort()]);
  let run = evaluations.get(key);
  if (run) {
    await run;
    applyConfig(config, unsetSecrets);
    installMocks();
  } else {
    run = runProgramFresh(structuredClone(config), unsetSecrets);
    evaluations.set(key, run);
    // A rejected run is not kept: the next caller sees the same rejection, raised afresh.
    run.catch(() => evaluations.delete(key));
  }
  return copyOf(await run);
}

export const ofType = (resources: readonly RecordedResource[], type: string): RecordedResource[] => resources.filter((r) => r.type === type);

export const byName = (resources: readonly RecordedResource[], name: string): RecordedResource => {
  const found = resources.find((r) => r.name === name);
  if (!found) assert.fail(`no resource named ${name}; have ${resources.map((r) => r.name).join(", ")}`);
  return found;
};

/** Names of the resources a resource depends on (explicitly or through its inputs). */
export const dependencyNames = (r: RecordedResource): string[] => r.dependencies.map((u) => u.split("::").pop() ?? u);

/** Reads a nested input by dotted path. */
export function inputAt(r: RecordedResource, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), r.inputs);
}

export { PLACEHOLDER_MARK };

/** Values that only ever exist as secrets: the placeholders and what the mocks return for secret outputs. */
export const SECRET_MARKERS: readonly string[] = [PLACEHOLDER_MARK, "mock-random-password-", "mock-application-key-", "mock-connector-token-", "mock-token-secret-", Buffer.from("mock-random-bytes-").toString("base64").slice(0, 16)];
