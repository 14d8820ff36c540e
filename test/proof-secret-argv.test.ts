import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import type { RecordedResource } from "../src/mock-runtime";
import { ROOT, runProgram, SECRET_MARKERS } from "./harness";
import { pushedFiles, secretLeaks, secretReads, type Leak, type Script, type SecretFile } from "./shell-secrets";

/**
 * No secret in any argv, anywhere: every script the program runs, on the host and in the containers
 * (commands, their stdin scripts, the `sh -c` scripts they nest, the scripts and units they push), is
 * parsed, and every value read from a secret file is followed to where it is used. It may reach
 * builtins, redirections, here-documents and a command's environment; a word of an external command
 * is readable by every process through /proc/<pid>/cmdline, so there it is a leak.
 */

const clusterConfig = (): Record<string, unknown> =>
  structuredClone((parse(readFileSync(join(ROOT, "config", "examples", "cluster.yaml"), "utf8")) as { config: Record<string, unknown> }).config);

const isSecret = (text: string): boolean => SECRET_MARKERS.some((m) => text.includes(m));

/** The keys of a KEY=value file whose values are secret, or undefined when the file is not KEY=value. */
function secretKeys(content: string): string[] | undefined {
  const lines = content.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
  if (lines.length === 0 || !lines.every((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))) return undefined;
  return lines.filter((l) => isSecret(l)).map((l) => l.slice(0, l.indexOf("=")));
}

