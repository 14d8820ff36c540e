import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { SECRET_KEYS } from "../config";

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

export function readStackFile(path: string): StackConfig {
  return stackConfigFromObject(parse(readFileSync(path, "utf8")));
}
