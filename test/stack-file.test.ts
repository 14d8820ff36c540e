import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError } from "../config";
import { readStackFile } from "../src/stack-file";
import { exampleConfig, ROOT, validate } from "./harness";
import { at } from "./bad-inputs/types";
import { run } from "./tools";

/** Stack files that YAML itself rejects: each names file, line and column, and the plan exits 1. */

const example = readFileSync(join(ROOT, "Pulumi.homelab.yaml"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "homelab-yaml-"));

const variants: { name: string; text: string; line: number; message: RegExp }[] = [
  {
    name: "a service declared twice",
    text: example.replace("    n8n: { vmId: 122, ip: 192.168.1.122 }\n", "    n8n: { vmId: 122, ip: 192.168.1.122 }\n    n8n: { vmId: 132, ip: 192.168.1.132 }\n"),
    line: example.split("\n").findIndex((l) => l.startsWith("    n8n:")) + 2,
    message: /^invalid YAML: Map keys must be unique; the key is written twice in one mapping; keep one of them$/,
  },
  {
    name: "a key written twice inside a flow mapping",
    text: example.replace("immich: { vmId: 120, ip: 192.168.1.120,", "immich: { vmId: 120, vmId: 121, ip: 192.168.1.120,"),
    line: example.split("\n").findIndex((l) => l.startsWith("    immich:")) + 1,
    message: /Map keys must be unique; the key is written twice/,
  },
  {
    name: "an unclosed {",
    text: example.replace("n8n: { vmId: 122, ip: 192.168.1.122 }", "n8n: { vmId: 122, ip: 192.168.1.122"),
    line: example.split("\n").findIndex((l) => l.startsWith("    n8n:")) + 2,
    message: /^invalid YAML: .*end with a \}; close every \{ or \[ on the line it opens/,
  },
  {
    name: "an item indented deeper than its siblings",
    text: example.replace("  homelab:allowDataLoss: false", "    homelab:allowDataLoss: false"),
    line: 5,
    message: /^invalid YAML: .*; this line is indented deeper than the key above it/,
  },
  {
    name: "an item indented less than its siblings",
    text: example.replace("    insecure: true\n", "   insecure: true\n"),
    line: example.split("\n").findIndex((l) => l.startsWith("    insecure:")) + 1,
    message: /^invalid YAML: All mapping items must start at the same column; .*start the items of one mapping at the same column/,
  },
  {
    name: "a tab used for indentation",
    text: example.replace("    insecure: true\n", "\tinsecure: true\n"),
    line: example.split("\n").findIndex((l) => l.startsWith("    insecure:")) + 1,
    message: /^invalid YAML: .*[Tt]ab.*; indent with spaces, not tabs/,
  },
];

for (const v of variants) {
  test(`invalid YAML is a config problem at file:line:column: ${v.name}`, () => {
    const file = join(dir, `${v.name.replace(/[^a-z]+/g, "-")}.yaml`);
    writeFileSync(file, v.text);
    assert.throws(() => readStackFile(file), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      const p = error.problems[0];
      assert.ok(p, "no problem");
      assert.match(p.path, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${v.line}:\\d+$`));
      assert.match(p.message, v.message);
      return true;
    });
  });
}

test("the plan exits 1, not 2, on invalid YAML and on a missing stack file, with no stack trace", () => {
  const file = join(dir, "unclosed.yaml");
  writeFileSync(file, variants[2]?.text ?? "");
  const plan = (f: string) => run(process.execPath, ["--import", "tsx", join(ROOT, "src/plan.ts"), "--stack-file", f], { cwd: ROOT });
  const bad = plan(file);
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: invalid YAML: `));
  assert.doesNotMatch(bad.stderr, /plan failed|\n\s+at /);
  const missing = plan(join(dir, "absent.yaml"));
  assert.equal(missing.status, 1, missing.stderr);
  assert.match(missing.stderr, /absent\.yaml: cannot read the stack file \(ENOENT\)/);
});

test("an app name neither in the catalog nor described gives one problem for the service, not one per missing key", () => {
  const config = exampleConfig();
  at(config, "homelab:services").homeassistant = { vmId: 140, ip: "192.168.1.140" };
  const result = validate(config);
  assert.equal(result.ok, false);
  if (result.ok) return;
  const about = result.problems.filter((p) => p.path.startsWith("homelab:services.homeassistant"));
  assert.deepEqual(about.map((p) => p.path), ["homelab:services.homeassistant"]);
  assert.ok(!result.problems.some((p) => /is required/.test(p.message)), "a key was reported as required");
});
