import assert from "node:assert/strict";
import { test } from "node:test";
import { cases } from "./bad-inputs/monitoring";
import { exampleConfig, validate } from "./harness";

for (const c of cases) {
  test(`monitoring config rejects ${c.name}, naming ${c.path}`, () => {
    const config = exampleConfig();
    c.mutate(config);
    const result = validate(config);
    assert.equal(result.ok, false, "the config was accepted");
    if (result.ok) return;
    const hit = result.problems.find((p) => p.path === c.path && c.message.test(p.message));
    assert.ok(hit, `no problem at ${c.path} matching ${c.message}; got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
  });
}
