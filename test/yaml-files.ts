import assert from "node:assert/strict";
import { parse, stringify, type ToStringOptions } from "yaml";
import { toYaml, type YamlStyle } from "../components/shared/yaml";
import type { RecordedResource } from "../src/mock-runtime";

/** The `yaml` package's options that match each style of toYaml (anchors off: toYaml writes a repeated object out again). */
export const YAML_LIBRARY_OPTIONS: Record<NonNullable<YamlStyle["strings"]>, ToStringOptions & { aliasDuplicateObjects: false }> = {
  plain: { lineWidth: 0, aliasDuplicateObjects: false },
  "double-quoted": { lineWidth: 0, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", aliasDuplicateObjects: false },
};

/** The files a push script writes: `base64 -d <<'EOF' | put_file PATH MODE OWNER`, then the base64 lines. */
export function pushedFiles(script: string): Map<string, string> {
  const files = new Map<string, string>();
  const pattern = /^base64 -d <<'(\w+)' \| put_file (\S+) \S+ \S+\n([\s\S]*?)^\1$/gm;
  for (const m of script.matchAll(pattern)) files.set(String(m[2]).replace(/^'|'$/g, ""), Buffer.from(String(m[3]), "base64").toString("utf8"));
  return files;
}

/**
 * Every YAML file the registered commands push into a container (at least `atLeast` of them), without
 * the comment lines it starts with, is what the yaml package writes for its value, and what toYaml
 * writes: the emitter changed no byte of a file the program renders. Compose files quote their strings.
 */
export function assertYamlFilesAsLibraryWrites(resources: readonly RecordedResource[], atLeast: number): void {
  const files = resources
    .filter((r) => r.type === "command:remote:Command" && typeof r.inputs.stdin === "string")
    .flatMap((r) => [...pushedFiles(String(r.inputs.stdin))].map(([path, content]) => ({ resource: r.name, path, content })))
    .filter((f) => /\.ya?ml$/.test(f.path));
  assert.ok(files.length >= atLeast, `only ${files.length} YAML files found in the push scripts`);
  for (const f of files) {
    const document = f.content.replace(/^(#[^\n]*\n)+/, "");
    const strings = /\/compose\.ya?ml$/.test(f.path) ? "double-quoted" : "plain";
    assert.equal(document, stringify(parse(document), YAML_LIBRARY_OPTIONS[strings]), `${f.resource}: ${f.path}`);
    assert.equal(document, toYaml(parse(document), { strings }), `${f.resource}: ${f.path}`);
  }
}
