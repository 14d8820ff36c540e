import { spawn, spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";

/** Running the rehearsal's own commands on this machine, with their output kept for the summary. */

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class CommandFailed extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    super(`'${command.length > 200 ? `${command.slice(0, 200)}...` : command}' exited ${result.code}\n${tail(result.stderr || result.stdout, 40)}`);
  }
}

/** The last lines of a command's output, for a failure message. */
export const tail = (text: string, lines: number): string => text.trimEnd().split("\n").slice(-lines).join("\n");

export interface RunOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Output is appended here as well as returned. */
  readonly log?: string;
  /** Throw on a non-zero exit (default true). */
  readonly check?: boolean;
  readonly timeoutMs?: number;
}

/**
 * Node's pipes are socket pairs, and bash started at shell level 1 with a socket on stdin takes itself
 * to be run by sshd and sources ~/.bashrc. This machine's own ~/.bashrc is no part of the rehearsal
 * (one that waits on a stale lock costs a minute per command), so commands run here start one level
 * down, unless the caller's environment says otherwise.
 */
const thisMachine = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, SHLVL: env.SHLVL ?? "1" });

/** Runs argv (no shell) and waits for it; output is captured, not inherited. */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error("run: empty argv");
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends everything it started, not just the first process.
    const child = spawn(file, args, { env: options.env ?? thisMachine(process.env), stdio: ["pipe", "pipe", "pipe"], detached: options.timeoutMs !== undefined });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          try {
            if (child.pid) process.kill(-child.pid, "SIGKILL");
          } catch {
            child.kill("SIGKILL");
          }
        }, options.timeoutMs)
      : undefined;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (options.log) appendFileSync(options.log, d);
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (options.log) appendFileSync(options.log, d);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (timedOut) stderr += `\nkilled: still running after ${(options.timeoutMs ?? 0) / 1000} s\n`;
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if ((options.check ?? true) && result.code !== 0) reject(new CommandFailed(argv.join(" "), result));
      else resolve(result);
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/** Runs a bash snippet on this machine. */
export const bash = (script: string, options: RunOptions = {}): Promise<RunResult> => run(["bash", "-c", script], options);

/** Synchronous variant for clean-up paths that must finish before the process exits. */
export function bashSync(script: string): RunResult {
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8", env: thisMachine(process.env) });
  return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
