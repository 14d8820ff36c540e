import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import { catalog } from "../config/catalog";
import { SECRET_KEYS } from "../config/secrets";
import { appSpecSchema, backedUp, type AppSpec } from "../config/schema";
import { headingAnchor } from "./heading-anchor";
import { stackJsonSchema } from "./schema";
import { commentOf, schemaComments, type CommentedObject } from "./schema-comments";

/**
 * `npm run docs`: writes docs/stack-file.md, the reference of every stack-file key (type, default, doc
 * comment) and of each catalog app's defaults. It reads the same JSON Schema an editor checks the stack
 * file with, and the comments of the zod source, so the page cannot drift from the code.
 */

/** The part of JSON Schema that z.toJSONSchema emits for the stack file's schema. */
interface JsonSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonSchema | boolean;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly format?: string;
  readonly description?: string;
}

/** One key of the reference: its path below the section, type, default and doc comment. */
interface Row {
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly doc: string;
}

export const STACK_REFERENCE = "docs/stack-file.md";

/** What stands for the user's own names in a key path, by the map's key (`tiers.<tier>.path`). */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  services: "service",
  tiers: "tier",
  datasets: "dataset",
  templates: "template",
  nodes: "node",
  rules: "rule",
  extraRoutes: "subdomain",
  mounts: "dataset",
  packages: "package",
  capacityGiB: "tier",
};

const code = (value: unknown): string => (value === "" ? "empty" : `\`${typeof value === "string" ? value : JSON.stringify(value)}\``);

/** A table cell: one line, pipes escaped, and `<name>` kept as text outside code spans (GitHub would take it for HTML). */
function cell(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("")
    .replace(/\|/g, "\\|");
}

const table = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  `| ${header.join(" | ")} |`,
  `| ${header.map(() => "---").join(" | ")} |`,
  ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
];

