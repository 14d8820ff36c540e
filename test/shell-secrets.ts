import { createRequire } from "node:module";

/**
 * Where a secret goes once a script has read it. A process's argument list is world-readable
 * (/proc/<pid>/cmdline), its environment is not (/proc/<pid>/environ is its owner's), so a value read
 * from a secret file may reach builtins (printf, echo, test, read, export, local), redirections and
 * here-documents (stdin), the scripts' own functions, and the environment of a command (`VAR=$x cmd`),
 * but never a word of an external command. The scripts are parsed with mvdan/sh's parser (the
 * `mvdan-sh` package, the parser behind shfmt), so quoting, command substitutions, here-documents and
 * nested `sh -c` scripts are read as bash reads them, not guessed from the text.
 */

/** The few mvdan/sh syntax nodes this reads (mvdan.cc/sh/v3/syntax). */
interface Node {
  Pos(): { Line(): number };
}
interface Lit extends Node {
  Value: string;
}
interface Word extends Node {
  Parts: WordPart[];
}
type WordPart = Node & { Value?: string; Parts?: WordPart[]; Param?: Lit; Stmts?: Stmt[]; Exp?: { Word?: Word | null } | null; Repl?: { Orig?: Word | null; With?: Word | null } | null };
interface Assign extends Node {
  Name: Lit | null;
  Value: Word | null;
  Array: { Elems: { Value: Word | null }[] } | null;
}
interface Redirect extends Node {
  Op: number;
  Word: Word | null;
  Hdoc: Word | null;
}
interface Stmt extends Node {
  Cmd: Node | null;
  Redirs: Redirect[];
}
interface CallExpr extends Node {
  Assigns: Assign[];
  Args: Word[];
}
interface FuncDecl extends Node {
  Name: Lit;
  Body: Stmt;
}
interface Syntax {
  NewParser(): { Parse(src: string, name: string): Node };
  Walk(node: Node, visit: (node: Node | null) => boolean): void;
  NodeType(node: Node): string;
}

// The package is GopherJS output that sets Error.stackTraceLimit to Infinity when it loads.
const limit = Error.stackTraceLimit;
const { syntax } = createRequire(__filename)("mvdan-sh") as { syntax: Syntax };
Error.stackTraceLimit = limit;

/** The parser's numbers for the redirection operators, read from the parser itself. */
const OP = (() => {
  const ops: number[] = [];
  syntax.Walk(syntax.NewParser().Parse("x <a\nx <<<b\nx <<E\nE\nx <<-E\nE\n", "ops"), (n) => {
    if (n && syntax.NodeType(n) === "Redirect") ops.push((n as Redirect).Op);
    return true;
  });
  const [read, hereString, heredoc, heredocTabs] = ops;
  return { read, hereString, heredoc, heredocTabs };
})();

const BUILTINS = new Set([
  "printf", "echo", "test", "[", "read", "mapfile", "readarray", "local", "declare", "typeset", "export", "readonly",
  "unset", "return", "exit", "shift", "set", "cd", "pushd", "popd", ":", "true", "false", "wait", "trap", "let",
  "break", "continue", "getopts", "umask", "shopt", "hash", "type", "source", ".",
]);
/** Commands that print a file named in their arguments; `dirname "$path"` or `mkdir "$path"` read nothing. */
const READERS = new Set(["cat", "head", "tail", "tac", "sed", "awk", "grep", "cut", "base64", "od", "xxd", "jq", "sort", "uniq", "tr", "strings"]);
/** Builtins that run their first argument as a command: the words after them are that command's argv. */
const RUNS_NEXT_WORD = new Set(["command", "exec", "builtin", "nohup", "time"]);

/** A file whose content is a secret: the whole of it, or the named keys of a KEY=value file. */
export interface SecretFile {
  readonly path: string;
  /** For a KEY=value file, the keys whose values are secret; undefined when the whole file is. */
  readonly keys?: readonly string[];
}

export interface Script {
  /** Where it comes from, for messages: the resource and the input, or the file it was pushed to. */
  readonly label: string;
  readonly text: string;
}

export interface Leak {
  readonly script: string;
  readonly line: number;
  readonly command: string;
  readonly variable: string;
}

const nodeType = (n: Node): string => syntax.NodeType(n);