/** Where a command that receives a secret on stdin writes it: in a container, or on the host. */
function secretTarget(create: string): string | undefined {
  return /path=([^;\s']+);/.exec(create)?.[1] ?? /mv -f "\$tmp" ([^;\s]+);/.exec(create)?.[1];
}

interface Inventory {
  readonly scripts: Script[];
  readonly units: Script[];
  readonly secrets: SecretFile[];
}

/** Every script and unit the plan runs or installs, and every file a secret is written to. */
function inventory(resources: readonly RecordedResource[]): Inventory {
  const scripts: Script[] = [];
  const units: Script[] = [];
  const secrets = new Map<string, SecretFile>();
  const addSecret = (path: string, keys: readonly string[] | undefined): void => {
    const before = secrets.get(path);
    const merged = before === undefined ? keys : before.keys === undefined || keys === undefined ? undefined : [...new Set([...before.keys, ...keys])];
    secrets.set(path, merged === undefined ? { path } : { path, keys: merged });
  };
  const addFile = (label: string, content: string): void => {
    if (content.startsWith("#!")) scripts.push({ label, text: content });
    else if (/^\[Service\]$/m.test(content)) units.push({ label, text: content });
  };
  for (const r of resources.filter((x) => x.type.startsWith("command:"))) {
    for (const key of ["create", "update", "delete"]) {
      const text = r.inputs[key];
      if (typeof text === "string") scripts.push({ label: `${r.name}.${key}`, text });
    }
    const stdin = r.inputs.stdin;
    const create = typeof r.inputs.create === "string" ? r.inputs.create : "";
    if (typeof stdin !== "string") continue;
    if (r.secretPaths.includes("stdin")) {
      const target = secretTarget(create);
      assert.ok(target, `${r.name} receives a secret on stdin, but where it writes it is not found in: ${create.slice(0, 200)}`);
      addSecret(target, secretKeys(stdin));
    } else if (/(bash|sh) -s$/.test(create)) scripts.push({ label: `${r.name}.stdin`, text: stdin });
    else addFile(`${r.name}.stdin`, stdin);
  }
  for (const s of [...scripts]) {
    for (const f of pushedFiles(s)) {
      addFile(`${s.label} > ${f.path}`, f.content);
      if (f.mode === "0600") addSecret(f.path, secretKeys(f.content) ?? undefined);
    }
    // A file a recipe derives in the container from secrets, 0600: its content is as secret as they are.
    for (const m of s.text.matchAll(/put_file (\/[^\s]+) 0600/g)) if (m[1] && !secrets.has(m[1])) addSecret(m[1], undefined);
  }
  return { scripts, units, secrets: [...secrets.values()] };
}

/** A unit's Exec lines expand `${KEY}` of its EnvironmentFile into the process's argv. */
function unitLeaks(unit: Script, secrets: readonly SecretFile[]): Leak[] {
  const envFiles = [...unit.text.matchAll(/^EnvironmentFile=-?(\S+)$/gm)].map((m) => secrets.find((s) => s.path === m[1])).filter((s): s is SecretFile => s !== undefined);
  const keys = envFiles.flatMap((s) => s.keys ?? []);
  const wholeFile = envFiles.some((s) => s.keys === undefined);
  const leaks: Leak[] = [];
  unit.text.split("\n").forEach((line, i) => {
    if (!/^Exec[A-Za-z]*=/.test(line)) return;
    for (const m of line.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)) {
      if (m[1] && (keys.includes(m[1]) || wholeFile)) leaks.push({ script: unit.label, line: i + 1, command: line.slice(0, line.indexOf("=")), variable: m[1] });
    }
  });
  return leaks;
}

const describeLeak = (l: Leak): string => `${l.script}:${l.line}: ${l.variable} reaches the argv of ${l.command}`;

for (const [homelab, config] of [["the example", undefined], ["the cluster example", clusterConfig()]] as const) {
  test(`in ${homelab}, no value read from a secret file reaches the argv of any command, on the host or in a container`, async () => {
    const { resources } = await runProgram(config);
    const { scripts, units, secrets } = inventory(resources);
    // The proof reads the program's real scripts: many of them, and the files its secrets go to.
    assert.ok(scripts.length >= 80, `only ${scripts.length} scripts`);
    assert.ok(secrets.length >= 8, `only ${secrets.length} secret files: ${secrets.map((s) => s.path).join(", ")}`);
    const leaks = [...scripts.flatMap((s) => secretLeaks(s, secrets)), ...units.flatMap((u) => unitLeaks(u, secrets))];
    assert.deepEqual(leaks.map(describeLeak), []);
  });
}

test("the proof follows the secrets it is meant to: the Postgres admin password, every app's PGPASSWORD, the restic environment", async () => {
  const { resources } = await runProgram();
  const { scripts, secrets } = inventory(resources);
  const paths = secrets.map((s) => s.path);
  for (const p of ["/etc/homelab/restic/restic.env", "/etc/homelab/db.env"]) assert.ok(paths.includes(p), `${p} is a secret file (${paths.join(", ")})`);
  assert.deepEqual(secrets.find((s) => s.path === "/etc/homelab/db.env")?.keys, ["PGPASSWORD"], "of db.env only the password is secret");
  const postgres = scripts.find((s) => s.label === "postgres-provision.stdin");
  assert.ok(postgres, "the Postgres recipe is read");
  assert.ok(secretReads(postgres, secrets) > 0, "the Postgres recipe reads its admin password");
  const withDb = scripts.filter((s) => s.label.endsWith("-provision.stdin") && s.text.includes("read_db_env"));
  assert.deepEqual(withDb.map((s) => s.label.replace("-provision.stdin", "")).sort(), ["immich", "n8n", "nextcloud", "vaultwarden"]);
  for (const s of withDb) assert.ok(secretReads(s, secrets) > 0, `${s.label} reads PGPASSWORD from db.env`);
});

test("the careless edit is caught: the Postgres recipe handing its admin password to psql as an argument", async () => {
  const { resources } = await runProgram();
  const { scripts, secrets } = inventory(resources);
  const postgres = scripts.find((s) => s.label === "postgres-provision.stdin");
  assert.ok(postgres);
  const line = postgres.text.split("\n").find((l) => l.startsWith("printf \"ALTER ROLE"));
  assert.ok(line, "the recipe hands the password to psql on stdin");
  const role = /ALTER ROLE (\S+) PASSWORD/.exec(line)?.[1] ?? "";
  const careless = postgres.text.replace(line, `runuser -u postgres -- psql -X -q -d postgres -c "ALTER ROLE ${role} PASSWORD '$admin_password'"`);
  assert.deepEqual(secretLeaks({ label: "careless", text: careless }, secrets).map((l) => [l.command, l.variable]), [["runuser", "admin_password"]]);
});

/** Small scripts whose leaks are known, each a way a secret reaches argv or does not. */
const CASES: readonly { name: string; text: string; leaks: readonly string[] }[] = [
  { name: "a command substitution of the file, as an argument", text: 'pw="$(cat /s)"\ncurl -u "admin:$pw" https://x', leaks: ["curl pw"] },
  { name: "$(<file) straight into an argument", text: 'mysql --password="$(</s)"', leaks: ["mysql a secret file's content"] },
  { name: "printf into a pipe", text: "pw=$(cat /s)\nprintf '%s' \"$pw\" | psql -d x", leaks: [] },
  { name: "a here-string and a here-document", text: 'pw=$(cat /s)\npsql <<<"$pw"\npsql <<EOF\n$pw\nEOF', leaks: [] },
  { name: "the environment of one command", text: 'pw=$(cat /s)\nPGPASSWORD="$pw" psql -d x\nexport TOKEN="$pw"', leaks: [] },
  { name: "env(1) as the command: the variable is its argument", text: 'pw=$(cat /s)\nenv PGPASSWORD="$pw" psql', leaks: ["env pw"] },
  { name: "through a function's parameter", text: 'f() { local v="$1"; wget --password "$v" x; }\npw=$(cat /s)\nf "$pw"', leaks: ["wget v"] },
  { name: "a function that only prints it", text: "f() { printf '%s' \"$1\"; }\npw=$(cat /s)\nf \"$pw\" | cmd", leaks: [] },
  { name: "a loop reading the file", text: 'while IFS= read -r line; do tool --key "$line"; done < /s', leaks: ["tool line"] },
  { name: "a path held in a variable", text: 'f=/s\nk="$(cat "$f")"\nssh -i "$k" h', leaks: ["ssh k"] },
  { name: "an unrelated file", text: 'v="$(cat /etc/hostname)"\ncurl "$v"', leaks: [] },
  { name: "through a nested sh -c", text: "pct exec 1 -- sh -c 'pw=$(cat /s); curl -u \"$pw\" x'", leaks: ["curl pw"] },
  { name: "through a bash -s here-document", text: "bash -s <<'EOF'\npw=$(cat /s)\nhttp --auth \"$pw\"\nEOF", leaks: ["http pw"] },
  { name: "exec and command run the next word", text: 'pw=$(cat /s)\nexec tool "$pw"\ncommand tool2 "$pw"', leaks: ["tool pw", "tool2 pw"] },
  { name: "only the secret keys of a KEY=value file", text: 'set -a; . /env; set +a\nconnect --host "$HOST" --pass "$PASS"', leaks: ["connect PASS"] },
  { name: "printf -v into another variable", text: "pw=$(cat /s)\nprintf -v copy '%s' \"$pw\"\ntool \"$copy\"", leaks: ["tool copy"] },
];

for (const c of CASES) {
  test(`the argv proof reads ${c.name} as bash would`, () => {
    const secrets: SecretFile[] = [{ path: "/s" }, { path: "/env", keys: ["PASS"] }];
    const leaks = secretLeaks({ label: c.name, text: c.text }, secrets).map((l) => `${l.command} ${l.variable}`);
    assert.deepEqual(leaks, c.leaks);
  });
}

test("a unit that expands a secret of its EnvironmentFile on its ExecStart line is a leak; one that leaves it to the environment is not", () => {
  const secrets: SecretFile[] = [{ path: "/etc/a.env", keys: ["TOKEN"] }];
  const unit = (exec: string): Script => ({ label: "u", text: `[Service]\nEnvironmentFile=/etc/a.env\nExecStart=${exec}\n` });
  assert.deepEqual(unitLeaks(unit("/usr/bin/tunnel run --token ${TOKEN}"), secrets).map((l) => l.variable), ["TOKEN"]);
  assert.deepEqual(unitLeaks(unit("/usr/bin/tunnel run"), secrets), []);
});
