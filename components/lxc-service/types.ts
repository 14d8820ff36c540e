import type * as pulumi from "@pulumi/pulumi";

/** A file pushed into the container before its recipe runs (through `pct exec` with the content on stdin). */
export interface ProvisionFile {
  /** Absolute path inside the container. Missing parent directories are created (existing ones keep their mode). */
  readonly path: string;
  readonly content: pulumi.Input<string>;
  /** Octal mode. Defaults to 0644, and to 0600 for secret files. */
  readonly mode?: string;
  /**
   * owner:group inside the container. Defaults to root:root. Names must exist before the recipe runs:
   * root, the service's own user (created from the catalog `user` before any file is pushed), or numeric ids.
   */
  readonly owner?: string;
  /** Holds a secret: pushed through stdin from a 0600 file, command logging off. */
  readonly secret?: boolean;
}

/**
 * How an app is installed inside its container: an idempotent script plus the files it reads.
 * When the script runs, the files are in place and the service's user exists with its catalog uid/gid.
 */
export interface Recipe {
  /** Bash run inside the container with `set -euo pipefail`; running it twice changes nothing. */
  readonly script: string;
  readonly files: readonly ProvisionFile[];
  /** Files fetched on the Proxmox host when the homelab converges, then written into the container before the script runs. */
  readonly fetched?: readonly FetchedFile[];
}

/** A file from the internet, pinned by an immutable URL (a commit) and optionally by its sha256. */
export interface FetchedFile {
  readonly url: string;
  /** Checked on the host before the file goes into the container; a mismatch fails the step. */
  readonly sha256?: string;
  /** Absolute path inside the container. */
  readonly path: string;
}

/** The first administrator a `claimed` app gets at converge. */
export interface AdminAccount {
  readonly user: string;
  /** Generated, a Pulumi secret; also the `adminPasswords` stack output. */
  readonly password: pulumi.Output<string>;
}