/** The word's text when it is all literal (quotes removed), else undefined. */
function literal(word: Word | null | undefined, known: ReadonlyMap<string, string> = new Map()): string | undefined {
  if (!word) return undefined;
  let out = "";
  for (const part of word.Parts) {
    const t = nodeType(part);
    if (t === "Lit" || t === "SglQuoted") out += part.Value ?? "";
    else if (t === "DblQuoted") {
      const inner = literal({ Parts: part.Parts ?? [] } as unknown as Word, known);
      if (inner === undefined) return undefined;
      out += inner;
    } else if (t === "ParamExp" && part.Param && !part.Exp && !part.Repl && known.has(part.Param.Value)) out += known.get(part.Param.Value);
    else return undefined;
  }
  return out;
}

/** Every node below `root`, each with its ancestors (innermost last). */
function walk(root: Node, visit: (node: Node, ancestors: readonly Node[]) => void): void {
  const stack: Node[] = [];
  syntax.Walk(root, (n) => {
    if (n === null) {
      stack.pop();
      return true;
    }
    visit(n, stack);
    stack.push(n);
    return true;
  });
}

/** Variables and positional parameters a word expands, with the function whose parameters `$1` names. */
function references(word: Word | null | undefined): string[] {
  if (!word) return [];
  const names: string[] = [];
  walk(word, (n) => {
    if (nodeType(n) === "ParamExp") {
      const p = (n as WordPart).Param;
      if (p) names.push(p.Value);
    }
  });
  return names;
}

const isPositional = (name: string): boolean => /^([0-9]+|@|\*)$/.test(name);

/** A word as the analysis needs it: its literal text, the variables it expands, whether it reads a secret file. */
interface WordFacts {
  readonly literal: string | undefined;
  readonly refs: readonly string[];
  readonly readsSecret: boolean;
  readonly line: number;
}

/** A simple command: its words, the function it is in, and the secret file its statement (or a loop around it) reads on stdin. */
interface CallFacts {
  readonly fn: string;
  readonly line: number;
  readonly args: readonly WordFacts[];
  readonly stdinSecret: SecretFile | undefined;
}

interface AssignFacts {
  readonly name: string;
  readonly fn: string;
  readonly values: readonly WordFacts[];
}

/**
 * One script, walked once into plain facts (the parser's nodes are slow to visit), then tainted to a
 * fixpoint: a variable is tainted by any assignment from a tainted word, anywhere in the script.
 */
class Analysis {
  /** Tainted variables, globally by name; positional parameters as `<function>:<n>`. */
  readonly tainted = new Set<string>();
  /** Scripts this one runs, labelled by where they stand in it (the caller prefixes its own label). */
  readonly nested: Script[] = [];
  private readonly known = new Map<string, string>();
  private readonly functions = new Set<string>();
  private readonly calls: CallFacts[] = [];
  private readonly assigns: AssignFacts[] = [];
  private readonly secrets: ReadonlyMap<string, SecretFile>;

  constructor(file: Node, secrets: readonly SecretFile[]) {
    this.secrets = new Map(secrets.map((f) => [f.path, f]));
    this.collectKnown(file);
    this.collect(file);
    for (let changed = true; changed; ) changed = this.propagate();
  }

  /** Variables assigned one literal path, once (`path=/etc/x`), to follow `cat "$path"`. */
  private collectKnown(file: Node): void {
    const assigned = new Map<string, string[]>();
    walk(file, (n) => {
      if (nodeType(n) !== "Assign") return;
      const a = n as Assign;
      if (!a.Name) return;
      assigned.set(a.Name.Value, [...(assigned.get(a.Name.Value) ?? []), literal(a.Value) ?? "\0"]);
    });
    for (const [name, values] of assigned) if (values.length === 1 && values[0]?.startsWith("/")) this.known.set(name, values[0]);
  }

  private secretAt(word: Word | null | undefined): SecretFile | undefined {
    const path = literal(word, this.known);
    return path === undefined ? undefined : this.secrets.get(path);
  }

  private facts(word: Word): WordFacts {
    let readsSecret = false;
    walk(word, (n) => {
      const t = nodeType(n);
      const args = t === "CallExpr" ? (n as CallExpr).Args : [];
      if (READERS.has(literal(args[0]) ?? "") && args.slice(1).some((a) => this.secretAt(a))) readsSecret = true;
      if (t === "Redirect" && (n as Redirect).Op === OP.read && this.secretAt((n as Redirect).Word)) readsSecret = true;
    });
    return { literal: literal(word, this.known), refs: references(word), readsSecret, line: word.Pos().Line() };
  }

