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
  packageRules: z.array(
    z.strictObject({
      description: z.string().min(1),
      matchDatasources: z.array(z.string()).min(1).optional(),
      matchDepNames: z.array(z.string()).min(1).optional(),
      matchPackageNames: z.array(z.string()).min(1).optional(),
      matchUpdateTypes: z.array(z.enum(["major", "minor", "patch"])).min(1).optional(),
      enabled: z.boolean().optional(),
      groupName: z.string().min(1).optional(),
      minimumReleaseAge: z.string().regex(/^\d+ days?$/).optional(),
      dependencyDashboardApproval: z.boolean().optional(),
      allowedVersions: z.string().min(1).optional(),
    }),
  ),
});
type Rule = z.infer<typeof renovateSchema>["packageRules"][number];
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
  assert.deepEqual(
    renovate.packageRules.filter((r) => r.matchDatasources !== undefined).map(({ matchDatasources, enabled }) => ({ matchDatasources, enabled })),
    [{ matchDatasources: ["deb"], enabled: false }],
  );
  const debianPins = pins.filter((p) => p.upstream.kind === "debian");
  assert.ok(debianPins.length > 0);
  for (const p of debianPins) assert.ok(deps.some((d) => d.datasource === "deb" && d.file === p.file && d.line === p.line), p.id);
});

/** The rules that apply to a dependency of that name, as Renovate matches them (every match* must hold). */
function rulesFor(name: string, updateType: "major" | "minor" | "patch"): Rule[] {
  return renovate.packageRules.filter(
    (r) =>
      (r.matchDepNames ?? r.matchPackageNames ?? [name]).includes(name) &&
      (r.matchUpdateTypes ?? [updateType]).includes(updateType) &&
      r.matchDatasources === undefined,
  );
}

const groupOf = (name: string): string | undefined => rulesFor(name, "minor").find((r) => r.groupName)?.groupName;

test("the Node runtime is one Renovate group: .nvmrc, engines and @types/node, and a new major waits for approval", () => {
  // Renovate's nvm manager reads .nvmrc at the root (its default pattern), the npm manager engines.node.
  assert.match(readFileSync(join(ROOT, ".nvmrc"), "utf8"), /^\d+\.\d+\.\d+\n$/);
  assert.equal(groupOf("node"), "Node runtime");
  assert.equal(groupOf("@types/node"), "Node runtime");
  for (const name of ["node", "@types/node"]) {
    assert.ok(rulesFor(name, "major").some((r) => r.dependencyDashboardApproval === true), `${name}: a major waits for approval`);
    assert.ok(!rulesFor(name, "patch").some((r) => r.dependencyDashboardApproval === true), `${name}: a patch does not`);
  }
});

test("the Pulumi SDK and the policy SDK move together in every package.json that names them", () => {
  const manifests = files.filter((f) => f.endsWith("package.json") && !f.startsWith("sdks/"));
  let named = 0;
  for (const file of manifests) {
    const pkg = JSON.parse(readFileSync(join(ROOT, file), "utf8")) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies ?? {}).filter((n) => n === "@pulumi/pulumi" || n === "@pulumi/policy")) {
      assert.equal(groupOf(name), "Pulumi SDK", `${file}: ${name}`);
      named++;
    }
  }
  assert.equal(named, 4, "the program and the policy pack each name both SDKs");
});

test("TypeScript is held inside the range the Pulumi SDK declares for it", () => {
  const sdk = JSON.parse(readFileSync(join(ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { peerDependencies: Record<string, string> };
  const ceiling = /<\s*(\d+)/.exec(sdk.peerDependencies.typescript ?? "")?.[1];
  assert.ok(ceiling !== undefined, `@pulumi/pulumi's typescript peer range has an upper bound: ${sdk.peerDependencies.typescript}`);
  const held = rulesFor("typescript", "major").map((r) => r.allowedVersions);
  assert.deepEqual(held, [`<${ceiling}`]);
  const pinned = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies.typescript ?? "";
  assert.ok(Number(pinned.split(".")[0]) < Number(ceiling), `typescript ${pinned} is below ${ceiling}`);
});
