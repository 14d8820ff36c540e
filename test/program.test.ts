import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { runStack } from "../src/mock-runtime";
import { ofType, runProgram } from "./harness";

test("the example homelab registers one container per service, each inside a component", async () => {
  const { resources, outputs } = await runProgram();
  const containers = ofType(resources, "proxmoxve:index/containerLegacy:ContainerLegacy");
  assert.equal(containers.length, 16);
  assert.ok(containers.every((c) => c.parentUrn !== null && c.parentUrn.includes("homelab:index:LxcService")));
  assert.deepEqual(new Set(containers.map((c) => c.inputs.vmId)).size, 16);
  assert.equal((outputs.ips as Record<string, string>).immich, "192.168.1.120");
});

test("a stack read during a run under mocks is not mapped to TypeScript, an error made there still shows its TypeScript line when read after, and source maps are on again", async () => {
  assert.equal(process.sourceMapsEnabled, true, "tsx runs the tests with source maps");
  let made: Error | undefined;
  let readInRun = "";
  await runStack(() => {
    made = new Error("made in the run");
    readInRun = new Error("read in the run").stack ?? "";
    return {};
  });
  assert.equal(process.sourceMapsEnabled, true);
  const source = readFileSync(__filename, "utf8").split("\n");
  const line = source.findIndex((l) => l.includes('made = new Error("made in the run")')) + 1;
  assert.match(made?.stack?.split("\n")[1] ?? "", new RegExp(`program\\.test\\.ts:${line}:\\d+\\)$`));
  // What the SDK reads during the run (as it does for every promise) is not mapped: that is the saving.
  assert.doesNotMatch(readInRun.split("\n")[1] ?? "", new RegExp(`program\\.test\\.ts:${line + 1}:`));
});