  private collect(file: Node): void {
    walk(file, (n, ancestors) => {
      const t = nodeType(n);
      if (t === "FuncDecl") this.functions.add((n as FuncDecl).Name.Value);
      const fn = functionOf(ancestors);
      if (t === "Assign") {
        const a = n as Assign;
        const values = [a.Value, ...(a.Array?.Elems.map((e) => e.Value) ?? [])].filter((v): v is Word => v !== null);
        if (a.Name) this.assigns.push({ name: a.Name.Value, fn, values: values.map((v) => this.facts(v)) });
      }
      if (t !== "CallExpr") return;
      const call = n as CallExpr;
      this.calls.push({ fn, line: n.Pos().Line(), args: call.Args.map((w) => this.facts(w)), stdinSecret: this.stdinSecret(ancestors) });
      this.nestedScripts(call.Args, ancestors, n);
    });
  }

  /** The secret file a statement, or a loop around it, reads on stdin. */
  private stdinSecret(ancestors: readonly Node[]): SecretFile | undefined {
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const a = ancestors[i];
      if (!a || nodeType(a) !== "Stmt") continue;
      for (const r of (a as Stmt).Redirs) if (r.Op === OP.read) return this.secretAt(r.Word);
    }
    return undefined;
  }

  private refTainted(name: string, fn: string): boolean {
    return isPositional(name) ? this.tainted.has(`${fn}:${name}`) || this.tainted.has(`${fn}:@`) : this.tainted.has(name);
  }

  /** Whether a word's expansion can carry a secret: a tainted variable, or a command substitution that reads one. */
  private wordTainted(word: WordFacts, fn: string): boolean {
    return word.readsSecret || word.refs.some((r) => this.refTainted(r, fn));
  }

  private taint(name: string): boolean {
    if (this.tainted.has(name)) return false;
    this.tainted.add(name);
    return true;
  }

  /** Taints what a read of the secret file defines: its secret keys, or the given names for a whole-file secret. */
  private taintRead(file: SecretFile, names: readonly string[]): boolean {
    let changed = false;
    for (const n of file.keys ?? names) changed = this.taint(n) || changed;
    return changed;
  }

  private propagate(): boolean {
    let changed = false;
    for (const a of this.assigns) if (a.values.some((v) => this.wordTainted(v, a.fn))) changed = this.taint(a.name) || changed;
    for (const call of this.calls) {
      const words = call.args.map((w) => w.literal);
      const [name] = words;
      if ((name === "read" || name === "mapfile" || name === "readarray") && call.stdinSecret) {
        const targets = words.slice(1).filter((w): w is string => w !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w));
        changed = this.taintRead(call.stdinSecret, targets) || changed;
      }
      if (name === "." || name === "source") {
        const path = words[1];
        const file = path === undefined ? undefined : this.secrets.get(path);
        if (file) changed = this.taintRead(file, []) || changed;
      }
      if (name === "printf" && words[1] === "-v" && words[2] !== undefined && call.args.slice(3).some((w) => this.wordTainted(w, call.fn))) changed = this.taint(words[2]) || changed;
      if (name !== undefined && this.functions.has(name)) {
        call.args.slice(1).forEach((w, i) => {
          if (this.wordTainted(w, call.fn)) changed = this.taint(`${name}:${i + 1}`) || changed;
        });
      }
    }
    return changed;
  }

  /** Every word of an external command that can carry a secret; `label` names the script in each. */
  leaks(label: string): Leak[] {
    const found: Leak[] = [];
    for (const call of this.calls) {
      let args = call.args;
      while (args.length > 0 && RUNS_NEXT_WORD.has(args[0]?.literal ?? "")) args = args.slice(1);
      const name = args[0]?.literal ?? "";
      if (args.length === 0 || (BUILTINS.has(name) && !RUNS_NEXT_WORD.has(name)) || this.functions.has(name)) continue;
      args.forEach((w, i) => {
        if (!this.wordTainted(w, call.fn)) return;
        const variable = w.refs.find((r) => this.refTainted(r, call.fn)) ?? "a secret file's content";
        found.push({ script: label, line: w.line, command: i === 0 ? "(the command name itself)" : name, variable });
      });
      if (name === "eval" && args.some((w) => this.wordTainted(w, call.fn))) found.push({ script: label, line: call.line, command: "eval", variable: "its argument" });
    }
    return found;
  }

  /** `sh -c 'script'` and `bash -s <<EOF ... EOF` hold scripts of their own. */
  private nestedScripts(args: readonly Word[], ancestors: readonly Node[], call: Node): void {
    const words = args.map((w) => literal(w));
    words.forEach((w, i) => {
      if ((w === "sh" || w === "bash" || w?.endsWith("/sh") || w?.endsWith("/bash")) && words[i + 1] === "-c") {
        const inner = words[i + 2];
        if (inner !== undefined) this.nested.push({ label: `${w} -c (line ${call.Pos().Line()})`, text: inner });
      }
    });
    const shell = words.find((w) => w === "sh" || w === "bash");
    const parent = ancestors[ancestors.length - 1];
    if (!shell || !parent || nodeType(parent) !== "Stmt") return;
    for (const r of (parent as Stmt).Redirs) {
      if ((r.Op === OP.heredoc || r.Op === OP.heredocTabs) && r.Hdoc) {
        const body = literal(r.Hdoc);
        if (body !== undefined) this.nested.push({ label: `${shell} here-document (line ${call.Pos().Line()})`, text: body });
      }
    }
  }
}

