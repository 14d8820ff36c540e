import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { exampleConfig, runProgram, validate } from "./harness";
import type { BadInput } from "./bad-inputs/types";

/** Every area's corpus of bad inputs: each is rejected naming its config path, and nothing registers. */
const dir = join(__dirname, "bad-inputs");
const corpus: { area: string; c: BadInput }[] = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "types.ts")
  .sort()
  .flatMap((f) => (require(join(dir, f)) as { cases: BadInput[] }).cases.map((c) => ({ area: f.replace(/\.ts$/, ""), c })));

test("the example stack file is valid, so each case below fails for its own reason", () => {
  const result = validate(exampleConfig());
  assert.ok(result.ok, result.ok ? "" : result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
});

test("the foundation's corpus holds at least 30 distinct bad inputs, and no name repeats", () => {
  const core = corpus.filter(({ area }) => area === "core").length;
  assert.ok(core >= 30, `only ${core} foundation cases`);
  assert.equal(new Set(corpus.map(({ c }) => c.name)).size, corpus.length, "case names are distinct");
});

test("the whole corpus holds at least 50 distinct bad inputs across every component", () => {
  assert.ok(corpus.length >= 50, `only ${corpus.length} cases`);
  const areas = new Set(corpus.map(({ area }) => area));
  for (const area of ["core", "services", "postgres", "ingress", "backup", "monitoring"]) assert.ok(areas.has(area), `no cases for ${area}`);
});

for (const { area, c } of corpus) {
  test(`[${area}] rejected before anything registers: ${c.name}`, async () => {
    const config = exampleConfig();
    c.mutate(config);
    const result = validate(config, c.unsetSecrets);
    assert.equal(result.ok, false, "the config was accepted");
    if (result.ok) return;
    const match = result.problems.find((p) => p.path === c.path && c.message.test(p.message));
    assert.ok(match, `no problem at ${c.path} matching ${c.message}; got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
    // The program itself refuses it with a clean error and registers nothing.
    const session = { registered: -1 };
    await assert.rejects(runProgram(config, c.unsetSecrets, session), (error: unknown) => {
      assert.ok(error instanceof pulumi.RunError, `expected a RunError, got ${String(error)}`);
      assert.match(error.message, new RegExp(c.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      return true;
    });
    assert.equal(session.registered, 0, "resources were registered for an invalid config");
  });
}
