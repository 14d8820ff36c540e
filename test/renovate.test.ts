import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { z } from "zod";
import { collectPins, type Pin } from "../src/pins/registry";

/**
 * renovate.json is applied here the way Renovate's regex manager applies it: each custom manager's
 * managerFilePatterns select repository files, each matchString runs over a whole file with its named
 * groups, and the templates fill in what the groups do not. Every pin `npm run pins` lists with a
 * release source must come out as a dependency at its own line, with its own version.
 */

const ROOT = join(__dirname, "..");

/** The part of Renovate's configuration this repository uses, strictly: a typo is an error here. */
const managerSchema = z.strictObject({
  customType: z.literal("regex"),
  description: z.string().min(1),
  managerFilePatterns: z.array(z.string().regex(/^\/.+\/$/, { message: "must be a /regex/ pattern" })).min(1),
  matchStrings: z.array(z.string().includes("(?<currentValue>")).min(1),
  datasourceTemplate: z.enum(["github-releases", "docker", "pypi", "deb"]),
  depNameTemplate: z.string().min(1).optional(),
  extractVersionTemplate: z.string().includes("(?<version>").optional(),
  versioningTemplate: z.string().min(1).optional(),
});
const renovateSchema = z.strictObject({
  $schema: z.literal("https://docs.renovatebot.com/renovate-schema.json"),
  customManagers: z.array(managerSchema).min(1),
  packageRules: z.array(z.strictObject({ matchDatasources: z.array(z.string()).min(1), enabled: z.boolean() })),
});
type Manager = z.infer<typeof managerSchema>;

const renovate = renovateSchema.parse(JSON.parse(readFileSync(join(ROOT, "renovate.json"), "utf8")));

interface Dependency {
  readonly manager: string;
  readonly file: string;
  readonly line: number;
  readonly currentValue: string;
  readonly depName: string;
  readonly datasource: string;
}

/** Renovate's templates are Handlebars; this repository uses only `{{{group}}}` substitutions. */
const render = (template: string, groups: Readonly<Record<string, string | undefined>>): string =>
  template.replace(/\{\{\{?(\w+)\}?\}\}/g, (_, name: string) => groups[name] ?? "");

const files = spawnSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).stdout.split("\n").filter(Boolean);

function extract(manager: Manager): Dependency[] {
  const deps: Dependency[] = [];
  const patterns = manager.managerFilePatterns.map((p) => new RegExp(p.slice(1, -1)));
  for (const file of files.filter((f) => patterns.some((p) => p.test(f)))) {
    const text = readFileSync(join(ROOT, file), "utf8");
    for (const source of manager.matchStrings) {
      for (const m of text.matchAll(new RegExp(source, "gd"))) {
        const groups = m.groups ?? {};
        const at = m.indices?.groups?.currentValue?.[0] ?? m.index ?? 0;
        deps.push({
          manager: manager.description,
          file,
          line: text.slice(0, at).split("\n").length,
          currentValue: groups.currentValue ?? "",
          depName: manager.depNameTemplate ? render(manager.depNameTemplate, groups) : (groups.depName ?? ""),
          datasource: manager.datasourceTemplate,
        });
      }
    }
  }
  return deps;
}

const deps = renovate.customManagers.flatMap(extract);
const pins = collectPins();

/** The Renovate dependency a pin's upstream corresponds to; by-hand pins have none. */
function expected(pin: Pin): { datasource: string; depName: string } | undefined {
  const u = pin.upstream;
  switch (u.kind) {
    case "github-releases":
      return { datasource: "github-releases", depName: u.repo };
    case "docker-hub":
      return { datasource: "docker", depName: u.repository.replace(/^library\//, "") };
    case "pypi":
      return { datasource: "pypi", depName: u.project };
    case "debian":
      assert.equal(pin.verification.kind, "debian-archive", pin.id);
      return { datasource: "deb", depName: pin.verification.kind === "debian-archive" ? (pin.verification.packages[0] ?? "") : "" };
    case "manual":
      return undefined;
  }
}

test("renovate.json is well-formed for the options it uses, in Renovate's regex syntax (RE2: no lookaround, no backreferences)", () => {
  for (const m of renovate.customManagers) {
    for (const s of m.matchStrings) {
      assert.doesNotMatch(s, /\(\?<?[=!]|\\[1-9]/, `${m.description}: RE2 refuses lookaround and backreferences`);
      assert.doesNotThrow(() => new RegExp(s), m.description);
    }
    assert.ok(m.depNameTemplate !== undefined || m.matchStrings.every((s) => s.includes("(?<depName>")), `${m.description} names no dependency`);
  }
});

test("every pin with a release source is matched by a manager at its own line, with its version, name and datasource", () => {
  for (const pin of pins) {
    const want = expected(pin);
    const here = deps.filter((d) => d.file === pin.file && d.line === pin.line);
    if (want === undefined) {
      assert.deepEqual(here, [], `${pin.id} has no release API, yet a manager matches it`);
      continue;
    }
    assert.equal(here.length, 1, `${pin.id} (${pin.file}:${pin.line}) is matched by ${here.length} managers: ${here.map((d) => d.manager).join(", ")}`);
    const [dep] = here;
    assert.deepEqual({ currentValue: dep?.currentValue, depName: dep?.depName, datasource: dep?.datasource }, { currentValue: pin.version, ...want }, pin.id);
  }
});

test("every dependency a manager finds is a listed pin, and every manager finds one", () => {
  for (const d of deps) assert.ok(pins.some((p) => p.file === d.file && p.line === d.line), `${d.manager} matches ${d.file}:${d.line} ('${d.currentValue}'), which is not a pin`);
  for (const m of renovate.customManagers) assert.ok(deps.some((d) => d.manager === m.description), `${m.description} matches nothing`);
  assert.equal(new Set(renovate.customManagers.map((m) => m.description)).size, renovate.customManagers.length);
});

test("Debian's own packages are listed but not updated: their globs follow the Debian release", () => {
  assert.deepEqual(renovate.packageRules, [{ matchDatasources: ["deb"], enabled: false }]);
  const debianPins = pins.filter((p) => p.upstream.kind === "debian");
  assert.ok(debianPins.length > 0);
  for (const p of debianPins) assert.ok(deps.some((d) => d.datasource === "deb" && d.file === p.file && d.line === p.line), p.id);
});