const list = (items: readonly string[], last: string): string => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${last} ${items[items.length - 1]}`);
const orList = (items: readonly string[]): string => list(items, "or");

/** A map's value schema, when the object is a map (a record) rather than an object of fixed keys. */
const mapValue = (s: JsonSchema): JsonSchema | undefined => (s.properties === undefined && typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);

function typeOf(s: JsonSchema, key: string): string {
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return orList([...new Set(branches.map((b) => typeOf(b, key)))]);
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return `one of ${orList(s.enum.map(code))}`;
  const value = mapValue(s);
  if (value) return `map of ${PLACEHOLDERS[key] ?? "name"} to ${typeOf(value, key)}`;
  const range = (what: string): string => {
    const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
    if (s.minimum !== undefined && max !== undefined) return `${what}, ${s.minimum} to ${max}`;
    if (s.minimum !== undefined) return `${what}, at least ${s.minimum}`;
    return max !== undefined ? `${what}, at most ${max}` : what;
  };
  switch (s.type) {
    case "string":
      return s.format === "uri" ? "URL" : "string";
    case "integer":
      return range("integer");
    case "number":
      return range("number");
    case "boolean":
      return "boolean";
    case "array":
      return `list of ${s.items ? typeOf(s.items, key) : "values"}`;
    case "object":
      return "object";
    default:
      return "any";
  }
}

/** The defaults an object's keys give it when it is left out, for comparison with its own default. */
function childDefaults(s: JsonSchema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(s.properties ?? {}).flatMap(([k, v]) => (v.default === undefined ? [] : [[k, v.default]])));
}

function defaultOf(s: JsonSchema, required: boolean): string {
  if (s.default !== undefined) {
    const d = s.default;
    // An object defaulting to what its keys default to says so, instead of repeating every key's default.
    // So does one parsed from {} when left out (`prefault({})`): each key's default applies.
    const same = JSON.stringify(d) === JSON.stringify(childDefaults(s)) || JSON.stringify(d) === "{}";
    if (s.properties && typeof d === "object" && d !== null && same) return "its keys' defaults";
    return code(d);
  }
  return required ? "required" : "optional";
}

/** The rows of an object's keys and, depth first, of everything below each. */
function objectRows(s: JsonSchema, prefix: string, comments: readonly CommentedObject[], override?: (key: string) => string | undefined): Row[] {
  const props = s.properties ?? {};
  const keys = Object.keys(props);
  const rows: Row[] = [];
  for (const [key, sub] of Object.entries(props)) {
    const path = `${prefix}${key}`;
    const doc = commentOf(comments, keys, key) ?? sub.description ?? "";
    rows.push({ key: path, type: typeOf(sub, key), default: override?.(key) ?? defaultOf(sub, s.required?.includes(key) ?? false), doc });
    rows.push(...below(sub, path, key, comments));
  }
  return rows;
}

/** Rows under a key: an object's keys, a map's entries, a list's items, each branch of a union. */
function below(s: JsonSchema, path: string, key: string, comments: readonly CommentedObject[]): Row[] {
  if (s.properties) return objectRows(s, `${path}.`, comments);
  const value = mapValue(s);
  if (value) return below(value, `${path}.<${PLACEHOLDERS[key] ?? "name"}>`, key, comments);
  if (s.items) return below(s.items, `${path}[]`, key, comments);
  const branches = (s.anyOf ?? s.oneOf ?? []).filter((b) => b.properties);
  // A list of tagged objects (receivers): each branch's keys under the tag that picks it.
  return branches.flatMap((b) => {
    const tag = Object.entries(b.properties ?? {}).find(([, v]) => v.const !== undefined);
    return below(b, tag && branches.length > 1 ? `${path.replace(/\[\]$/, "")}[${tag[0]}=${String(tag[1].const)}]` : path, key, comments);
  });
}

const keyTable = (rows: readonly Row[]): string[] => table(["key", "type", "default", "what it does"], rows.map((r) => [code(r.key), r.type, r.default, r.doc]));

/**
 * One service entry: its placement keys from the editor's schema, then the app settings as the full app
 * spec states them, so a key required inside an object (a route's port) reads as required once merged.
 */
function serviceEntry(editor: JsonSchema): JsonSchema {
  const full = z.toJSONSchema(appSpecSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const fullProps = full.properties ?? {};
  const placement = Object.entries(editor.properties ?? {}).filter(([k]) => !(k in fullProps));
  const database: Record<string, JsonSchema> = fullProps.database ? { database: { anyOf: [fullProps.database, { const: false }] } } : {};
  return { ...full, properties: { ...Object.fromEntries(placement), ...fullProps, ...database }, required: [...(editor.required ?? []), ...(full.required ?? [])] };
}

function sectionsPart(comments: readonly CommentedObject[]): string[] {
  const config = (stackJsonSchema() as { properties: { config: JsonSchema } }).properties.config;
  const sections = Object.entries(config.properties ?? {}).filter(([k]) => k.startsWith("homelab:") && (config.properties?.[k] as { not?: unknown }).not === undefined && !(SECRET_KEYS as readonly string[]).includes(k));
  const names = sections.map(([k]) => k.slice("homelab:".length));
  const required = new Set(config.required ?? []);
  // A section of keys gets a heading of its own; a plain value (the domain) is described in its row.
  const inner = (s: JsonSchema): boolean => s.properties !== undefined || mapValue(s) !== undefined;
  const name = (k: string, s: JsonSchema): string => (inner(s) ? `[${code(k)}](#${headingAnchor(k)})` : code(k));
  const out: string[] = ["## Sections", "", ...table(["key", "type", "default", "what it holds"], sections.map(([k, s]) => [name(k, s), typeOf(s, k.slice("homelab:".length)), defaultOf(s, required.has(k)), commentOf(comments, names, k.slice("homelab:".length)) ?? ""])), ""];
  for (const [k, s] of sections) {
    if (!inner(s)) continue;
    out.push(`## ${k}`, "");
    if (k === "homelab:services") {
      const entry = serviceEntry(mapValue(s) ?? {});
      const fromCatalog = new Set((entry.required ?? []).filter((key) => !(mapValue(s)?.required ?? []).includes(key)));
      out.push(
        "Keys of one service entry, by the service's name. A key the entry leaves out takes its catalog app's value ([Catalog](#catalog)), else the default shown; " +
          `an app outside the catalog gives ${list([...fromCatalog].map(code), "and")} itself. "required" inside an object means required once the entry is merged over its catalog app.`,
        "",
      );
      out.push(...keyTable(objectRows(entry, "", comments, (key) => (fromCatalog.has(key) ? "from the catalog; required outside it" : undefined))), "");
    } else {
      out.push(...keyTable(below(s, "", k, comments).map((r) => ({ ...r, key: r.key.replace(/^\./, "") }))), "");
    }
  }
  return out;
}

const yesNo = (b: boolean): string => (b ? "yes" : "no");

function route(port: number, healthPath: string, exposure: string): string {
  return `${code(port)} ${exposure}, health ${code(healthPath)}`;
}

function appSummary(name: string, spec: AppSpec): string[] {
  const web = spec.web ? `${code(spec.web.port)} ${spec.web.exposure}` : "none";
  const db = spec.database ? `pool ${spec.database.pool}${spec.database.extensions.length > 0 ? `; ${spec.database.extensions.map(code).join(", ")}` : ""}` : "none";
  return [`[${name}](#${headingAnchor(name)})`, spec.role, String(spec.cores), String(spec.memoryMiB), String(spec.swapMiB), String(spec.diskGiB), `${spec.install.method} ${code(spec.install.version ?? "")}`, web, db, spec.firstBoot];
}

