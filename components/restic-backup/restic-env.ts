import { shellQuote } from "../shared/shell";

/** What the jobs need to reach the repository. */
export interface ResticEnv {
  /** `b2:<bucket>:<prefix>`, or a local directory when a test stands in for B2. */
  readonly repository: string;
  readonly passwordFile: string;
  /** The scoped B2 key's id and secret; absent for a local repository. */
  readonly b2AccountId?: string;
  readonly b2AccountKey?: string;
}

/** The 0600 environment file the scripts source: one `KEY=value` per line, quoted for bash. */
export function renderResticEnv(env: ResticEnv): string {
  const lines = [
    "# homelab restic repository access; rendered by `pulumi up`, readable by root only.",
    `RESTIC_REPOSITORY=${shellQuote(env.repository)}`,
    `RESTIC_PASSWORD_FILE=${shellQuote(env.passwordFile)}`,
  ];
  if (env.b2AccountId !== undefined) lines.push(`B2_ACCOUNT_ID=${shellQuote(env.b2AccountId)}`);
  if (env.b2AccountKey !== undefined) lines.push(`B2_ACCOUNT_KEY=${shellQuote(env.b2AccountKey)}`);
  return `${lines.join("\n")}\n`;
}

/** The repository address restic uses for a bucket and prefix. */
export const b2Repository = (bucket: string, prefix: string): string => `b2:${bucket}:${prefix}`;

/**
 * Creates the repository unless it exists: `cat config` succeeds on an existing one, and `init`
 * refuses to overwrite one anyway. Safe to run on every `pulumi up`.
 */
export const renderInitCommand = (envFile: string): string =>
  `set -eu; set -a; . ${shellQuote(envFile)}; set +a; restic cat config >/dev/null 2>&1 || restic init`;
