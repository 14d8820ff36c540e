import assert from "node:assert/strict";
import { test } from "node:test";
import { cases } from "./bad-inputs/services";
import { exampleConfig, validate } from "./harness";

test("the services corpus has distinct cases, each naming its own config path", () => {
  assert.ok(cases.length >= 8);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
});

for (const c of cases) {
  test(`the config checks reject it, naming the path: ${c.name}`, () => {
    const config = exampleConfig();
    c.mutate(config);
    const result = validate(config);
    assert.equal(result.ok, false);
    if (result.ok) return;
    const hit = result.problems.find((p) => p.path === c.path && c.message.test(p.message));
    assert.ok(hit, `expected ${c.path} ${c.message}, got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
  });
}
