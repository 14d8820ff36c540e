import { readFileSync } from "node:fs";
import type { YAMLError } from "yaml";
import { yamlLibrary } from "../config/yaml-library";
import { ConfigError, SECRET_KEYS, type Problem } from "../config";

/** Marker inside every placeholder secret, so tests can prove no placeholder leaks. */
export const PLACEHOLDER_MARK = "__plan_secret__";

export interface StackConfig {
  /** Config in the form the Pulumi runtime holds it: `ns:key` → string (objects as JSON). */
  readonly config: Record<string, string>;
  /** Keys whose values are secrets. */
  readonly secretKeys: string[];
  /** Secret keys filled with placeholders because the stack file has no value for them. */
  readonly placeholders: string[];
}

export const placeholderFor = (key: string): string => `${PLACEHOLDER_MARK}${key.replace(/[^A-Za-z0-9]/g, "_")}`;

/**
 * Turns a stack file's `config:` block into runtime config. Encrypted (`secure:`) values cannot be
 * decrypted offline, so they and every secret the file lacks become marked placeholders.
 */
export function stackConfigFromObject(doc: unknown, options: { readonly fillMissingSecrets?: boolean } = {}): StackConfig {
  const block = (typeof doc === "object" && doc !== null ? (doc as { config?: unknown }).config : undefined) ?? {};
  if (typeof block !== "object" || block === null || Array.isArray(block)) throw new Error("the stack file's 'config' must be a mapping");
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const placeholders: string[] = [];
  for (const [rawKey, value] of Object.entries(block as Record<string, unknown>)) {
    const key = rawKey.includes(":") ? rawKey : `homelab:${rawKey}`;
    const isSecure = typeof value === "object" && value !== null && "secure" in value;
    if (isSecure) {
      config[key] = placeholderFor(key);
      secretKeys.push(key);
      placeholders.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  for (const key of SECRET_KEYS) {
    if (!(key in config) && options.fillMissingSecrets !== false) {
      config[key] = placeholderFor(key);
      secretKeys.push(key);
      placeholders.push(key);
    }
    // A secret written in plain text stays unmarked, so the config checks can reject it.
  }
  return { config, secretKeys, placeholders };
}

/** What usually causes each YAML error, and how to fix it. */
const YAML_FIXES: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: "the key is written twice in one mapping; keep one of them",
  BAD_INDENT: "close every { or [ on the line it opens, and start the items of one mapping at the same column",
  MISSING_CHAR: "a closing }, ] or quote is missing",
  UNEXPECTED_TOKEN: "close every { or [ on the line it opens",
  BLOCK_AS_IMPLICIT_KEY: "this line is indented deeper than the key above it; indent it like that key, or end the key above with ':' to nest it",
  MULTILINE_IMPLICIT_KEY: "a key must fit on one line; check the indentation of the lines below it",
  TAB_AS_INDENT: "indent with spaces, not tabs",
};

/** One problem per YAML error, located as `FILE:LINE:COLUMN`. */
export function yamlProblems(file: string, errors: readonly YAMLError[]): Problem[] {
  return errors.map((e) => {
    const at = e.linePos?.[0];
    // The library's message ends with " at line L, column C:" and a code frame; the path says where.
    const what = e.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? e.message;
    return { path: at ? `${file}:${at.line}:${at.col}` : file, message: `invalid YAML: ${what}; ${YAML_FIXES[e.code] ?? "fix the YAML at this line"}` };
  });
}

/** Reads and parses a stack file; an unreadable or invalid file is a ConfigError naming file, line and column. */
export function readStackFile(path: string): StackConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([{ path, message: `cannot read the stack file (${(error as NodeJS.ErrnoException).code ?? String(error)}); pass an existing file with --stack-file PATH` }]);
  }
  const doc = yamlLibrary().parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError(yamlProblems(path, doc.errors));
  try {
    return stackConfigFromObject(doc.toJS());
  } catch (error) {
    throw new ConfigError([{ path, message: error instanceof Error ? error.message : String(error) }]);
  }
}
