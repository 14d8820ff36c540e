import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { Homelab, Tier } from "../../config";
import { sshConnection, type HostConnection } from "../shared/connection";
import { updatesInstallCommand, updatesRemoveCommand } from "./container-updates";
import { hostPackagesCommand } from "./host-packages";
import { tierStorageContents, tierStorageDirCommand, tierStoragePath } from "./tier-storage";

export interface ProxmoxHostArgs {
  readonly proxmox: Homelab["proxmox"];
  /** The tiers; each gets a Proxmox directory storage named by its `proxmoxStorage`. */
  readonly tiers: Homelab["tiers"];
  /** The nodes: the single host, or every node of the cluster (each gets templates, tier directories, packages). */
  readonly nodes: Homelab["nodes"];
  /** `homelab:proxmox.nodes` is declared: each node's resources carry its name. */
  readonly clustered: boolean;
  /** SSH access to each node, by node name. */
  readonly connections: Readonly<Record<string, HostConnection>>;
  /** Debian packages other components need on the host (restic, prometheus-node-exporter); may be empty. */
  readonly hostPackages: readonly string[];
}

/** The Proxmox node itself, or every node of a cluster: pinned templates, tier storages, host packages. */
export class ProxmoxHost extends pulumi.ComponentResource {
  /** Volume id of each downloaded template, by node name, then template key. */
  public readonly templateIds: Record<string, Record<string, pulumi.Output<string>>>;
  /** The directory storage of each tier, by tier name (vzdump writes to the RAID one). */
  public readonly storages: Record<string, proxmoxve.storage.Directory>;
  /** The commands that installed the host packages, one per node; depend on them before using them. */
  public readonly packages: command.remote.Command[];

  constructor(name: string, args: ProxmoxHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:ProxmoxHost", name, {}, opts);
    // A single host keeps the names it always had; on a cluster each node's resources carry its name.
    const prefix = (node: string): string => (args.clustered ? `${name}-${node}` : name);
    const connectionOf = (node: string): ReturnType<typeof sshConnection> => {
      const c = args.connections[node];
      if (c === undefined) throw new Error(`no SSH access for node ${node}; the composition and the nodes disagree`);
      return sshConnection(c);
    };
    this.templateIds = {};
    const dirs = new Map<string, command.remote.Command[]>();
    this.packages = [];
    const install = hostPackagesCommand(args.hostPackages, args.proxmox.aptRepository);
    for (const node of args.nodes) {
      const ids: Record<string, pulumi.Output<string>> = {};
      // Templates live on each node's own template storage, so every node downloads its copy.
      for (const [key, t] of Object.entries(args.proxmox.templates)) {
        const file = new proxmoxve.download.File(
          `${prefix(node.name)}-template-${key}`,
          {
            nodeName: node.name,
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
        ids[key] = file.id;
      }
      this.templateIds[node.name] = ids;

      const connection = connectionOf(node.name);
      for (const tier of node.tiers.map((t) => args.tiers[t]).filter((t): t is Tier => t !== undefined)) {
        // The provider's storage.Directory has no is_mountpoint input: the base directory is made here,
        // on the mounted tier only, and Proxmox is told not to create it itself (it would, on the root disk).
        const baseDir = tierStorageDirCommand(tier);
        const dir = new command.remote.Command(
          `${prefix(node.name)}-storage-${tier.name}-dir`,
          { connection, create: baseDir, update: baseDir, addPreviousOutputInEnv: false },
          { parent: this },
        );
        dirs.set(tier.name, [...(dirs.get(tier.name) ?? []), dir]);
      }

      const packages = new command.remote.Command(
        `${prefix(node.name)}-packages`,
        // Removing a package from the list leaves it installed: other tools on the host may use it.
        // apt's output is not fed back into the next run's environment (nor kept growing in state).
        { connection, create: install, update: install, addPreviousOutputInEnv: false },
        { parent: this },
      );
      this.packages.push(packages);
      // Where node-exporter runs, it also reports what each container's unattended-upgrades left undone.
      if (args.hostPackages.includes("prometheus-node-exporter")) {
        const updates = updatesInstallCommand();
        new command.remote.Command(
          `${prefix(node.name)}-container-updates`,
          { connection, create: updates, update: updates, delete: updatesRemoveCommand, addPreviousOutputInEnv: false },
          { parent: this, dependsOn: [packages] },
        );
      }
    }

    // Storage definitions are cluster-wide in Proxmox: one per tier, limited to the nodes that have it.
    this.storages = {};
    for (const tier of Object.values(args.tiers)) {
      this.storages[tier.name] = new proxmoxve.storage.Directory(
        `${name}-storage-${tier.name}`,
        {
          resourceId: tier.proxmoxStorage,
          path: tierStoragePath(tier),
          nodes: args.nodes.filter((n) => n.tiers.includes(tier.name)).map((n) => n.name),
          contents: tierStorageContents(tier),
          createBasePath: false,
          // A shared tier is the same files on every node; Proxmox then migrates without copying them.
          shared: args.clustered && tier.shared,
        },
        // Removing a directory storage from Proxmox keeps its files; backups on it are never deleted here.
        { parent: this, dependsOn: dirs.get(tier.name) ?? [] },
      );
    }
    this.registerOutputs({ templateIds: this.templateIds });
  }
}
