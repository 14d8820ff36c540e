import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { catalog } from "../config";
import { appSpecSchema } from "../config/schema";
import { stackJsonSchema } from "../src/schema";
import { commentOf, type CommentedObject } from "../src/schema-comments";
import { STACK_REFERENCE, stackReference } from "../src/stack-reference";
import { ROOT } from "./harness";

interface Row {
  readonly type: string;
  readonly default: string;
  readonly doc: string;
}

/** The key tables of the reference, by section heading, then by key. */
function keyTables(markdown: string): Map<string, Map<string, Row>> {
  const sections = new Map<string, Map<string, Row>>();
  let current = new Map<string, Row>();
  for (const line of markdown.split("\n")) {
    const heading = /^## (.*)$/.exec(line)?.[1];
    if (heading !== undefined) sections.set(heading, (current = new Map()));
    // Cells split on pipes that are not escaped; a key cell is one code span.
    const cells = line.startsWith("| `") ? line.slice(2, -2).split(/ (?<!\\)\| /) : [];
    const [key, type, dflt, doc] = cells;
    if (key !== undefined && type !== undefined && dflt !== undefined && doc !== undefined) current.set(key.replace(/^`|`$/g, ""), { type, default: dflt, doc });
  }
  return sections;
}

const generated = stackReference();
const tables = keyTables(generated);
const row = (section: string, key: string): Row | undefined => tables.get(section)?.get(key);

test("docs/stack-file.md is what `npm run docs` generates from the schema and the catalog", () => {
  const committed = readFileSync(join(ROOT, STACK_REFERENCE), "utf8");
  if (committed !== generated) {
    const a = committed.split("\n");
    const b = generated.split("\n");
    const at = a.findIndex((line, i) => line !== b[i]);
    assert.fail(`${STACK_REFERENCE} is stale: run \`npm run docs\` and commit the result (first difference at line ${at + 1}: ${JSON.stringify(b[at] ?? "")})`);
  }
  assert.equal(stackReference(), generated, "the same schema gives the same bytes");
});

test("the reference has a row for every key of every section, down through objects, maps and lists", () => {
  interface Json { properties?: Record<string, Json>; additionalProperties?: Json | boolean; items?: Json }
  // Map entries are written `<name>`, list items `[]`; the test reads any name as a map entry.
  const under = (s: Json, path: string): string[] => {
    if (s.properties) return Object.entries(s.properties).flatMap(([k, v]) => [`${path}${k}`, ...under(v, `${path}${k}.`)]);
    if (typeof s.additionalProperties === "object") return under(s.additionalProperties, path.replace(/\.$/, ".<*>."));
    return s.items ? under(s.items, path.replace(/\.$/, "[].")) : [];
  };
  const config = (stackJsonSchema() as { properties: { config: { properties: Record<string, Json> } } }).properties.config.properties;
  for (const section of ["proxmox", "network", "storage", "services", "postgres", "ingress", "backup", "monitoring"]) {
    const rows = new Set([...(tables.get(`homelab:${section}`)?.keys() ?? [])].map((k) => k.replace(/<[a-z]+>/g, "<*>")));
    const schema = config[`homelab:${section}`] ?? {};
    const keys = section === "services" ? under((schema.additionalProperties ?? {}) as Json, "") : under(schema, "");
    assert.ok(keys.length >= 8, `${section}: ${keys.length} keys`);
    for (const key of keys) assert.ok(rows.has(key), `homelab:${section}: ${key} has no row`);
  }
});

