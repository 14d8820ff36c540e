import { createHash } from "node:crypto";

/** Short, stable content hash used as a re-run trigger: same bytes, same hash. */
export const contentHash = (...parts: readonly string[]): string =>
  createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
