/**
 * YAML for the files the components render (Traefik, Prometheus, Alertmanager, Grafana, compose):
 * block style, two-space indent, a sequence indented under its key, no line folding.
 *
 * It writes the bytes the `yaml` package writes with `stringify(value, { lineWidth: 0 })` (and, with
 * `strings: "double-quoted"`, with its `QUOTE_DOUBLE` default string type and plain keys), but for two
 * things: an object met twice is written twice where that library writes an anchor and an alias, and a
 * string of blanks and line breaks only is quoted where that library writes a block that does not read
 * back as the same string. The tests check this on every file the program renders and on generated
 * values. It is written here because that library first builds a document of nodes from the value and
 * then prints it: a plan spent more of its own time there than in validating the stack file.
 */

export interface YamlStyle {
  /**
   * How string values are written. `plain` (the default) leaves a string unquoted wherever YAML reads
   * it back as the same string; `double-quoted` quotes every string value. Keys stay plain either way.
   */
  readonly strings?: "plain" | "double-quoted";
}

/** Where a node is written. A pair's key and value and a sequence's items are one step in; those are made once per level. */
class Context {
  #key: Context | undefined;
  #inner: Context | undefined;
  constructor(
    readonly indent: string,
    /** Writing a mapping key: on one line, never a block scalar. */
    readonly implicitKey: boolean,
    readonly doubleQuoted: boolean,
    /** A block scalar at the root is indented one step, so that `---` in it cannot end the document. */
    readonly forceBlockIndent = false,
  ) {}

  /** A key one step in. */
  get key(): Context {
    return (this.#key ??= new Context(this.indent + STEP, true, this.doubleQuoted));
  }

  /** A value or a sequence item one step in. */
  get inner(): Context {
    return (this.#inner ??= new Context(this.indent + STEP, false, this.doubleQuoted));
  }
}

const STEP = "  ";
/** A key longer than this is written as an explicit `? key` (YAML limits implicit keys to 1024 characters). */
const MAX_IMPLICIT_KEY = 1024;
/** A double-quoted string shorter than this keeps its `\n` escapes on one line. */
const MIN_MULTILINE_QUOTED = 40;

/** Characters no plain or single-quoted scalar may hold: C0/C1 controls but tab and newline, DEL, lone surrogates. */
const NEEDS_ESCAPES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/**
 * What a plain scalar may not look like: an indicator first, `- ` or `? ` first, `: `, ` #`, white
 * space at either end, around a line break, or a trailing colon.
 */
const PLAIN_UNSAFE = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** A line a YAML 1.1 reader would take for a directive or a document boundary. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** Plain text the YAML 1.2 core schema reads as null, a boolean, an integer or a float instead of a string. */
const CORE_SCHEMA_NON_STRING =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)?$/;
/** Nothing but spaces, tabs and line breaks, with a space or a tab among them. */
const BLANKS_ONLY = /^[\n\t ]*[\t ][\n\t ]*$/;
/** Line breaks inside a block scalar's trailing ones, which take the indent. */
const BLOCK_END_BREAKS = /(^|(?<!\n))\n+(?!\n|$)/g;
/** JSON's `\u00XX` escapes that YAML writes shorter. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = { "0000": "\\0", "0007": "\\a", "000b": "\\v", "001b": "\\e" };

/**
 * The value as a YAML document, ending in a newline. It takes what JSON takes: plain objects (a key
 * whose value is undefined is left out), arrays, strings, numbers, booleans and null; anything else
 * is an error.
 */
export function toYaml(value: unknown, style: YamlStyle = {}): string {
  return `${node(value, new Context("", false, style.strings === "double-quoted"), [])}\n`;
}

/** `open` holds the collections being written, outermost first. */
function node(value: unknown, ctx: Context, open: object[]): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return number(value);
    case "string":
      return scalar(value, ctx);
    case "object": {
      if (open.includes(value)) throw new TypeError("cannot write a value that contains itself as YAML");
      const array = Array.isArray(value);
      const proto = Object.getPrototypeOf(value) as unknown;
      if (!array && proto !== Object.prototype && proto !== null) throw new TypeError(`cannot write a ${(value as object).constructor.name} as YAML, only plain objects and arrays`);
      open.push(value);
      const text = array ? sequence(value as readonly unknown[], ctx, open) : mapping(value as Readonly<Record<string, unknown>>, ctx, open);
      open.pop();
      return text;
    }
    default:
      throw new TypeError(`cannot write a ${typeof value} as YAML`);
  }
}