/** The function whose body holds the node, or "" at the top level. */
function functionOf(ancestors: readonly Node[]): string {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i];
    if (a && nodeType(a) === "FuncDecl") return (a as FuncDecl).Name.Value;
  }
  return "";
}

/** Every place in `script` (and the scripts it runs) where a secret can reach another process's argv. */
export function secretLeaks(script: Script, secrets: readonly SecretFile[]): Leak[] {
  const analysis = analysed(script.text, secrets);
  return [...analysis.leaks(script.label), ...analysis.nested.flatMap((s) => secretLeaks({ label: `${script.label} > ${s.label}`, text: s.text }, secrets))];
}

/** How many variables a script taints with secrets, so a proof can show it followed something. */
export function secretReads(script: Script, secrets: readonly SecretFile[]): number {
  const analysis = analysed(script.text, secrets);
  return analysis.tainted.size + analysis.nested.reduce((sum, s) => sum + secretReads(s, secrets), 0);
}

/**
 * Analyses by script text and secret files: walking the parser's tree costs some 15 µs a node, and
 * many commands (the example's and the cluster's, each dataset's, each secret file's) run the same script.
 */
const analyses = new Map<string, Analysis>();
function analysed(text: string, secrets: readonly SecretFile[]): Analysis {
  const key = JSON.stringify([text, secrets]);
  let analysis = analyses.get(key);
  if (analysis === undefined) {
    analysis = new Analysis(syntax.NewParser().Parse(text, "script"), secrets);
    analyses.set(key, analysis);
  }
  return analysis;
}

/** The scripts a here-document of base64 carries into a file (`base64 -d <<'EOF' | put_file PATH ...`), decoded. */
export function pushedFiles(script: Script): { path: string; mode: string; content: string }[] {
  const files: { path: string; mode: string; content: string }[] = [];
  walk(syntax.NewParser().Parse(script.text, script.label), (n) => {
    if (nodeType(n) !== "BinaryCmd") return;
    const x = (n as unknown as { X: Stmt; Y: Stmt }).X;
    const y = (n as unknown as { X: Stmt; Y: Stmt }).Y;
    const decode = x.Cmd && nodeType(x.Cmd) === "CallExpr" ? (x.Cmd as CallExpr).Args.map((w) => literal(w)) : [];
    const put = y.Cmd && nodeType(y.Cmd) === "CallExpr" ? (y.Cmd as CallExpr).Args.map((w) => literal(w)) : [];
    const body = x.Redirs.find((r) => r.Op === OP.heredoc && r.Hdoc)?.Hdoc;
    if (decode[0] !== "base64" || decode[1] !== "-d" || put[0] !== "put_file" || !body) return;
    const text = literal(body);
    if (text === undefined || put[1] === undefined) return;
    files.push({ path: put[1], mode: put[2] ?? "", content: Buffer.from(text.replace(/\s+/g, ""), "base64").toString("utf8") });
  });
  return files;
}
