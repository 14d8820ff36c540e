import assert from "node:assert/strict";
import { test } from "node:test";
import { LANES, lanes, OWN_PROCESS, testFiles } from "./lanes";

test("npm test's lanes run every test file exactly once, and the B2 SDK test alone", () => {
  const all = testFiles();
  assert.ok(all.includes("test/lanes.test.ts") && all.includes("policy/policies.test.ts"));
  const spread = lanes();
  assert.equal(spread.length, LANES);
  const placed = spread.flat();
  assert.deepEqual([...placed, ...OWN_PROCESS].sort(), [...all].sort());
  assert.equal(new Set(placed).size, placed.length, "no file in two lanes");
  for (const f of OWN_PROCESS) assert.ok(!placed.includes(f), `${f} runs in its own process`);
});

test("the heavy files are spread first, one per lane, and the assignment is the same on every run", () => {
  const spread = lanes();
  const heads = spread.map((l) => l[0]);
  assert.deepEqual(heads, ["test/backup-restic.test.ts", "test/postgres-server.test.ts", "test/plan.test.ts", "test/proof-secret-argv.test.ts"]);
  assert.deepEqual(lanes(), spread);
  // Weights even out: restic's lane takes few other files, the light lanes take many.
  assert.ok((spread[0]?.length ?? 0) < (spread[3]?.length ?? 0));
});
