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

class Analysis {
  /** Tainted variables, globally by name; positional parameters as `<function>:<n>`. */
  readonly tainted = new Set<string>();
  /** Variables assigned a single literal path once (`path=/etc/x`), to follow `cat "$path"`. */
  readonly known = new Map<string, string>();
  readonly functions = new Map<string, FuncDecl>();
  readonly nested: Script[] = [];
  private readonly secrets: ReadonlyMap<string, SecretFile>;

  constructor(
    private readonly file: Node,
    private readonly label: string,
    secrets: readonly SecretFile[],
  ) {
    this.secrets = new Map(secrets.map((s) => [s.path, s]));
    this.collect();
    for (let changed = true; changed; ) changed = this.propagate();
  }

  private collect(): void {
    const assigned = new Map<string, string[]>();
    walk(this.file, (n) => {
      const t = nodeType(n);
      if (t === "FuncDecl") this.functions.set((n as FuncDecl).Name.Value, n as FuncDecl);
      if (t === "Assign") {
        const a = n as Assign;
        if (!a.Name) return;
        const list = assigned.get(a.Name.Value) ?? [];
        list.push(literal(a.Value) ?? "\0");
        assigned.set(a.Name.Value, list);
      }
    });
    for (const [name, values] of assigned) if (values.length === 1 && values[0]?.startsWith("/")) this.known.set(name, values[0]);
  }

