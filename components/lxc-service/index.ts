import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import type { Service } from "../../config";
import type { ContainerPlatform } from "../shared/platform";
import type { ProvisionFile, Recipe } from "./types";

export type { ProvisionFile, Recipe } from "./types";

export interface LxcServiceArgs {
  /** The service from the model: placement, sizes, mounts, devices. */
  readonly service: Service;
  readonly platform: ContainerPlatform;
  /** The install recipe. Defaults to the catalog recipe of the service's app. */
  readonly recipe?: Recipe;
  /** Files other components render for this service (configs, 0600 env files with secrets). */
  readonly files?: readonly ProvisionFile[];
  /** Resources that must exist before the container is created (dataset directories, the database). */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/** One unprivileged LXC per service: the container, its bind mounts, and its provisioning. */
export class LxcService extends pulumi.ComponentResource {
  public readonly vmId: pulumi.Output<number>;
  public readonly ip: string;
  public readonly container: proxmoxve.ContainerLegacy;

  constructor(name: string, args: LxcServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:LxcService", name, {}, opts);
    const { service: s, platform } = args;
    const lane = platform.lanes.take();
    const prefix = platform.network.cidr.prefix;
    this.container = new proxmoxve.ContainerLegacy(
      `${name}-container`,
      {
        nodeName: platform.proxmox.nodeName,
        vmId: s.vmId,
        description: `${s.description}\nManaged by homelab-as-code (${s.configPath}).`,
        unprivileged: s.unprivileged,
        cpu: { cores: s.cores },
        memory: { dedicated: s.memoryMiB, swap: s.swapMiB },
        disk: { datastoreId: platform.proxmox.rootStorage, size: s.diskGiB },
        operatingSystem: {
          templateFileId: platform.templateIds[s.template] ?? s.template,
          type: platform.proxmox.templates[s.template]?.osType ?? "debian",
        },
        initialization: {
          hostname: s.hostname,
          ipConfigs: [{ ipv4: { address: `${s.ip}/${prefix}`, gateway: platform.network.gateway } }],
          dns: { domain: platform.network.searchDomain, servers: [...platform.network.dns] },
          userAccount: { keys: [...platform.proxmox.sshPublicKeys] },
        },
        networkInterfaces: [{ name: "eth0", bridge: platform.network.bridge, firewall: true }],
        mountPoints: s.mounts.map((m) => ({ volume: m.hostPath, path: m.path, readOnly: m.readOnly, backup: false })),
        features: { nesting: s.features.nesting, keyctl: s.features.keyctl, fuse: s.features.fuse },
        devicePassthroughs: s.devices.map((d) => ({ path: d.path, gid: d.gid, mode: d.mode })),
        startOnBoot: true,
        started: true,
        startup: { order: s.startupOrder, upDelay: s.role === "postgres" ? 15 : 0 },
        tags: [...new Set(["homelab", s.role, ...s.tags])].sort(),
      },
      { parent: this, provider: platform.provider, dependsOn: [...lane.after, ...(args.dependsOn ?? [])] },
    );
    lane.done(this.container);
    this.vmId = this.container.vmId;
    this.ip = s.ip;
    this.registerOutputs({ vmId: this.vmId, ip: this.ip });
  }
}
