import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { nodeTarget } from "../src/build";

/**
 * The Node the project runs on is declared once (.nvmrc, an exact LTS release) and bounded once
 * (package.json engines, the floor of @pulumi/pulumi); .ci/run and the users' workflow read the same
 * file, and the build compiles for the floor.
 */

const ROOT = join(__dirname, "..");
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(ROOT, path), "utf8")) as T;
const floorOf = (range: string): number => {
  const floor = /^>=\s*(\d+)/.exec(range)?.[1];
  assert.ok(floor !== undefined, `"${range}" is a ">=<major>" range`);
  return Number(floor);
};

const declared = readFileSync(join(ROOT, ".nvmrc"), "utf8").trim();
const engines = readJson<{ engines: { node: string } }>("package.json").engines.node;

test(".nvmrc names an exact release of an even (LTS) Node line at or above the engines floor", () => {
  const [major] = declared.split(".").map(Number);
  assert.match(declared, /^\d+\.\d+\.\d+$/);
  assert.equal((major ?? 1) % 2, 0, `Node ${declared} is on an LTS line`);
  assert.ok((major ?? 0) >= floorOf(engines), `Node ${declared} satisfies engines ${engines}`);
});

test("engines.node is the floor @pulumi/pulumi itself declares, so npm warns on a Node the SDK refuses", () => {
  const sdk = readJson<{ version: string; engines: { node: string } }>("node_modules/@pulumi/pulumi/package.json");
  assert.equal(floorOf(engines), floorOf(sdk.engines.node), `@pulumi/pulumi ${sdk.version} declares ${sdk.engines.node}`);
});

test("every setup-node step of the users' workflow reads .nvmrc and names no version of its own", () => {
  const workflow = parse(readFileSync(join(ROOT, ".github/workflows/homelab.yml"), "utf8")) as {
    jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps ?? []).filter((s) => s.uses?.startsWith("actions/setup-node@"));
  assert.ok(steps.length >= 4, "the test, preview, drift and up jobs set up Node");
  for (const step of steps) {
    assert.equal(step.with?.["node-version-file"], ".nvmrc");
    assert.equal(step.with?.["node-version"], undefined);
  }
});

test("the tests run on the Node .nvmrc declares when CI runs them", { skip: process.env.CI === "true" ? false : "only CI installs the declared Node" }, () => {
  assert.equal(process.version, `v${declared}`);
});

test("the build compiles for the engines floor, and refuses an engines range it cannot read", () => {
  assert.equal(nodeTarget(), `node${floorOf(engines)}`);
  assert.equal(nodeTarget(">= 24"), "node24");
  assert.throws(() => nodeTarget("^22"), /engines\.node must start with ">=<major>", got "\^22"/);
});