function appDetail(name: string, spec: AppSpec): string[] {
  const lines = [`### ${name}`, "", `${spec.description}.`, ""];
  const item = (label: string, text: string): void => void lines.push(`- ${label}: ${text}`);
  item("user", `${code(spec.user.name)} (uid ${spec.user.uid}, gid ${spec.user.gid})`);
  item("container", `template ${code(spec.template)}, unprivileged ${yesNo(spec.unprivileged)}, startup order ${spec.startupOrder}`);
  const features = Object.entries(spec.features).filter(([, on]) => on).map(([f]) => f);
  if (features.length > 0) item("features", features.join(", "));
  for (const [key, d] of Object.entries(spec.datasets)) {
    const extras = [d.excludes.length > 0 ? `excludes ${d.excludes.map(code).join(", ")}` : "", d.sqlite.length > 0 ? `SQLite ${d.sqlite.map(code).join(", ")}` : ""].filter(Boolean);
    item(`dataset ${code(key)}`, `${d.tier} tier, ${code(d.path)}, ${d.quotaGiB} GiB, ${d.content}, in the file backup: ${yesNo(backedUp(d))}, mode ${code(d.mode)}${extras.length > 0 ? `, ${extras.join(", ")}` : ""}`);
  }
  for (const [key, m] of Object.entries(spec.mounts)) item(`mount ${code(key)}`, m === false ? "dropped" : `at ${code(m.path)}${m.readOnly ? ", read-only" : ""}`);
  if (spec.web) item("web", route(spec.web.port, spec.web.healthPath, spec.web.exposure));
  for (const [sub, r] of Object.entries(spec.extraRoutes)) item(`route ${code(sub)}`, route(r.port, r.healthPath, r.exposure));
  if (spec.metrics.length > 0) item("metrics", spec.metrics.map((m) => `${code(m.port)} ${code(m.path)}`).join(", "));
  if (spec.database) item("database", `pool ${spec.database.pool}${spec.database.extensions.length > 0 ? `, extensions ${spec.database.extensions.map(code).join(", ")}` : ""}`);
  if (spec.statePaths.length > 0) item("state", spec.statePaths.map(code).join(", "));
  item("install", `${spec.install.method} ${code(spec.install.version ?? "")}`);
  if (spec.upgrade) {
    const rule = [spec.upgrade.oneMajorAtATime ? "one major at a time" : "", spec.upgrade.backupFirst ? "back up first" : ""].filter(Boolean).join(", ");
    item("major upgrades", `${rule}${spec.upgrade.note ? `${rule ? ": " : ""}${spec.upgrade.note}` : ""}`);
  }
  item("first boot", spec.firstBoot);
  if (spec.tags.length > 0) item("tags", spec.tags.join(", "));
  lines.push("");
  return lines;
}

function catalogPart(): string[] {
  const apps = Object.entries(catalog).map(([name, entry]) => [name, appSpecSchema.parse(entry, { jitless: true })] as const);
  return [
    "## Catalog",
    "",
    "Each catalog app's defaults: a service entry naming the app starts from these and overrides only what differs. " +
      "A dataset's tier is a class here (`fast`, `bulk`): the default tier of that class.",
    "",
    ...table(["app", "role", "cores", "memory MiB", "swap MiB", "disk GiB", "install", "web", "database", "first boot"], apps.map(([n, s]) => appSummary(n, s))),
    "",
    ...apps.flatMap(([n, s]) => appDetail(n, s)),
  ];
}

/** The whole page, byte for byte what `npm run docs` writes. */
export function stackReference(): string {
  const comments = schemaComments();
  const lines = [
    "<!-- Generated by `npm run docs` from config/schema/ and config/catalog.ts: edit those and regenerate, not this file. -->",
    "",
    "# Stack file reference",
    "",
    "For anyone writing `Pulumi.homelab.yaml`: every key the program reads, its type, its default and what it does, " +
      "and the defaults each catalog app brings. A key path like `tiers.<tier>.path` stands for your own names where it shows `<...>`. " +
      "How the file is checked and how a service entry builds on its catalog app: [Writing the stack file](configuration.md).",
    "",
    ...sectionsPart(comments),
    "## Secrets",
    "",
    "Never written in the stack file in plain text: set each with `pulumi config set --secret <key>`.",
    "",
    ...SECRET_KEYS.map((k) => `- ${code(k)}`),
    "",
    ...catalogPart(),
  ];
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

if (require.main === module) {
  const out = process.argv[2] ?? join(__dirname, "..", STACK_REFERENCE);
  writeFileSync(out, stackReference());
  process.stdout.write(`wrote ${out}\n`);
}
