import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { Homelab } from "../../config";
import { sshConnection, type HostConnection } from "../shared/connection";
import { hostPackagesCommand } from "./host-packages";
import { tierStorageContents, tierStorageDirCommand, tierStoragePath } from "./tier-storage";

export interface ProxmoxHostArgs {
  readonly proxmox: Homelab["proxmox"];
  /** The tiers; each gets a Proxmox directory storage named by its `proxmoxStorage`. */
  readonly tiers: Homelab["tiers"];
  readonly connection: HostConnection;
  /** Debian packages other components need on the host (restic, prometheus-node-exporter); may be empty. */
  readonly hostPackages: readonly string[];
}

/** The Proxmox node itself: pinned templates, tier storages, host packages. */
export class ProxmoxHost extends pulumi.ComponentResource {
  /** Volume id of each downloaded template, by template key. */
  public readonly templateIds: Record<string, pulumi.Output<string>>;
  /** The directory storage of each tier, by tier name (vzdump writes to the RAID one). */
  public readonly storages: Record<string, proxmoxve.storage.Directory>;
  /** The command that installed the host packages; depend on it before using them. */
  public readonly packages: command.remote.Command;

  constructor(name: string, args: ProxmoxHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:ProxmoxHost", name, {}, opts);
    this.templateIds = {};
    for (const [key, t] of Object.entries(args.proxmox.templates)) {
      const file = new proxmoxve.download.File(
        `${name}-template-${key}`,
        {
          nodeName: args.proxmox.nodeName,
          datastoreId: args.proxmox.templateStorage,
          contentType: "vztmpl",
          url: t.url,
          fileName: t.fileName,
          checksum: t.checksum,
          checksumAlgorithm: t.checksumAlgorithm,
          overwrite: false,
          // Most hosts already hold the template from `pveam download`; take it over instead of failing.
          overwriteUnmanaged: true,
        },
        { parent: this },
      );
      this.templateIds[key] = file.id;
    }

    const connection = sshConnection(args.connection);
    this.storages = {};
    for (const tier of Object.values(args.tiers)) {
      // The provider's storage.Directory has no is_mountpoint input: the base directory is made here,
      // on the mounted tier only, and Proxmox is told not to create it itself (it would, on the root disk).
      const baseDir = tierStorageDirCommand(tier);
      const dir = new command.remote.Command(
        `${name}-storage-${tier.name}-dir`,
        { connection, create: baseDir, update: baseDir, addPreviousOutputInEnv: false },
        { parent: this },
      );
      this.storages[tier.name] = new proxmoxve.storage.Directory(
        `${name}-storage-${tier.name}`,
        {
          resourceId: tier.proxmoxStorage,
          path: tierStoragePath(tier),
          nodes: [args.proxmox.nodeName],
          contents: tierStorageContents(tier),
          createBasePath: false,
          shared: false,
        },
        // Removing a directory storage from Proxmox keeps its files; backups on it are never deleted here.
        { parent: this, dependsOn: [dir] },
      );
    }

    const install = hostPackagesCommand(args.hostPackages, args.proxmox.aptRepository);
    this.packages = new command.remote.Command(
      `${name}-packages`,
      // Removing a package from the list leaves it installed: other tools on the host may use it.
      // apt's output is not fed back into the next run's environment (nor kept growing in state).
      { connection, create: install, update: install, addPreviousOutputInEnv: false },
      { parent: this },
    );
    this.registerOutputs({ templateIds: this.templateIds });
  }
}