  private functionOf(ancestors: readonly Node[]): string {
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const a = ancestors[i];
      if (a && nodeType(a) === "FuncDecl") return (a as FuncDecl).Name.Value;
    }
    return "";
  }

  private refTainted(name: string, fn: string): boolean {
    return isPositional(name) ? this.tainted.has(`${fn}:${name}`) || this.tainted.has(`${fn}:@`) : this.tainted.has(name);
  }

  private secretRead(word: Word | null | undefined): SecretFile | undefined {
    const path = literal(word, this.known);
    return path === undefined ? undefined : this.secrets.get(path);
  }

  /** Whether a word's expansion can carry a secret: a tainted variable, or a command substitution that reads one. */
  wordTainted(word: Word | null | undefined, fn: string): boolean {
    if (!word) return false;
    if (references(word).some((r) => this.refTainted(r, fn))) return true;
    let reads = false;
    walk(word, (n) => {
      const t = nodeType(n);
      const args = t === "CallExpr" ? (n as CallExpr).Args : [];
      if (READERS.has(literal(args[0]) ?? "") && args.slice(1).some((a) => this.secretRead(a))) reads = true;
      if (t === "Redirect" && (n as Redirect).Op === OP.read && this.secretRead((n as Redirect).Word)) reads = true;
    });
    return reads;
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

  /** The secret file a statement, or a loop around it, reads on stdin. */
  private stdinSecret(ancestors: readonly Node[]): SecretFile | undefined {
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const a = ancestors[i];
      if (!a || nodeType(a) !== "Stmt") continue;
      for (const r of (a as Stmt).Redirs) if (r.Op === OP.read) return this.secretRead(r.Word);
    }
    return undefined;
  }

  private propagate(): boolean {
    let changed = false;
    walk(this.file, (n, ancestors) => {
      const t = nodeType(n);
      const fn = this.functionOf(ancestors);
      if (t === "Assign") {
        const a = n as Assign;
        const values = [a.Value, ...(a.Array?.Elems.map((e) => e.Value) ?? [])];
        if (a.Name && values.some((v) => this.wordTainted(v, fn))) changed = this.taint(a.Name.Value) || changed;
        return;
      }
      if (t !== "CallExpr") return;
      const call = n as CallExpr;
      const words = call.Args.map((w) => literal(w, this.known));
      const [name] = words;
      if (name === "read" || name === "mapfile" || name === "readarray") {
        const file = this.stdinSecret(ancestors);
        const targets = words.slice(1).filter((w): w is string => w !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w));
        if (file) changed = this.taintRead(file, targets) || changed;
      }
      if (name === "." || name === "source") {
        const file = this.secretRead(call.Args[1]);
        if (file) changed = this.taintRead(file, []) || changed;
      }
      if (name === "printf" && words[1] === "-v" && words[2] !== undefined && call.Args.slice(3).some((w) => this.wordTainted(w, fn))) changed = this.taint(words[2]) || changed;
      const callee = name === undefined ? undefined : this.functions.get(name);
      if (callee) {
        call.Args.slice(1).forEach((w, i) => {
          if (this.wordTainted(w, fn)) changed = this.taint(`${name}:${i + 1}`) || changed;
        });
      }
    });
    return changed;
  }

  /** Every word of an external command that can carry a secret, and the nested scripts to read too. */
  leaks(): Leak[] {
    const found: Leak[] = [];
    walk(this.file, (n, ancestors) => {
      if (nodeType(n) !== "CallExpr") return;
      const call = n as CallExpr;
      const fn = this.functionOf(ancestors);
      let args = call.Args;
      while (args.length > 0 && RUNS_NEXT_WORD.has(literal(args[0]) ?? "")) args = args.slice(1);
      const name = literal(args[0]) ?? "";
      this.nestedScripts(args, ancestors, n);
      if (args.length === 0 || (BUILTINS.has(name) && !RUNS_NEXT_WORD.has(name)) || this.functions.has(name)) return;
      args.forEach((w, i) => {
        if (!this.wordTainted(w, fn)) return;
        const variable = references(w).find((r) => this.refTainted(r, fn)) ?? "a secret file's content";
        found.push({ script: this.label, line: w.Pos().Line(), command: i === 0 ? "(the command name itself)" : name, variable });
      });
      if (name === "eval" && args.some((w) => this.wordTainted(w, fn))) found.push({ script: this.label, line: n.Pos().Line(), command: "eval", variable: "its argument" });
    });
    return found;
  }

  /** `sh -c 'script'` and `bash -s <<EOF ... EOF` hold scripts of their own. */
  private nestedScripts(args: readonly Word[], ancestors: readonly Node[], call: Node): void {
    const words = args.map((w) => literal(w));
    words.forEach((w, i) => {
      if ((w === "sh" || w === "bash" || w?.endsWith("/sh") || w?.endsWith("/bash")) && words[i + 1] === "-c") {
        const inner = words[i + 2];
        if (inner !== undefined) this.nested.push({ label: `${this.label} > ${w} -c (line ${call.Pos().Line()})`, text: inner });
      }
    });
    const shell = words.find((w) => w === "sh" || w === "bash");
    const parent = ancestors[ancestors.length - 1];
    if (!shell || !parent || nodeType(parent) !== "Stmt") return;
    for (const r of (parent as Stmt).Redirs) {
      if ((r.Op === OP.heredoc || r.Op === OP.heredocTabs) && r.Hdoc) {
        const body = literal(r.Hdoc);
        if (body !== undefined) this.nested.push({ label: `${this.label} > ${shell} here-document (line ${call.Pos().Line()})`, text: body });
      }
    }
  }
}

/** Every place in `script` (and the scripts it runs) where a secret can reach another process's argv. */
export function secretLeaks(script: Script, secrets: readonly SecretFile[]): Leak[] {
  const file = syntax.NewParser().Parse(script.text, script.label);
  const analysis = new Analysis(file, script.label, secrets);
  return [...analysis.leaks(), ...analysis.nested.flatMap((s) => secretLeaks(s, secrets))];
}

/** How many external commands and secret reads a script has, so a proof can show it looked at something. */
export function secretReads(script: Script, secrets: readonly SecretFile[]): number {
  const analysis = new Analysis(syntax.NewParser().Parse(script.text, script.label), script.label, secrets);
  return analysis.tainted.size + analysis.nested.reduce((sum, s) => sum + secretReads(s, secrets), 0);
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
