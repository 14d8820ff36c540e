import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./tools";

/**
 * A throwaway PostgreSQL cluster for tests that need a real server. PostgreSQL refuses to run as
 * root, so when the tests run as root the cluster belongs to the `postgres` user.
 */

export interface PgCluster {
  readonly dir: string;
  readonly dataDir: string;
  readonly port: number;
  readonly bin: string;
  /** Runs psql as the cluster's superuser (or `user`) against `database`; returns its result. */
  psql(sql: string, opts?: { database?: string; user?: string; password?: string; host?: string }): { status: number; stdout: string; stderr: string };
  /** Runs another server binary (pg_dumpall, psql with args) as the cluster owner. */
  exec(binary: string, args: readonly string[], input?: string, env?: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string };
  stop(): void;
}

const asRoot = (): boolean => typeof process.getuid === "function" && process.getuid() === 0;

/** Runs a command as the cluster owner: `runuser -u postgres --` when root, directly otherwise. */
function asOwner(cmd: string, args: readonly string[], input?: string, env?: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string } {
  if (!asRoot()) return run(cmd, args, { input, env: { ...process.env, ...env } });
  const envArgs = Object.entries(env ?? {}).map(([k, v]) => `${k}=${v ?? ""}`);
  return run("runuser", ["-u", "postgres", "--", "env", ...envArgs, cmd, ...args], { input, cwd: "/" });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** Extra lines appended to postgresql.conf (or a whole rendered file when `replaceConf`). */
  readonly conf?: string;
  readonly replaceConf?: boolean;
  /** A pg_hba.conf to use instead of initdb's. */
  readonly hba?: string;
  /** Superuser password (scram-sha-256); defaults to trust for the local socket only. */
  readonly superuserPassword?: string;
  /** listen_addresses appended after `conf`. Defaults to 127.0.0.1; null keeps the one `conf` sets. */
  readonly listenAddresses?: string | null;
}

/** initdb + pg_ctl start on a free loopback port, in a temp directory the cluster owner owns. */
export async function startCluster(bin: string, options: StartOptions = {}): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), "homelab-pg-"));
  const dataDir = join(dir, "data");
  const socketDir = join(dir, "socket");
  if (asRoot()) {
    const ids = run("id", ["-u", "postgres"]);
    const gids = run("id", ["-g", "postgres"]);
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  const pwFile = join(dir, "pw");
  const initArgs = ["-D", dataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"];
  if (options.superuserPassword) {
    writeFileSync(pwFile, `${options.superuserPassword}\n`, { mode: 0o600 });
    if (asRoot()) chownSync(pwFile, Number(run("id", ["-u", "postgres"]).stdout.trim()), 0);
    initArgs.push(`--pwfile=${pwFile}`);
  }
  const init = asOwner(`${bin}/initdb`, initArgs);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  rmSync(pwFile, { force: true });
  asOwner("mkdir", ["-p", socketDir]);
  const listen = options.listenAddresses === undefined ? "127.0.0.1" : options.listenAddresses;
  const baseConf = `\nport = ${port}\n${listen === null ? "" : `listen_addresses = '${listen}'\n`}unix_socket_directories = '${socketDir}'\n`;
  const confPath = join(dataDir, "postgresql.conf");
  if (options.conf !== undefined) {
    const content = options.replaceConf ? `${options.conf}\n${baseConf}` : undefined;
    asOwner("sh", ["-c", options.replaceConf ? `cat > '${confPath}'` : `cat >> '${confPath}'`], options.replaceConf ? content : `${options.conf}\n${baseConf}`);
  } else {
    asOwner("sh", ["-c", `cat >> '${confPath}'`], baseConf);
  }
  if (options.hba !== undefined) {
    // Keep local socket trust for the test's own superuser session; the rendered rules follow.
    asOwner("sh", ["-c", `cat > '${join(dataDir, "pg_hba.conf")}'`], `local all postgres trust\n${options.hba}\n`);
  }
  const start = asOwner(`${bin}/pg_ctl`, ["-D", dataDir, "-l", join(dir, "server.log"), "-w", "-t", "30", "start"]);
  if (start.status !== 0) {
    const log = asOwner("cat", [join(dir, "server.log")]);
    throw new Error(`pg_ctl start failed: ${start.stderr}\n${log.stdout}`);
  }
  const cluster: PgCluster = {
    dir,
    dataDir,
    port,
    bin,
    psql(sql, opts = {}) {
      const host = opts.host ?? socketDir;
      const env: NodeJS.ProcessEnv = opts.password !== undefined ? { PGPASSWORD: opts.password } : {};
      return asOwner(`${bin}/psql`, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port), "-U", opts.user ?? "postgres", "-d", opts.database ?? "postgres"], sql, env);
    },
    exec(binary, args, input, env) {
      return asOwner(`${bin}/${binary}`, args, input, env);
    },
    stop() {
      asOwner(`${bin}/pg_ctl`, ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** Connection flags for the cluster's socket directory, for binaries run through `exec`. */
export const socketArgs = (c: PgCluster): string[] => ["-h", join(c.dir, "socket"), "-p", String(c.port)];
