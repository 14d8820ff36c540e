import { shellQuote } from "../shared/shell";

/** The scoped B2 key as B2's S3-compatible API takes it: key id = access key id, key = secret. */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The bucket's region, e.g. `us-west-004`; restic then skips the GetBucketLocation call. */
  readonly region: string;
}

/** What the jobs need to reach the repository. */
export interface ResticEnv {
  /** `s3:https://<endpoint>/<bucket>/<prefix>`, or a local directory when a test stands in for B2. */
  readonly repository: string;
  readonly passwordFile: string;
  /** Absent for a local repository. */
  readonly s3?: S3Credentials;
}

/** The 0600 environment file the scripts source: one `KEY=value` per line, quoted for bash. */
export function renderResticEnv(env: ResticEnv): string {
  const lines = [
    "# homelab restic repository access; rendered by `pulumi up`, readable by root only.",
    `RESTIC_REPOSITORY=${shellQuote(env.repository)}`,
    `RESTIC_PASSWORD_FILE=${shellQuote(env.passwordFile)}`,
  ];
  if (env.s3) {
    lines.push(
      `AWS_ACCESS_KEY_ID=${shellQuote(env.s3.accessKeyId)}`,
      `AWS_SECRET_ACCESS_KEY=${shellQuote(env.s3.secretAccessKey)}`,
      `AWS_DEFAULT_REGION=${shellQuote(env.s3.region)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The region of a B2 S3 endpoint: `s3.us-west-004.backblazeb2.com` is in `us-west-004`. */
export const regionOf = (endpoint: string): string => endpoint.split(".")[1] ?? "";

/** The address restic uses for a bucket and prefix behind B2's S3-compatible endpoint. */
export const s3Repository = (endpoint: string, bucket: string, prefix: string): string => `s3:https://${endpoint}/${bucket}/${prefix}`;

/**
 * Creates the repository unless it exists: `cat config` succeeds on an existing one, and `init`
 * refuses to overwrite one anyway. Safe to run on every `pulumi up`.
 */
export const renderInitCommand = (envFile: string): string =>
  `set -eu; set -a; . ${shellQuote(envFile)}; set +a; restic cat config >/dev/null 2>&1 || restic init`;
