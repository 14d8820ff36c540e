import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";

/**
 * Real tools from Debian's packages. Under CI=true a missing tool fails the test; elsewhere the test
 * says clearly that it skipped, and why.
 */

export const inCi = (): boolean => process.env.CI === "true";

/** Absolute path of a command on PATH (or in the given extra directories), or undefined. */
export function findTool(name: string, extraDirs: readonly string[] = []): string | undefined {
  for (const dir of [...extraDirs, ...(process.env.PATH ?? "").split(":")]) {
    const candidate = `${dir}/${name}`;
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** PostgreSQL server binaries live outside PATH on Debian: /usr/lib/postgresql/<major>/bin. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).filter((d) => /^\d+$/.test(d) && existsSync(`${root}/${d}/bin/initdb`)).sort((a, b) => Number(b) - Number(a));
  return majors[0] ? `${root}/${majors[0]}/bin` : undefined;
}

/**
 * Returns the tool's path, or: under CI fails the test, elsewhere skips it with a message.
 * Callers `return` when it gives undefined.
 */
export function requireTool(t: TestContext, name: string, debianPackage: string, extraDirs: readonly string[] = []): string | undefined {
  const found = findTool(name, extraDirs);
  if (found) return found;
  const message = `${name} not found (Debian package ${debianPackage}); .ci/run installs it`;
  if (inCi()) throw new Error(`${message}: required under CI=true`);
  t.skip(`SKIPPED: ${message}`);
  return undefined;
}

/**
 * Runs a command and returns its status and output; never throws for a non-zero exit. The child's
 * stdin is /dev/null, or a file holding `input`, never the socket pair Node makes for a pipe: bash
 * with a socket on stdin at SHLVL 1 takes itself for a shell sshd started and reads
 * /etc/bash.bashrc (whose `$PS1` test fails under `set -u`), so a test's output would depend on how
 * its runner was started.
 */
export function run(cmd: string, args: readonly string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number; stdout: string; stderr: string } {
  const dir = options.input === undefined ? undefined : mkdtempSync(join(tmpdir(), "homelab-stdin-"));
  let stdin: number | "ignore" = "ignore";
  try {
    if (dir !== undefined) {
      writeFileSync(join(dir, "stdin"), options.input ?? "");
      stdin = openSync(join(dir, "stdin"), "r");
    }
    const result = spawnSync(cmd, args, { encoding: "utf8", stdio: [stdin, "pipe", "pipe"], cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw result.error;
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  } finally {
    if (typeof stdin === "number") closeSync(stdin);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
