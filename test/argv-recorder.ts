import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { requireTool } from "./tools";

/**
 * Wraps real tools on PATH with a recorder that writes each call's argv and then runs the real tool,
 * so a test can run a secret-handling step as it is and then read every command line it made.
 */

export interface Recorder {
  readonly dir: string;
  readonly path: string;
  /** Every recorded call: the command's name and its arguments. */
  calls(): string[][];
  cleanup(): void;
}

/** A PATH whose first directory wraps each named tool: record argv (NUL-separated), then exec the real one. */
export function recorder(t: TestContext, tools: readonly { name: string; debianPackage: string }[]): Recorder | undefined {
  const dir = mkdtempSync(join(tmpdir(), "homelab-argv-"));
  const bin = join(dir, "bin");
  const log = join(dir, "calls");
  mkdirSync(bin);
  mkdirSync(log);
  // The steps drop to other users (runuser -u postgres): the wrappers and the log must serve them too.
  chmodSync(dir, 0o755);
  chmodSync(log, 0o1777);
  for (const { name, debianPackage } of tools) {
    const real = requireTool(t, name, debianPackage);
    if (real === undefined) return undefined;
    writeFileSync(join(bin, name), `#!/bin/bash\nprintf '%s\\0' ${name} "$@" > "$(mktemp ${log}/call.XXXXXX)"\nexec ${real} "$@"\n`, { mode: 0o755 });
  }
  return {
    dir,
    path: `${bin}:${process.env.PATH ?? ""}`,
    calls: () => readdirSync(log).map((f) => readFileSync(join(log, f), "utf8").split("\0").slice(0, -1)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The recorded calls of `name`, and a check that no call of any tool carries the secret. */
export function assertNoSecretInArgv(rec: Recorder, secret: string, mustCall: readonly string[]): void {
  const calls = rec.calls();
  for (const name of mustCall) assert.ok(calls.some((c) => c[0] === name), `${name} was called (calls: ${calls.map((c) => c[0]).join(", ")})`);
  const carrying = calls.filter((c) => c.some((arg) => arg.includes(secret)));
  assert.deepEqual(carrying, [], "no argv holds the secret");
}