function number(n: number): string {
  if (Number.isNaN(n)) return ".nan";
  if (!Number.isFinite(n)) return n < 0 ? "-.inf" : ".inf";
  return Object.is(n, -0) ? "-0" : JSON.stringify(n);
}

/** Items each on a `- ` line; their own lines one step in. */
function sequence(items: readonly unknown[], ctx: Context, open: object[]): string {
  if (items.length === 0) return "[]";
  const inner = ctx.inner;
  const lines: string[] = [];
  // Indexed, not mapped: a hole is written as null, like undefined.
  for (let i = 0; i < items.length; i++) lines.push(`- ${node(items[i], inner, open)}`);
  return lines.join(`\n${ctx.indent}`);
}

/** `key: value` lines at this indent; a key whose value is undefined is left out. */
function mapping(object: Readonly<Record<string, unknown>>, ctx: Context, open: object[]): string {
  const lines: string[] = [];
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value !== undefined) lines.push(pair(key, value, ctx, open));
  }
  return lines.length === 0 ? "{}" : lines.join(`\n${ctx.indent}`);
}

function pair(key: string, value: unknown, ctx: Context, open: object[]): string {
  const keyText = scalar(key, ctx.key);
  const explicit = keyText.length > MAX_IMPLICIT_KEY;
  const head = explicit ? `? ${keyText}\n${ctx.indent}:` : `${keyText}:`;
  const inner = ctx.inner;
  const valueText = node(value, inner, open);
  // A collection with items starts on the next line, one step in; a scalar, `{}` or `[]` follows the colon.
  const block = !explicit && typeof value === "object" && value !== null && valueText !== "{}" && valueText !== "[]";
  return `${head}${block ? `\n${inner.indent}` : " "}${valueText}`;
}

function scalar(value: string, ctx: Context): string {
  if (NEEDS_ESCAPES.test(value)) return doubleQuoted(value, ctx);
  return ctx.doubleQuoted && !ctx.implicitKey ? doubleQuoted(value, ctx) : plain(value, ctx);
}

function plain(value: string, ctx: Context): string {
  const multiline = value.includes("\n");
  if (ctx.implicitKey && multiline) return quoted(value, ctx);
  if (PLAIN_UNSAFE.test(value)) return ctx.implicitKey || !multiline ? quoted(value, ctx) : block(value, ctx);
  if (multiline) return block(value, ctx);
  if (DOCUMENT_MARKER.test(value)) {
    if (ctx.indent === "") return block(value, new Context(ctx.indent, ctx.implicitKey, ctx.doubleQuoted, true));
    if (ctx.implicitKey && ctx.indent === STEP) return quoted(value, ctx);
  }
  return CORE_SCHEMA_NON_STRING.test(value) ? quoted(value, ctx) : value;
}

/** Single quotes for a string with double quotes and no single ones; double quotes otherwise. */
function quoted(value: string, ctx: Context): string {
  return value.includes('"') && !value.includes("'") ? singleQuoted(value, ctx) : doubleQuoted(value, ctx);
}

function singleQuoted(value: string, ctx: Context): string {
  // A line break next to a space or tab cannot be kept in single quotes.
  if ((ctx.implicitKey && value.includes("\n")) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, ctx);
  const indent = ctx.indent || (DOCUMENT_MARKER.test(value) ? STEP : "");
  return `'${value.replace(/'/g, "''").replace(/\n+/g, (breaks) => `${breaks}\n${indent}`)}'`;
}

