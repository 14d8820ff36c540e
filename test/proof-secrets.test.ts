import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../src/mock-runtime";
import { runProgram, SECRET_MARKERS } from "./harness";

/**
 * Secret hygiene over the whole stack: with placeholder secrets, no placeholder and no generated
 * secret (random passwords, keys, tokens from the mocks) appears anywhere it would be stored or shown
 * in plain text.
 */


const isUnder = (path: string, secretPaths: readonly string[]): boolean =>
  secretPaths.some((s) => s === "" || path === s || path.startsWith(`${s}.`));

/** Every string leaf of a value with its dotted path. */
function leaves(value: unknown, path = ""): { path: string; text: string }[] {
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, path ? `${path}.${i}` : String(i)));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [];
}

const leaks = (r: RecordedResource): string[] =>
  leaves(r.inputs)
    .filter(({ path }) => !isUnder(path, r.secretPaths))
    .filter(({ text }) => SECRET_MARKERS.some((m) => text.includes(m)))
    .map(({ path, text }) => `${r.type} ${r.name} input ${path}: ${text.slice(0, 120)}`);

test("no secret value appears in any input that is not marked secret", async () => {
  const { resources } = await runProgram();
  const found = resources.flatMap(leaks);
  assert.deepEqual(found, []);
});

test("command lines never carry a secret: secrets reach commands through stdin or files only", async () => {
  const { resources } = await runProgram();
  const commands = resources.filter((r) => r.type.startsWith("command:"));
  assert.ok(commands.length > 0);
  for (const c of commands) {
    for (const key of ["create", "update", "delete"]) {
      const text = c.inputs[key];
      if (typeof text !== "string") continue;
      assert.ok(!c.secretPaths.includes(key), `${c.name}.${key} is a secret: the command line itself would hold a secret`);
      for (const m of SECRET_MARKERS) assert.ok(!text.includes(m), `${c.name}.${key} contains a secret`);
    }
  }
});

test("no remote command hands its previous output to its next run: addPreviousOutputInEnv is false on every one", async () => {
  const { resources } = await runProgram();
  const remote = resources.filter((r) => r.type === "command:remote:Command");
  // Every component that runs commands on the host or in a container is in the example plan.
  assert.ok(remote.length >= 40, `only ${remote.length} remote commands in the example plan`);
  const parents = new Set(remote.map((r) => (r.parentUrn ?? "").split("::")[2]?.split("$").pop()));
  for (const component of ["homelab:index:ProxmoxHost", "homelab:index:TieredStorage", "homelab:index:LxcService", "homelab:index:ResticBackup"]) {
    assert.ok(parents.has(component), `no remote command under ${component}`);
  }
  assert.deepEqual(remote.filter((r) => r.inputs.addPreviousOutputInEnv !== false).map((r) => r.name), []);
});

test("every command that receives a secret on stdin keeps its output out of the logs", async () => {
  const { resources } = await runProgram();
  const secretStdin = resources.filter((r) => r.type.startsWith("command:") && r.secretPaths.some((p) => p === "stdin" || p.startsWith("stdin.")));
  assert.ok(secretStdin.length >= 10, `only ${secretStdin.length} commands take a secret on stdin; the check would prove little`);
  for (const c of secretStdin) {
    const logging = c.inputs.logging;
    assert.ok(logging === "none" || logging === "stderr", `${c.name} logs ${String(logging ?? "stdoutAndStderr")} while reading a secret`);
  }
});

test("stack outputs hold no secret in plain text: a secret output stays marked secret", async () => {
  const { rawOutputs: outputs } = await runProgram();
  const plain: string[] = [];
  let secretOutputs = 0;
  for (const [key, value] of Object.entries(outputs)) {
    const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<unknown>);
    if (await pulumi.isSecret(output)) {
      secretOutputs++;
      continue;
    }
    const resolved = await new Promise<unknown>((resolve) => output.apply((v) => resolve(v)));
    plain.push(...leaves(resolved, key).filter(({ text }) => SECRET_MARKERS.some((m) => text.includes(m))).map(({ path }) => path));
  }
  assert.deepEqual(plain, []);
  assert.equal(secretOutputs, 2, "the Grafana admin password and the claimed apps' admin passwords are the secret outputs");
});
