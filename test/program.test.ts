import assert from "node:assert/strict";
import { test } from "node:test";
import { ofType, runProgram } from "./harness";

test("the example homelab registers one container per service, each inside a component", async () => {
  const { resources, outputs } = await runProgram();
  const containers = ofType(resources, "proxmoxve:index/containerLegacy:ContainerLegacy");
  assert.equal(containers.length, 16);
  assert.ok(containers.every((c) => c.parentUrn !== null && c.parentUrn.includes("homelab:index:LxcService")));
  assert.deepEqual(new Set(containers.map((c) => c.inputs.vmId)).size, 16);
  assert.equal((outputs.ips as Record<string, string>).immich, "192.168.1.120");
});
