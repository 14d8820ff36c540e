import * as pulumi from "@pulumi/pulumi";
import type { Homelab } from "../../config";
import type { HostConnection } from "../shared/connection";

export interface TieredStorageArgs {
  readonly tiers: Homelab["tiers"];
  readonly datasets: Homelab["datasets"];
  readonly connection: HostConnection;
  readonly allowDataLoss: boolean;
}

/** Dataset directories on the NVMe and RAID tiers, owned by the ids the containers map to. */
export class TieredStorage extends pulumi.ComponentResource {
  /** Resources a container must wait for before its bind mounts exist. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: TieredStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:TieredStorage", name, {}, opts);
    this.ready = [];
    void args;
    this.registerOutputs({});
  }
}
