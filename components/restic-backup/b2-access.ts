import type * as b2 from "@pulumi/b2";
import type { Homelab } from "../../config";

/**
 * What restic does with the bucket: find it, list, read, write and delete (prune) its files.
 * listBuckets is needed to look the bucket up by name (older restic versions insist on it).
 * Nothing that writes or deletes keys or buckets, and nothing outside this bucket.
 */
export const RESTIC_KEY_CAPABILITIES = ["deleteFiles", "listBuckets", "listFiles", "readFiles", "writeFiles"] as const;

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
