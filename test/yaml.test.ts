import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { toYaml } from "../components/shared/yaml";
import { exampleConfig, runProgram } from "./harness";
import { assertYamlFilesAsLibraryWrites, YAML_LIBRARY_OPTIONS as LIBRARY } from "./yaml-files";

/**
 * components/shared/yaml.ts writes what the `yaml` package writes for the same value (the renderers
 * used it until it was the largest share of the program's own time in a plan): checked here on
 * generated values, among them the strings YAML is tricky about, and on every YAML file the program
 * pushes into a container for the example (and, where those plans are evaluated already, for the
 * apps of docs/own-apps.md in test/install-methods.test.ts and the cluster example in test/cluster.test.ts).
 */

// Seeded, so that a run can be repeated; FC_SEED=<n> explores other values.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261207) });

/** Pieces YAML treats specially: indicators, comment and mapping marks, document markers, line breaks, escapes, core-schema look-alikes. */
const TRICKY = [
  "a", "Z", "0", "7", "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`", "\\", "/",
  " ", "  ", "\t", "\n", "\n\n", "\r", "---", "...", "~", "null", "Null", "true", "False", "TRUE", "yes", "on", "0x1F", "0o17", "0o9",
  "1e3", ".5", "-.inf", ".NaN", "+12", "1_000", "é", "日本", "\u0085", "\u00a0", "\u2028", "\u0000", "\u0007", "\u000b", "\u001b", "\u0001",
  "\u007f", "\u009f", "\ud800", "\udfff", "😀", "$&", "Host(`a.example.com`)",
];
const trickyString = fc.array(fc.constantFrom(...TRICKY), { maxLength: 8 }).map((parts) => parts.join(""));
/** Few characters, so that quotes, breaks and blanks meet in every order. */
const denseString = fc.string({ unit: fc.constantFrom('"', "'", "\n", " ", "\t", "a", "#", ":", "-"), maxLength: 10 });
const anyString = fc.oneof(
  { weight: 3, arbitrary: trickyString },
  { weight: 2, arbitrary: denseString },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
);
const yamlValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    anyString,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(anyString, fc.option(tie("value"), { nil: undefined }), { maxKeys: 4 }),
  ),
})).value;

/** A string the yaml package writes as a block that reads back without its blanks (toYaml quotes it). */
const blanksOnly = (s: string): boolean => /^[\n\t ]*[\t ][\n\t ]*$/.test(s) && s.includes("\n");
const holdsString = (v: unknown, p: (s: string) => boolean): boolean =>
  typeof v === "string" ? p(v) : typeof v === "object" && v !== null && Object.entries(v).some(([k, x]) => p(k) || holdsString(x, p));

for (const strings of ["plain", "double-quoted"] as const) {
  test(`a generated value is written as the yaml package writes it (${strings} strings)`, () => {
    fc.assert(
      fc.property(yamlValue, (value) => {
        fc.pre(strings === "double-quoted" || !holdsString(value, blanksOnly));
        assert.equal(toYaml(value, { strings }), stringify(value, LIBRARY[strings]));
      }),
      { numRuns: 3000 },
    );
  });

  // Under a key, as the renderers write: a string at the document's root is where the yaml package
  // itself writes what does not read back (" \n" becomes "|+" and a line of one space).
  test(`a generated value reads back as itself (${strings} strings)`, () => {
    fc.assert(
      fc.property(yamlValue.map((v) => ({ value: v })), (value) => {
        // JSON drops undefined keys as toYaml does, and keeps -0 and NaN out of the comparison's way.
        const expected = JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v))) as unknown;
        const read = JSON.parse(JSON.stringify(parse(toYaml(value, { strings })), (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v))) as unknown;
        assert.deepEqual(read, expected);
      }),
      { numRuns: 3000 },
    );
  });
}

test("a string of blanks and line breaks only is quoted, so that it reads back with its blanks", () => {
  for (const blanks of [" \n", "  \n\n", "\t\n", "\n \n "]) {
    const text = toYaml({ key: blanks });
    assert.match(text, /^key: "[^\n]*"\n$/);
    assert.deepEqual(parse(text), { key: blanks });
  }
  // The yaml package's block for it loses the blanks; this is why toYaml differs from it here.
  assert.deepEqual(parse(stringify({ key: " \n" }, LIBRARY.plain)), { key: "\n" });
});

test("strings YAML would read as something else are quoted, the rest stay plain", () => {
  assert.equal(toYaml({ a: "true", b: "8080", c: "0x1F", d: "", e: "~", f: "plain text", g: "- x", h: "a: b", i: "#x", j: "x #y" }), [
    'a: "true"', 'b: "8080"', 'c: "0x1F"', 'd: ""', 'e: "~"', "f: plain text", 'g: "- x"', 'h: "a: b"', 'i: "#x"', 'j: "x #y"', "",
  ].join("\n"));
  // Quoted: in single quotes when the string has double quotes only, else in double quotes.
  assert.equal(toYaml({ say: '"hi" she said', both: `'a' and "b"`, mid: 'say "hi"' }), `say: '"hi" she said'\nboth: "'a' and \\"b\\""\nmid: say "hi"\n`);
});

test("a multi-line string is a literal block with its chomping, a nested collection is indented under its key", () => {
  assert.equal(toYaml({ script: "set -e\necho ok\n", lines: "a\nb", keep: "a\n\n", list: [{ x: 1, y: [] }, ["z"]], empty: {} }), [
    "script: |", "  set -e", "  echo ok", "lines: |-", "  a", "  b", "keep: |+", "  a", "", "list:", "  - x: 1", "    y: []", "  - - z", "empty: {}", "",
  ].join("\n"));
});

test("double-quoted strings quote every string value and leave keys plain", () => {
  assert.equal(toYaml({ services: { app: { image: "nginx:1.29", ports: ["8080:80"], restart: true } } }, { strings: "double-quoted" }), [
    "services:", "  app:", '    image: "nginx:1.29"', "    ports:", '      - "8080:80"', "    restart: true", "",
  ].join("\n"));
});

test("what JSON cannot hold is refused, not written", () => {
  assert.throws(() => toYaml({ when: new Date(0) }), /cannot write a Date as YAML/);
  assert.throws(() => toYaml({ f: () => 1 }), /cannot write a function as YAML/);
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  assert.throws(() => toYaml(loop), /contains itself/);
  // Met twice but not inside itself: written twice, where the yaml package would write an anchor and an alias.
  const shared = { a: 1 };
  assert.equal(toYaml({ x: shared, y: shared }), "x:\n  a: 1\ny:\n  a: 1\n");
});

test("every YAML file pushed for the example stack is what the yaml package writes for its value", async () => {
  const { resources } = await runProgram(exampleConfig());
  assertYamlFilesAsLibraryWrites(resources, 8);
});
