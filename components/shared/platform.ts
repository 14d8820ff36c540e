import type * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";
import type { Homelab } from "../../config";
import type { HostConnection } from "./connection";
import type { CreationLanes } from "./lanes";

/** What every container needs from the host, built once by the composition. */
export interface ContainerPlatform {
  readonly domain: string;
  readonly network: Homelab["network"];
  readonly proxmox: Homelab["proxmox"];
  /** Volume ids of the downloaded templates, by template key. */
  readonly templateIds: Readonly<Record<string, pulumi.Input<string>>>;
  readonly connection: HostConnection;
  readonly lanes: CreationLanes;
  readonly provider: proxmoxve.Provider;
  /** When true, data-bearing resources are not protected and may be deleted by a destroy. */
  readonly allowDataLoss: boolean;
}
