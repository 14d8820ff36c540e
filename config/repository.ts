import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** Files of the repository the stack file lives in (compose files and install scripts of apps). */
export interface Repository {
  /** The file's text, or undefined when the repository has no such file. */
  read(path: string): string | undefined;
}

/** The project's own repository: the directory that holds Pulumi.yaml. */
export function projectRepository(root: string = resolve(__dirname, "..")): Repository {
  return {
    read: (path) => {
      const full = join(root, path);
      return existsSync(full) && statSync(full).isFile() ? readFileSync(full, "utf8") : undefined;
    },
  };
}

/** A path inside the repository: relative, each segment starting with a letter, digit or _ (so never `..`). */
export const isRepositoryPath = (path: string): boolean =>
  /^[A-Za-z0-9_][A-Za-z0-9_.@+-]*(\/[A-Za-z0-9_][A-Za-z0-9_.@+-]*)*$/.test(path);