/**
 * JSON's escaping, with YAML's shorter escapes for a few controls. Outside a key, a string of some
 * length writes its line breaks as real (folded) ones, escaping a space at either side of a break.
 */
function doubleQuoted(value: string, ctx: Context): string {
  const json = JSON.stringify(value);
  // Without an escape there is nothing to shorten or fold.
  if (!json.includes("\\")) return json;
  const indent = ctx.indent || (DOCUMENT_MARKER.test(value) ? STEP : "");
  const foldBreaks = !ctx.implicitKey && json.length >= MIN_MULTILINE_QUOTED;
  let out = "";
  let copied = 0;
  for (let i = 0; i < json.length; i++) {
    if (json[i] === " " && json[i + 1] === "\\" && json[i + 2] === "n") {
      // A space before a break would be folded away: escape it.
      out += `${json.slice(copied, i)}\\ `;
      i += 1;
      copied = i;
    }
    if (json[i] !== "\\") continue;
    const escaped = json[i + 1];
    if (escaped === "u") {
      const code = json.slice(i + 2, i + 6);
      out += json.slice(copied, i) + (SHORT_ESCAPES[code] ?? (code.startsWith("00") ? `\\x${code.slice(2)}` : json.slice(i, i + 6)));
      i += 5;
      copied = i + 1;
    } else if (escaped === "n" && foldBreaks && json[i + 2] !== '"') {
      // Folding turns a line break into a space, so n breaks are written as n + 1 line breaks.
      out += `${json.slice(copied, i)}\n\n`;
      while (json[i + 2] === "\\" && json[i + 3] === "n" && json[i + 4] !== '"') {
        out += "\n";
        i += 2;
      }
      out += indent;
      // A space after a break would be taken for indentation: escape it.
      if (json[i + 2] === " ") out += "\\";
      i += 1;
      copied = i + 1;
    } else {
      i += 1;
    }
  }
  return copied > 0 ? out + json.slice(copied) : json;
}

/** A literal block scalar (`|`), with its chomping and, for leading spaces, its indentation indicator. */
function block(value: string, ctx: Context): string {
  // Trailing white space on the last line cannot be kept in a block, nor a block of blank lines only
  // (the yaml package writes "  \n" as `|+` and a line of spaces, which reads back as "\n").
  if (/\n[\t ]+$/.test(value) || BLANKS_ONLY.test(value)) return quoted(value, ctx);
  const indent = ctx.indent || (ctx.forceBlockIndent || DOCUMENT_MARKER.test(value) ? STEP : "");
  let body = value;
  let bodyEnd = body.length;
  while (bodyEnd > 0 && "\n\t ".includes(body[bodyEnd - 1] ?? "")) bodyEnd--;
  let end = body.slice(bodyEnd);
  const endBreak = end.indexOf("\n");
  const chomp = endBreak === -1 ? "-" : body === end || endBreak !== end.length - 1 ? "+" : "";
  if (end) {
    body = body.slice(0, -end.length);
    if (end.endsWith("\n")) end = end.slice(0, -1);
    end = end.replace(BLOCK_END_BREAKS, (breaks) => `${breaks}${indent}`);
  }
  let leadingSpace = false;
  let lastLeadingBreak = -1;
  let firstText = 0;
  for (; firstText < body.length; firstText++) {
    const ch = body[firstText];
    if (ch === " ") leadingSpace = true;
    else if (ch === "\n") lastLeadingBreak = firstText;
    else break;
  }
  let start = body.slice(0, lastLeadingBreak < firstText ? lastLeadingBreak + 1 : firstText);
  if (start) {
    body = body.slice(start.length);
    start = start.replace(/\n+/g, (breaks) => `${breaks}${indent}`);
  }
  const header = `${leadingSpace ? (indent ? "2" : "1") : ""}${chomp}`;
  return `|${header}\n${indent}${start}${body.replace(/\n+/g, (breaks) => `${breaks}${indent}`)}${end}`;
}
