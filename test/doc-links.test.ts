import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, sep } from "node:path";
import { test } from "node:test";
import { headingAnchor, headingAnchors } from "../src/heading-anchor";
import { ROOT } from "./harness";

/** What a link checker needs of the repository: a file's text, or whether a path exists at all. */
interface Files {
  readonly text: (path: string) => string | undefined;
  readonly exists: (path: string) => boolean;
}

const onDisk: Files = {
  text: (path) => (existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isFile() ? readFileSync(join(ROOT, path), "utf8") : undefined),
  exists: (path) => existsSync(join(ROOT, path)),
};

/** The link targets of a Markdown text with their lines: inline links, images and reference definitions, outside code. */
function linkTargets(markdown: string): { line: number; target: string }[] {
  const found: { line: number; target: string }[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, i) => {
    const marker = /^\s*(```|~~~)/.exec(text)?.[1];
    if (marker !== undefined) fence = fence === undefined ? marker : fence === marker ? undefined : fence;
    if (marker !== undefined || fence !== undefined) return;
    const prose = text.replace(/`[^`]*`/g, "");
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) found.push({ line: i + 1, target: m[1] ?? "" });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose)?.[1];
    if (definition !== undefined) found.push({ line: i + 1, target: definition });
  });
  return found;
}

/** Every link of `file` that does not resolve, as `file:line: target: why`. External URLs are not followed. */
function brokenLinks(file: string, files: Files): string[] {
  const problems: string[] = [];
  for (const { line, target } of linkTargets(files.text(file) ?? "")) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [rawPath = "", anchor] = target.split("#", 2);
    const path = rawPath === "" ? file : normalize(join(dirname(file), decodeURIComponent(rawPath))).split(sep).join("/");
    const at = `${file}:${line}: ${target}`;
    if (path.startsWith("../") || path === "..") problems.push(`${at}: points outside the repository`);
    else if (!files.exists(path)) problems.push(`${at}: ${path} does not exist`);
    else if (anchor !== undefined && anchor !== "") {
      const text = path.endsWith(".md") ? files.text(path) : undefined;
      // GitHub's line anchors (#L10, #L10-L20) are the only anchors a file other than Markdown has.
      const ok = text === undefined ? /^L\d+(-L\d+)?$/.test(anchor) : headingAnchors(text).has(decodeURIComponent(anchor));
      if (!ok) problems.push(`${at}: ${path} has no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}

/** README.md and every Markdown file under docs/, repository-relative. */
function documentation(): string[] {
  const under = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? under(`${dir}/${e.name}`) : e.name.endsWith(".md") ? [`${dir}/${e.name}`] : []));
  return ["README.md", ...under("docs")].sort();
}

test("every relative link and anchor in README.md and docs/ resolves, to files of the repository too", () => {
  const files = documentation();
  assert.ok(files.includes("docs/stack-file.md"), files.join(", "));
  const links = files.flatMap((f) => linkTargets(onDisk.text(f) ?? ""));
  assert.ok(links.length > 10, `${links.length} links`);
  assert.deepEqual(files.flatMap((f) => brokenLinks(f, onDisk)), []);
});

test("heading anchors follow GitHub's rule: lower case, punctuation dropped, spaces to hyphens, repeats numbered", () => {
  assert.equal(headingAnchor("Backups and restores (runbook)"), "backups-and-restores-runbook");
  assert.equal(headingAnchor("Immich's vector extension"), "immichs-vector-extension");
  assert.equal(headingAnchor("Hardlinks for the *arr apps"), "hardlinks-for-the-arr-apps");
  assert.equal(headingAnchor("Try it: install and plan offline"), "try-it-install-and-plan-offline");
  assert.equal(headingAnchor("homelab:allowDataLoss"), "homelaballowdataloss");
  assert.equal(headingAnchor("The `install.from` key"), "the-installfrom-key");
  assert.equal(headingAnchor("Continuous integration (your own)"), "continuous-integration-your-own");
  assert.equal(headingAnchor("snake_case stays"), "snake_case-stays");
  assert.deepEqual([...headingAnchors("# Test\n\n```\n# not a heading\n```\n## Test\n### Test\n")], ["test", "test-1", "test-2"]);
});

test("the link check reports a missing file, a missing anchor and a path outside the repository, and reads no link in code", () => {
  const texts: Record<string, string> = {
    "docs/a.md": [
      "# A page",
      "[ok](b.md#second-part) [self](#a-page) [file](../components/x/RESTORE.md) [web](https://example.com/#x)",
      "[gone](c.md) [bad anchor](b.md#nothing) [out](../../etc/passwd) [line](../src/x.ts#L3)",
      "`[in code](missing.md)`",
      "```",
      "[in a fence](missing.md)",
      "```",
      "[ref]: b.md#first",
    ].join("\n"),
    "docs/b.md": "# First\n## Second part\n",
    "components/x/RESTORE.md": "# Restore\n",
    "src/x.ts": "",
  };
  const files: Files = { text: (p) => texts[p], exists: (p) => p in texts };
  assert.deepEqual(brokenLinks("docs/a.md", files), [
    "docs/a.md:3: c.md: docs/c.md does not exist",
    "docs/a.md:3: b.md#nothing: docs/b.md has no heading with the anchor #nothing",
    "docs/a.md:3: ../../etc/passwd: points outside the repository",
  ]);
});

test("every page of docs/ opens with its title and then one sentence on who it is for", () => {
  const pages = documentation().filter((f) => f.startsWith("docs/"));
  assert.ok(pages.length >= 12, pages.join(", "));
  for (const page of pages) {
    // The generated reference opens with the comment that names its generator.
    const text = (onDisk.text(page) ?? "").replace(/^<!--[^\n]*-->\n\n/, "");
    assert.match(text, /^# [^\n]+\n\nFor [^\n]/, page);
  }
});
