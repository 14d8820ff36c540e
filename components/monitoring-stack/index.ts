import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Homelab, Service } from "../../config";
import { LxcService, type ProvisionFile } from "../lxc-service";
import { execStdinCommand, renderRecipeScript } from "../lxc-service/push-files";
import { sshConnection } from "../shared/connection";
import { nodeAccess, type ContainerPlatform } from "../shared/platform";
import { grafanaRecipeScript } from "./grafana-recipe";
import { prometheusRecipeScript } from "./prometheus-recipe";
import { grafanaFiles, prometheusFiles, type ReceiverSecrets } from "./provision-files";
import { AUDITOR_ROLE, MONITORING_TOKEN, MONITORING_USER, monitoringTokenId, pveExporterInstallScript, tokenSecret } from "./pve-exporter";

export type { ReceiverSecrets } from "./provision-files";

export interface MonitoringStackArgs {
  /** The whole model: every service, dataset and tier is watched. */
  readonly model: Homelab;
  /** The service running Prometheus, Alertmanager and the exporters (role prometheus). */
  readonly prometheus: Service;
  /** The service running Grafana (role grafana). */
  readonly grafana: Service;
  readonly platform: ContainerPlatform;
  /** Credentials of the alert receivers (ntfy token, SMTP password, webhook token), as secrets. */
  readonly receiverSecrets: ReceiverSecrets;
  /** Resources the containers wait for (the dataset directories). */
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Prometheus, Alertmanager and Grafana watching the host, the containers, the database, the tunnel and the backups. */
export class MonitoringStack extends pulumi.ComponentResource {
  public readonly prometheus: LxcService;
  public readonly grafana: LxcService;
  /** Grafana's `admin` password (secret). */
  public readonly grafanaAdminPassword: pulumi.Output<string>;
  /** Proxmox token id of the exporter, `monitoring@pve!exporter`; read-only (PVEAuditor). */
  public readonly pveTokenId: string;
  /** The files pushed into each container, for inspection. */
  public readonly prometheusFiles: readonly ProvisionFile[];
  public readonly grafanaFiles: readonly ProvisionFile[];

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:MonitoringStack", name, {}, opts);
    const { model, platform } = args;
    const child = { parent: this, provider: platform.provider };

    // A user of its own whose privilege-separated token can read, and only read, the cluster. With
    // privilege separation a token holds the intersection of its own and its user's ACLs: both get PVEAuditor.
    const user = new proxmoxve.UserLegacy(`${name}-pve-user`, { userId: MONITORING_USER, enabled: true, comment: "Prometheus exporter (read-only); managed by homelab-as-code" }, child);
    const token = new proxmoxve.user.Token(
      `${name}-pve-token`,
      { userId: user.userId, tokenName: MONITORING_TOKEN, privilegesSeparation: true, comment: "Prometheus exporter; managed by homelab-as-code" },
      child,
    );
    const acls = [
      new proxmoxve.Acl(`${name}-pve-user-acl`, { path: "/", roleId: AUDITOR_ROLE, userId: user.userId, propagate: true }, child),
      new proxmoxve.Acl(`${name}-pve-token-acl`, { path: "/", roleId: AUDITOR_ROLE, tokenId: pulumi.interpolate`${token.userId}!${token.tokenName}`, propagate: true }, child),
    ];
    this.pveTokenId = monitoringTokenId();
    const pveSecret = pulumi.secret(token.value.apply(tokenSecret));

    const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
    this.grafanaAdminPassword = pulumi.secret(password.result);

    this.prometheusFiles = prometheusFiles(model, args.prometheus, pveSecret, args.receiverSecrets);
    this.grafanaFiles = grafanaFiles(model, args.prometheus, args.grafana, this.grafanaAdminPassword);

    this.prometheus = new LxcService(
      args.prometheus.name,
      {
        service: args.prometheus,
        platform,
        recipe: { script: prometheusRecipeScript(args.prometheus), files: this.prometheusFiles },
        dependsOn: [...args.dependsOn, ...acls],
      },
      { parent: this },
    );
    // Its own step after the Debian-packaged daemons: the exporter comes from PyPI.
    new command.remote.Command(`${name}-pve-exporter`, {
      connection: sshConnection(nodeAccess(platform, args.prometheus.node).connection),
      create: execStdinCommand(args.prometheus.vmId),
      stdin: renderRecipeScript(pveExporterInstallScript(), `${name}-pve-exporter`, args.prometheus.vmId),
      triggers: [pveExporterInstallScript()],
      addPreviousOutputInEnv: false,
      // Runs again on a rebuilt Prometheus container, like its own provisioning.
    }, { parent: this, dependsOn: [this.prometheus], replaceWith: [this.prometheus.container] });
    this.grafana = new LxcService(
      args.grafana.name,
      {
        service: args.grafana,
        platform,
        recipe: { script: grafanaRecipeScript(args.grafana), files: this.grafanaFiles },
        dependsOn: [...args.dependsOn, this.prometheus],
      },
      { parent: this },
    );
    this.registerOutputs({ pveTokenId: this.pveTokenId, grafanaAdminPassword: this.grafanaAdminPassword });
  }
}
