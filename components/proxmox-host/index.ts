import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import type { Homelab } from "../../config";
import type { HostConnection } from "../shared/connection";

export interface ProxmoxHostArgs {
  readonly proxmox: Homelab["proxmox"];
  readonly tiers: Homelab["tiers"];
  readonly connection: HostConnection;
}

/** The Proxmox node itself: pinned templates, tier storages, host packages. */
export class ProxmoxHost extends pulumi.ComponentResource {
  /** Volume id of each downloaded template, by template key. */
  public readonly templateIds: Record<string, pulumi.Output<string>>;

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
        },
        { parent: this },
      );
      this.templateIds[key] = file.id;
    }
    this.registerOutputs({ templateIds: this.templateIds });
  }
}
