import * as pulumi from "@pulumi/pulumi";
import type { Homelab, Service } from "../../config";
import { LxcService } from "../lxc-service";
import type { ContainerPlatform } from "../shared/platform";

export interface MonitoringStackArgs {
  readonly model: Homelab;
  readonly prometheus: Service;
  readonly grafana: Service;
  readonly platform: ContainerPlatform;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Prometheus, Alertmanager and Grafana watching the host, the containers, the database, the tunnel and the backups. */
export class MonitoringStack extends pulumi.ComponentResource {
  public readonly prometheus: LxcService;
  public readonly grafana: LxcService;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:MonitoringStack", name, {}, opts);
    this.prometheus = new LxcService(args.prometheus.name, { service: args.prometheus, platform: args.platform, dependsOn: args.dependsOn }, { parent: this });
    this.grafana = new LxcService(args.grafana.name, { service: args.grafana, platform: args.platform, dependsOn: args.dependsOn }, { parent: this });
    this.registerOutputs({});
  }
}
