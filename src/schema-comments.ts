import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as ts from "typescript";

/**
 * The doc comments of the stack file's keys, read from the zod schema's source: zod keeps no comment at
 * run time, and the schema states each key's unit, default and reason in a `/** ... *\/` above it.
 */

/** One object literal of the schema source: its keys, and the doc comment of each key that has one. */
export interface CommentedObject {
  /** `file:line` of the literal, to name both sides when two literals disagree. */
  readonly at: string;
  readonly keys: ReadonlySet<string>;
  readonly comments: ReadonlyMap<string, string>;
}

const ROOT = join(__dirname, "..");

/** The folder whose files declare the stack file's schema. */
export const SCHEMA_SOURCES = "config/schema";

const keyName = (name: ts.PropertyName): string | undefined =>
  ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;

/** The nearest doc comment of a property, on one line. */
function docComment(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = ts.getTextOfJSDocComment(docs[docs.length - 1]?.comment);
  const line = text?.replace(/\s+/g, " ").trim();
  return line ? line : undefined;
}

/** The identifier a value is built from: `firstBoot` of `firstBoot.default("none")`, `port` of `port`. */
function rootName(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isCallExpression(node)) return rootName(node.expression);
  if (ts.isPropertyAccessExpression(node)) return rootName(node.expression);
  return undefined;
}

/** Every object literal of the schema source, with the comments of its keys, in file and source order. */
export function schemaComments(dir: string = join(ROOT, SCHEMA_SOURCES)): CommentedObject[] {
  const found: CommentedObject[] = [];
  const sources = readdirSync(dir).filter((f) => f.endsWith(".ts")).sort().map((file) => {
    const path = join(dir, file);
    return ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true);
  });
  // A key without a comment of its own takes the comment of the named schema its value is built from.
  const named = new Map<string, string>();
  for (const source of sources) {
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      const comment = docComment(statement);
      for (const d of statement.declarationList.declarations) if (comment && ts.isIdentifier(d.name)) named.set(d.name.text, comment);
    }
  }
  for (const source of sources) {
    const path = source.fileName;
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const keys = new Set<string>();
        const comments = new Map<string, string>();
        for (const p of node.properties) {
          if (!(ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p))) continue;
          const key = keyName(p.name);
          if (key === undefined) continue;
          keys.add(key);
          const value = ts.isPropertyAssignment(p) ? rootName(p.initializer) : p.name.text;
          const comment = docComment(p) ?? (value === undefined ? undefined : named.get(value));
          if (comment) comments.set(key, comment);
        }
        // Kept without comments too: an exact match then stops the fallback to smaller literals.
        if (keys.size > 0) {
          const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
          found.push({ at: `${relative(ROOT, path)}:${line}`, keys, comments });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/**
 * The doc comment of `key` in an object whose keys are `keys`: from the literal with exactly those
 * keys, else (an extended or merged schema) from every literal whose keys all appear among them.
 * Two literals that match and say different things are an error, never a silent pick.
 */
export function commentOf(objects: readonly CommentedObject[], keys: readonly string[], key: string): string | undefined {
  const all = new Set(keys);
  const same = (o: CommentedObject): boolean => o.keys.size === all.size && [...o.keys].every((k) => all.has(k));
  const within = (o: CommentedObject): boolean => [...o.keys].every((k) => all.has(k));
  const exact = objects.filter(same);
  const candidates = (exact.length > 0 ? exact : objects.filter(within)).filter((o) => o.comments.has(key));
  const texts = new Set(candidates.map((o) => o.comments.get(key)));
  if (texts.size > 1) {
    throw new Error(`the key '${key}' has different doc comments in ${candidates.map((o) => o.at).join(" and ")}; give the objects distinct keys or the same comment`);
  }
  return candidates[0]?.comments.get(key);
}
