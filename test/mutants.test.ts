import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { testFiles } from "./lanes";
import { applyMutant, occurrences } from "./mutants/apply";
import { MUTANTS } from "./mutants/mutants";
import { typecheckRounds } from "./mutants/run";

// The list `npm run mutants` measures with (test/mutants/): checked here, in CI, so that it cannot go
// stale while the mutation run itself stays on demand.

const ROOT = join(__dirname, "..");

test("every mutant has a unique kebab-case id and a one-line defect", () => {
  const ids = MUTANTS.map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length, `repeated ids: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(", ")}`);
  for (const m of MUTANTS) {
    assert.match(m.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, m.id);
    assert.ok(m.defect.trim() !== "" && !m.defect.includes("\n"), `${m.id}: the defect is one line`);
  }
});

test("every mutant's from text occurs exactly once in its file, and to differs from it", () => {
  for (const m of MUTANTS) {
    assert.ok(existsSync(join(ROOT, m.file)), `${m.id}: ${m.file} does not exist`);
    assert.ok(!m.file.endsWith(".test.ts"), `${m.id}: mutates a test file`);
    assert.notEqual(m.from, m.to, `${m.id}: from and to are the same`);
    const n = occurrences(readFileSync(join(ROOT, m.file), "utf8"), m.from);
    assert.equal(n, 1, `${m.id}: its from text occurs ${n} times in ${m.file}; update test/mutants/mutants.ts`);
  }
});

test("every mutant names test files that npm test runs", () => {
  const all = new Set(testFiles());
  for (const m of MUTANTS) {
    assert.ok(m.tests.length > 0, `${m.id}: names no test file`);
    for (const t of m.tests) assert.ok(all.has(t), `${m.id}: ${t} is not a test file of npm test`);
    // This file fails under every mutant (its from text is gone), which would count as a kill.
    assert.ok(!m.tests.includes("test/mutants.test.ts"), `${m.id}: names test/mutants.test.ts`);
    assert.equal(new Set(m.tests).size, m.tests.length, `${m.id}: names a test file twice`);
  }
});

test("every mutated file still parses as TypeScript (tsc type-checks them: npm run mutants -- --typecheck)", () => {
  for (const m of MUTANTS) {
    const applied = applyMutant(readFileSync(join(ROOT, m.file), "utf8"), m);
    assert.ok("text" in applied, `${m.id}: ${"stale" in applied ? applied.stale : ""}`);
    const out = ts.transpileModule(applied.text, { fileName: m.file, reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
    const errors = (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(errors, [], `${m.id} does not parse`);
  }
});

test("a mutant applies at its one place only, and a from text found twice makes it stale", () => {
  assert.deepEqual(applyMutant("a > 1; b > 2", { from: "a > 1", to: "a >= 1" }), { text: "a >= 1; b > 2" });
  assert.deepEqual(applyMutant("x; x", { from: "x", to: "y" }), { stale: "its from text occurs 2 times, not once" });
  assert.deepEqual(applyMutant("x", { from: "z", to: "y" }), { stale: "its from text occurs 0 times, not once" });
  assert.deepEqual(applyMutant("x", { from: "x", to: "x" }), { stale: "from and to are the same text" });
});

test("the type-check rounds never put two mutants of one file together, and hold every mutant once", () => {
  const rounds = typecheckRounds(MUTANTS);
  for (const round of rounds) assert.equal(new Set(round.map((m) => m.file)).size, round.length);
  assert.deepEqual(rounds.flat().map((m) => m.id).sort(), MUTANTS.map((m) => m.id).sort());
});
