import type * as pulumi from "@pulumi/pulumi";

/** A file pushed into the container before its recipe runs (`pct push`). */
export interface ProvisionFile {
  /** Absolute path inside the container. */
  readonly path: string;
  readonly content: pulumi.Input<string>;
  /** Octal mode. Defaults to 0644, and to 0600 for secret files. */
  readonly mode?: string;
  /** owner:group inside the container. Defaults to root:root. */
  readonly owner?: string;
  /** Holds a secret: pushed through stdin from a 0600 file, command logging off. */
  readonly secret?: boolean;
}

/** How an app is installed inside its container: an idempotent script plus the files it reads. */
export interface Recipe {
  /** Bash run inside the container with `set -euo pipefail`; running it twice changes nothing. */
  readonly script: string;
  readonly files: readonly ProvisionFile[];
}
