import type * as z from "zod";
import type { Problem } from "./model";

export const configPath = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? "homelab" : `homelab:${path.map(String).join(".")}`;

type Issue = z.core.$ZodIssue;

/** How a given value reads in a message: the string '2GB', the number 301, a mapping. */
export function given(value: unknown): string {
  if (typeof value === "string") return `the string '${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value === "number" ? "the number " : ""}${String(value)}`;
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return typeof value;
}

const EXPECTED: Readonly<Record<string, string>> = {
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  string: "a string",
  object: "a mapping (key: value)",
  record: "a mapping (key: value)",
  array: "a list",
};

const expectedText = (expected: string): string => EXPECTED[expected] ?? expected;

/** What to write instead of the given value, for a value of the wrong type. */
function typeFix(expected: string, input: unknown): string {
  if (expected === "int" && typeof input === "number") return `write a whole number, e.g. ${Math.max(1, Math.round(input))}`;
  if (expected === "number" || expected === "int") {
    if (typeof input === "string" && /^-?\d+(\.\d+)?$/.test(input.trim())) return `remove the quotes: ${input.trim()}`;
    if (typeof input === "string" && /^\d/.test(input)) return "write a plain number in the unit the key names (MiB, GiB, ...), without a unit suffix or quotes";
    return "write a plain number without quotes";
  }
  if (expected === "boolean") {
    // YAML 1.2, which the stack file is read as, takes only true and false as booleans.
    if (typeof input === "string" && /^(no|off|n|false)$/i.test(input)) return "write false (YAML reads yes/no/on/off as strings)";
    if (typeof input === "string" && /^(yes|on|y|true)$/i.test(input)) return "write true (YAML reads yes/no/on/off as strings)";
    return "write true or false without quotes";
  }
  if (expected === "string") return `put the value in quotes, e.g. "${typeof input === "object" ? "..." : String(input)}"`;
  if (expected === "array") return "write a list: [a, b] or one '- item' per line";
  if (expected === "object" || expected === "record") return "write a mapping with one 'key: value' per line, or { key: value }";
  return `write ${expectedText(expected)}`;
}

/** What each branch of a union would have accepted: "a mapping (key: value) or false". */
function unionExpected(issue: Extract<Issue, { code: "invalid_union" }>): string {
  const options = issue.errors.flatMap((branch) =>
    branch
      .filter((i) => i.path.length === 0)
      .map((i) => (i.code === "invalid_type" ? expectedText(i.expected) : i.code === "invalid_value" ? i.values.map((v) => JSON.stringify(v)).join(" or ") : undefined))
      .filter((x): x is string => x !== undefined)
      .slice(0, 1),
  );
  return [...new Set(options)].join(" or ");
}

/** One message per zod issue: what was expected, what was given and, where it is clear, the fix. */
export function issueMessage(issue: Issue): string {
  const input = issue.input;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return `is required (${expectedText(issue.expected)}); add it`;
      return `expected ${expectedText(issue.expected)}, got ${given(input)}; ${typeFix(issue.expected, input)}`;
    case "unrecognized_keys":
      return `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}; check the spelling or remove them (config/stack.schema.json lists every key)`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => `'${String(v)}'`).join(", ")}, got ${given(input)}`;
    case "invalid_union": {
      if (issue.discriminator !== undefined && "options" in issue && issue.options !== undefined) {
        const options = issue.options.map((o) => `'${String(o)}'`).join(", ");
        return `must be one of ${options}, got ${given(isRecord(input) ? input[issue.discriminator] : undefined)}`;
      }
      const expected = unionExpected(issue);
      return expected ? `expected ${expected}, got ${given(input)}` : `is not valid: got ${given(input)}`;
    }
    default:
      // Refinements and bounds carry their own "must be ..." text; the given value makes it checkable.
      return input === undefined || typeof input === "object" ? issue.message : `${issue.message} (got ${given(input)})`;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The problems of a failed parse, each at its config path below `prefix`. */
export function zodProblems(error: z.ZodError, prefix: readonly PropertyKey[]): Problem[] {
  return error.issues.map((issue) => ({ path: configPath([...prefix, ...issue.path]), message: issueMessage(issue) }));
}
