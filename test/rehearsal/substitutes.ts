import type { RecordedResource } from "../../src/mock-runtime";

/** Where the stand-in restic repository lives on the stand-in host: B2 is not reachable here. */
export const LOCAL_REPOSITORY = "/var/lib/homelab-rehearsal/restic-repository";

/**
 * The one input the rehearsal changes: the restic environment file names a B2 (or S3) repository and
 * its key; here it names a local repository instead, and the summary says so.
 */
export function substituteForRehearsal(r: RecordedResource, stdin: string, notes: string[]): string {
  if (!/^RESTIC_REPOSITORY=/m.test(stdin)) return stdin;
  const original = /^RESTIC_REPOSITORY=(.*)$/m.exec(stdin)?.[1] ?? "";
  notes.push(`${r.name}: restic repository ${original} -> local ${LOCAL_REPOSITORY} (credential lines dropped)`);
  return stdin
    .split("\n")
    .filter((l) => !/^(B2_ACCOUNT_ID|B2_ACCOUNT_KEY|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)=/.test(l))
    .map((l) => (l.startsWith("RESTIC_REPOSITORY=") ? `RESTIC_REPOSITORY=${LOCAL_REPOSITORY}` : l))
    .join("\n");
}
