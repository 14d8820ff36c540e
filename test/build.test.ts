import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { build, BUNDLED, ENTRIES, type Manifest } from "../src/build";
import { BUILD, MANIFEST, staleInputs } from "../src/fresh-build";
import type { RecordedResource } from "../src/mock-runtime";
import { exampleConfig, ROOT, runProgram } from "./harness";

const node = (args: readonly string[], input?: string) => spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", input, maxBuffer: 256 * 1024 * 1024 });
const readManifest = (): Manifest => JSON.parse(readFileSync(join(BUILD, MANIFEST), "utf8")) as Manifest;
/** What a registration is, without the order it arrived in. */
const shape = (r: RecordedResource) => ({ ...r, dependencies: [...r.dependencies].sort() });

test("Pulumi runs the compiled program through its freshness check, with no TypeScript loader", () => {
  const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { main: string; runtime: { options?: Record<string, unknown> } };
  assert.equal(project.main, "src/launch.js");
  assert.equal(project.runtime.options?.typescript, false);
  assert.equal(project.runtime.options?.nodeargs, undefined, "no --import tsx: the engine's run loads plain JavaScript");
  assert.match(readFileSync(join(ROOT, "src", "launch.js"), "utf8"), /freshBundle\("index"\)/);
});

test("the compiled program, run as Pulumi runs it, registers exactly what the program from TypeScript registers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "homelab-compiled-"));
  try {
    const configFile = join(dir, "config.json");
    writeFileSync(configFile, JSON.stringify(exampleConfig()));
    const compiled = node(["--import", "tsx", join(ROOT, "test", "compiled-run.ts"), configFile]);
    assert.equal(compiled.status, 0, compiled.stderr);
    const fromBuild = JSON.parse(compiled.stdout) as RecordedResource[];
    const { resources } = await runProgram();
    assert.ok(fromBuild.length > 200, `${fromBuild.length} registrations`);
    const byUrn = (rs: readonly RecordedResource[]) => Object.fromEntries(rs.map((r) => [r.urn, shape(r)]));
    assert.deepEqual(byUrn(fromBuild), byUrn(resources));
    // The compiled run loads no TypeScript of the program: its stack positions are build/ lines.
    assert.doesNotMatch(readFileSync(join(BUILD, "index.js"), "utf8"), /sourceMappingURL/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the build bundles each entry and transpiles the B2 SDK beside it, and its manifest names every source it read", () => {
  const out = join(BUILD, `test-${process.pid}`);
  try {
    const manifest = build(out);
    for (const entry of Object.keys(ENTRIES)) assert.ok(readFileSync(join(out, `${entry}.js`), "utf8").length > 0, entry);
    const b2 = JSON.parse(readFileSync(join(out, "node_modules", "@pulumi", "b2", "package.json"), "utf8")) as { main: string; types?: string };
    assert.equal(b2.main, "index.js");
    assert.equal(b2.types, undefined);
    for (const source of ["src/index.ts", "src/homelab.ts", "components/lxc-service/index.ts", "config/catalog.ts", "sdks/b2/index.ts", "sdks/b2/package.json", "bench/floor.ts"]) {
      assert.match(manifest.inputs[source] ?? "", /^[0-9a-f]{64}$/, source);
    }
    // zod is compiled in, recorded by its package.json; the SDKs stay in node_modules.
    const packages = Object.keys(manifest.inputs).filter((p) => p.startsWith("node_modules/"));
    assert.deepEqual(packages, BUNDLED.map((name) => `node_modules/${name}/package.json`).sort());
    assert.deepEqual(BUNDLED, ["zod"]);
    const index = readFileSync(join(out, "index.js"), "utf8");
    for (const sdk of ["@pulumi/pulumi", "@muhlba91/pulumi-proxmoxve", "@pulumi/cloudflare", "@pulumi/b2"]) assert.ok(index.includes(`require("${sdk}")`), `${sdk} loads from node_modules`);
    assert.doesNotMatch(index, /require\("zod"\)/);
    // yaml is neither compiled in nor loaded with the program: only yamlLibrary() requires it, on first use.
    assert.doesNotMatch(index, /^\/\/ node_modules\/yaml\//m);
    assert.deepEqual(index.match(/require\("yaml"\)/g), ['require("yaml")']);
    assert.match(index, /function yamlLibrary\(\) \{\s*return require\("yaml"\);/);
    // Of zod's message locales only English is left: the rest were shaken out with the namespace import.
    assert.deepEqual(index.match(/^\/\/ node_modules\/zod\/v4\/locales\/.*$/gm), ["// node_modules/zod/v4/locales/en.js"]);
    assert.doesNotMatch(readFileSync(join(out, "bench-floor.js"), "utf8"), /node_modules\/(zod|yaml)\//, "the floor loads nothing of the program's");
    assert.deepEqual(staleInputs(manifest), []);
    assert.deepEqual(staleInputs({ inputs: { ...manifest.inputs, "src/homelab.ts": "0".repeat(64), "src/gone.ts": "0".repeat(64) } }), ["src/homelab.ts", "src/gone.ts"]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("a run rebuilds the program first when a source changed since the build, and only then", () => {
  // The freshness check sees a changed source as a manifest hash that no longer matches it.
  const run = () => node([join(ROOT, "src", "fresh-build.js"), "bench-floor"]);
  const first = run();
  assert.equal(first.status, 1, "the floor without its recording stops with its usage");
  const manifest = readManifest();
  writeFileSync(join(BUILD, MANIFEST), JSON.stringify({ inputs: { ...manifest.inputs, "config/catalog.ts": "0".repeat(64) } }));
  const stale = run();
  assert.match(stale.stderr, /^building the program \(config\/catalog\.ts changed since the last build\)$/m);
  assert.deepEqual(staleInputs(readManifest()), [], "the rebuild wrote a manifest that matches the sources");
  assert.equal(readManifest().inputs["config/catalog.ts"], manifest.inputs["config/catalog.ts"]);
  const again = run();
  assert.doesNotMatch(again.stderr, /building the program/);
  assert.match(again.stderr, /usage: floor <recording\.json>/);
});
