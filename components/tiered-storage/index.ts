import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { Dataset, Homelab } from "../../config";
import type { TierName } from "../../config/schema";
import { sshConnection, type HostConnection } from "../shared/connection";
import { datasetDirCommand } from "./dataset-dir";

export interface TieredStorageArgs {
  /** The tiers by name (e.g. nvme and raid): mount point on the host and capacity. */
  readonly tiers: Homelab["tiers"];
  /** Every dataset, shared and per-app; each becomes a directory on its tier. */
  readonly datasets: Homelab["datasets"];
  /** SSH access to the node that holds a dataset (the host itself on a single node). */
  readonly connectionOf: (dataset: Dataset) => HostConnection;
  /** When false (the default), the dataset resources are protected from `pulumi destroy`. */
  readonly allowDataLoss: boolean;
}

/** A dataset as a container mounts it: where it is on the host, and what to wait for. */
export interface DatasetMount {
  readonly dataset: string;
  readonly tier: TierName;
  readonly hostPath: string;
  /** Host owner: 100000+uid for unprivileged containers. */
  readonly hostUid: number;
  readonly hostGid: number;
  /** The command that created the directory. */
  readonly ready: pulumi.Resource;
}

/**
 * Dataset directories on the tiers, owned by the ids the containers map to. The data is
 * the homelab's pets: no resource here ever deletes a directory, not on replace, not on destroy.
 */
export class TieredStorage extends pulumi.ComponentResource {
  /** Resources a container must wait for before its bind mounts exist. */
  public readonly ready: pulumi.Resource[];
  /** Per dataset name: its mount spec. */
  public readonly mounts: Readonly<Record<string, DatasetMount>>;

  constructor(name: string, args: TieredStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:TieredStorage", name, {}, opts);
    const mounts: Record<string, DatasetMount> = {};
    for (const d of args.datasets) mounts[d.name] = this.dataset(name, d, args, sshConnection(args.connectionOf(d)));
    this.mounts = mounts;
    this.ready = Object.values(mounts).map((m) => m.ready);
    this.registerOutputs({ datasets: Object.keys(mounts) });
  }

  private dataset(name: string, d: Dataset, args: TieredStorageArgs, connection: ReturnType<typeof sshConnection>): DatasetMount {
    const tier = args.tiers[d.tier];
    if (tier === undefined) throw new Error(`dataset ${d.name} is on tier '${d.tier}', which is not among the tiers (${Object.keys(args.tiers).join(", ")})`);
    const script = datasetDirCommand(d, tier);
    const dir = new command.remote.Command(
      `${name}-${d.name}`,
      // A changed owner or mode is applied in place (update), never by replacing the resource; and
      // there is no delete command: removing the resource leaves the directory and its data on the host.
      { connection, create: script, update: script, addPreviousOutputInEnv: false },
      { parent: this, protect: !args.allowDataLoss, retainOnDelete: true },
    );
    return { dataset: d.name, tier: d.tier, hostPath: d.hostPath, hostUid: d.hostUid, hostGid: d.hostGid, ready: dir };
  }
}
