import type * as b2 from "@pulumi/b2";
import type { Homelab } from "../../config";

/**
 * What restic's S3 backend does with the bucket: see that it exists, list, read, write and delete
 * (prune) its files. listBuckets is for the HeadBucket of `restic init`: restic 0.14 (Debian 12) stops
 * with "client.BucketExists: Access Denied" when it is refused; a key restricted to one bucket can
 * only ever see that bucket. Nothing that writes or deletes keys or buckets, nothing outside the
 * repository prefix.
 */
export const RESTIC_KEY_CAPABILITIES = ["deleteFiles", "listBuckets", "listFiles", "readFiles", "writeFiles"] as const;

/**
 * The key's file name prefix: the repository folder with its slash, so the key cannot reach
 * `restic-old/` beside `restic/`. restic's S3 backend names every object `<prefix>/...`.
 */
export const keyNamePrefix = (prefix: string): string => `${prefix}/`;

/** Days after which B2 cancels an upload that never finished (an interrupted pack upload). */
export const CANCEL_UNFINISHED_UPLOADS_DAYS = 1;

/**
 * A private bucket, encrypted at rest with B2-managed keys. restic deletes files when it prunes, and
 * B2 only hides them; the lifecycle rule deletes hidden versions after a few days so they are not
 * billed forever. No object lock: prune must be able to delete.
 */
export function bucketArgs(settings: NonNullable<Homelab["backup"]>): b2.BucketArgs {
  return {
    bucketName: settings.bucket,
    bucketType: "allPrivate",
    defaultServerSideEncryption: { mode: "SSE-B2", algorithm: "AES256" },
    lifecycleRules: [
      {
        fileNamePrefix: "",
        daysFromHidingToDeleting: settings.daysHiddenBeforeDelete,
        daysFromStartingToCancelingUnfinishedLargeFiles: CANCEL_UNFINISHED_UPLOADS_DAYS,
      },
    ],
    bucketInfo: { "managed-by": "homelab-as-code" },
  };
}

/** B2 key names: letters, digits and hyphens, at most 100. */
export const keyName = (bucket: string): string => `${bucket}-restic`.slice(0, 100);