test("each key's row gives its type, its default and its doc comment", () => {
  assert.deepEqual(row("homelab:proxmox", "parallelCreates"), {
    type: "integer, 1 to 8",
    default: "`2`",
    doc: "Containers created at once; Proxmox fails concurrent creates with lock timeouts. Defaults to 2.",
  });
  assert.deepEqual(row("homelab:proxmox", "templates.<template>.checksum"), {
    type: "string",
    default: "required",
    doc: "Checksum that pins the exact archive; a changed upstream file fails the download.",
  });
  assert.equal(row("homelab:proxmox", "ha")?.default, "its keys' defaults");
  assert.equal(row("homelab:network", "adminCidrs")?.default, "optional");
  assert.equal(row("homelab:backup", "schedules.prune")?.default, "`Sun *-*-* 05:00:00`");
  assert.equal(row("homelab:ingress", "lanDns.format")?.type, "one of `dnsmasq` or `hosts`");
  // A union of tagged objects gets each branch's keys under its tag.
  assert.equal(row("homelab:monitoring", "receivers[type=email].smarthost")?.doc, "SMTP server as host:port.");
  // Placeholders stay text, not HTML, outside code spans.
  assert.match(row("homelab:services", "install.file")?.doc ?? "", /apps\/&lt;service&gt;\/compose\.yaml/);
});

test("a service entry's app keys say the catalog fills them, and a key without a comment of its own takes its schema's", () => {
  for (const key of ["cores", "memoryMiB", "diskGiB", "user", "install"]) assert.equal(row("homelab:services", key)?.default, "from the catalog; required outside it", key);
  assert.equal(row("homelab:services", "vmId")?.default, "required");
  assert.equal(row("homelab:services", "database")?.type, "object or `false`");
  assert.equal(row("homelab:services", "database.pool")?.default, "required");
  assert.equal(row("homelab:services", "mounts")?.type, "map of dataset to object or `false`");
  assert.match(row("homelab:services", "firstBoot")?.doc ?? "", /^How an app's first administrator comes to exist\./);
  assert.match(row("homelab:services", "web.exposure")?.doc ?? "", /^Who may reach a route/);
});

test("every catalog app is listed with the defaults it brings", () => {
  const summary = (app: string): string | undefined => generated.split("\n").find((l) => l.startsWith(`| [${app}](#${app}) |`));
  assert.equal(summary("immich"), "| [immich](#immich) | app | 4 | 6144 | 512 | 24 | compose `v3.3.1` | `2283` public | pool 10; `vector`, `vchord`, `cube`, `earthdistance` | wizard |");
  for (const [app, entry] of Object.entries(catalog)) {
    const spec = appSpecSchema.parse(entry);
    const cells = summary(app)?.split(" | ");
    assert.deepEqual(cells?.slice(1, 7), [spec.role, String(spec.cores), String(spec.memoryMiB), String(spec.swapMiB), String(spec.diskGiB), `${spec.install.method} \`${spec.install.version}\``], app);
    assert.ok(generated.includes(`\n### ${app}\n`), `${app} has its own section`);
  }
  assert.ok(generated.includes("- dataset `library`: bulk tier, `/data/immich/library`, 4000 GiB, photos, in the file backup: yes, mode `0750`, excludes `thumbs/**`, `encoded-video/**`"));
  assert.ok(generated.includes("- mount `media`: at `/media`, read-only"));
});

test("a key is documented by the literal with exactly its object's keys, and two literals that disagree stop the generation", () => {
  const literal = (at: string, keys: string[], comments: Record<string, string>): CommentedObject => ({ at, keys: new Set(keys), comments: new Map(Object.entries(comments)) });
  const route = literal("a.ts:1", ["port", "path"], { path: "Path of the metrics endpoint." });
  const mount = literal("b.ts:2", ["path", "readOnly"], { path: "Mount point inside the container." });
  assert.equal(commentOf([route, mount], ["path", "readOnly"], "path"), "Mount point inside the container.");
  // An extended schema has no literal of its own: the literals it is made of document it.
  assert.equal(commentOf([mount, literal("c.ts:3", ["app"], { app: "Catalog app." })], ["app", "path", "readOnly"], "app"), "Catalog app.");
  assert.throws(() => commentOf([mount, literal("d.ts:4", ["path", "readOnly"], { path: "Something else." })], ["path", "readOnly"], "path"), /'path' has different doc comments in b\.ts:2 and d\.ts:4/);
});
