import assert from "node:assert/strict";
import { test } from "node:test";
import { exampleConfig, runProgram, runProgramFresh } from "./harness";

/** No drift by construction: the same config gives the same inputs, byte for byte, on every run. */

test("running the program twice on the same config gives identical inputs and options for every resource", async () => {
  // Fresh evaluations: a shared one would compare a run with itself.
  const first = await runProgramFresh(exampleConfig());
  const second = await runProgramFresh(exampleConfig());
  const shape = (rs: typeof first.resources) =>
    rs.map((r) => ({ type: r.type, name: r.name, parent: r.parentUrn, inputs: r.inputs, secrets: r.secretPaths, protect: r.protect, retain: r.retainOnDelete, deps: r.dependencies }));
  assert.equal(first.resources.length, second.resources.length);
  assert.deepEqual(shape(second.resources), shape(first.resources));
});

test("no input carries a timestamp or a random value made outside @pulumi/random", async () => {
  const { resources } = await runProgram();
  const text = JSON.stringify(resources.map((r) => r.inputs));
  const year = new Date().getUTCFullYear();
  assert.doesNotMatch(text, new RegExp(`${year}-\\d\\d-\\d\\dT\\d\\d:\\d\\d`), "an ISO timestamp of today in an input");
  assert.doesNotMatch(text, /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/, "a random UUID in an input");
});
