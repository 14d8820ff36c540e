import * as pulumi from "@pulumi/pulumi";
import type { Homelab, Service } from "../../config";
import { LxcService } from "../lxc-service";
import type { ContainerPlatform } from "../shared/platform";

export interface SharedPostgresArgs {
  /** The service hosting the cluster (role postgres). */
  readonly server: Service;
  /** Apps that need a database. */
  readonly apps: readonly Service[];
  readonly settings: Homelab["postgres"];
  readonly platform: ContainerPlatform;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** One PostgreSQL LXC with a database and a least-privilege role per app. */
export class SharedPostgres extends pulumi.ComponentResource {
  public readonly server: LxcService;
  /** Per app: the 0600 env file with its connection settings, for its provisioning. */
  public readonly connectionFiles: Readonly<Record<string, { readonly path: string; readonly content: pulumi.Output<string> }>>;

  constructor(name: string, args: SharedPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:SharedPostgres", name, {}, opts);
    this.server = new LxcService(args.server.name, { service: args.server, platform: args.platform, dependsOn: args.dependsOn }, { parent: this });
    this.connectionFiles = {};
    this.registerOutputs({});
  }
}
