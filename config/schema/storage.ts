import * as z from "zod";
import { absolutePath, relativePath, tierClass, tierNameProblem, tierRef } from "./common";

/** What a dataset holds decides its tier default, whether it is backed up and how. */
export const datasetContent = z.enum(["state", "database", "media", "photos", "documents", "cache", "downloads", "metrics"]);
export type DatasetContent = z.infer<typeof datasetContent>;

/** Contents that hold data an operator cannot recreate; they are backed up unless the stack file says not. */
export const IRREPLACEABLE: readonly DatasetContent[] = ["state", "photos", "documents", "media"];

/** Whether restic backs up a dataset: as the stack file says, else when its content is irreplaceable. */
export const backedUp = (d: { readonly backup?: boolean | undefined; readonly content: DatasetContent }): boolean => d.backup ?? IRREPLACEABLE.includes(d.content);

/** A tier is a local disk, or a network share that the host mounts itself (the program does not mount it). */
export const tierKind = z.enum(["local", "nfs", "cifs"]);
export type TierKind = z.infer<typeof tierKind>;

export const tierSchema = z.strictObject({
  /** fast or bulk: the catalog's datasets ask for a class, and get that class's default tier. */
  class: tierClass,
  /** The tier a dataset asking for this class gets, when several tiers share the class. */
  default: z.boolean().default(false),
  /** local (defaults), or nfs/cifs for a share mounted on the host: no quotas enforced, no databases. */
  kind: tierKind.default("local"),
  /** Mount point of the tier on the host, e.g. /mnt/nvme. */
  path: absolutePath,
  /** Usable capacity in GiB; dataset quotas must fit in it. */
  capacityGiB: z.number().int().min(1),
  /** Name of the Proxmox directory storage created on this tier (for vzdump backups, templates). */
  proxmoxStorage: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /**
   * The tier is its own mounted filesystem: nothing is written to it unless `mountpoint -q` says it is
   * mounted, so an unmounted disk never fills the root disk. Set false for a plain directory. Defaults to true.
   */
  mountPoint: z.boolean().default(true),
  /**
   * On a cluster: the tier is mounted at the same path on every node (NFS, CIFS, CephFS), so a service
   * using it may run on any node. Defaults to true for nfs and cifs, false for local.
   */
  shared: z.boolean().optional(),
});

/** A dataset: a directory on a tier that reaches containers as a bind mount. */
export const datasetSchema = z.strictObject({
  /** A tier's name, or fast/bulk for that class's default tier. */
  tier: tierRef,
  /** Path below the tier's mount point. Defaults to the dataset's name. */
  path: relativePath.optional(),
  /** Planned size in GiB, counted against the tier's capacity. */
  quotaGiB: z.number().int().min(1),
  /** Owner uid inside the container; the host directory is owned by 100000+uid for unprivileged containers. */
  uid: z.number().int().min(0).max(65535).default(0),
  /** Owner gid inside the container. */
  gid: z.number().int().min(0).max(65535).default(0),
  /** Octal mode of the directory. Defaults to 0750. */
  mode: z.string().regex(/^[0-7]{3,4}$/, { message: "must be an octal mode like 0750" }).default("0750"),
  content: datasetContent,
  /** Back up with restic. Defaults to true for state, photos, documents and media. */
  backup: z.boolean().optional(),
  /** Glob patterns restic skips inside this dataset. */
  excludes: z.array(z.string().min(1)).default([]),
  /**
   * Take over data that was already in the directory: once, chown everything in it to the dataset's
   * owner (a `.homelab-adopted` marker remembers it; a changed owner adopts again). Off by default: only the top
   * directory is ever chowned otherwise.
   */
  adopt: z.boolean().default(false),
});

export const storageSchema = z.strictObject({
  /** The host's tiers by name, e.g. nvme (fast) and raid (bulk). */
  tiers: z.record(z.string(), tierSchema).superRefine((tiers, ctx) => {
    if (Object.keys(tiers).length === 0) ctx.addIssue({ code: "custom", message: "declare at least one tier, e.g. nvme: { class: fast, path: /mnt/nvme, ... }" });
    for (const name of Object.keys(tiers)) {
      const message = tierNameProblem(name);
      if (message) ctx.addIssue({ code: "custom", path: [name], message });
    }
  }),
  /** Datasets shared between services (media, downloads); per-app datasets come from the catalog. */
  datasets: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, { message: "dataset names are lower-case letters, digits and hyphens" }), datasetSchema).default({}),
});

export { absolutePath };
