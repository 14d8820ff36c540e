import type * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";
import type { Homelab } from "../../config";
import type { HostConnection } from "./connection";
import type { CreationLanes } from "./lanes";

/** What a container needs from the node it runs on. */
export interface NodeAccess {
  readonly connection: HostConnection;
  /** Volume ids of the templates downloaded onto this node, by template key. */
  readonly templateIds: Readonly<Record<string, pulumi.Input<string>>>;
}

/** What every container needs from the host, built once by the composition. */
export interface ContainerPlatform {
  readonly domain: string;
  readonly network: Homelab["network"];
  readonly proxmox: Homelab["proxmox"];
  /** Volume ids of the downloaded templates, by template key. */
  readonly templateIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** SSH access to the node the API endpoint is on (the only node of a single host). */
  readonly connection: HostConnection;
  /** On a cluster: each node's SSH access and templates; a container is provisioned through its own node. */
  readonly nodes?: Readonly<Record<string, NodeAccess>>;
  readonly lanes: CreationLanes;
  readonly provider: proxmoxve.Provider;
  /** When true, data-bearing resources are not protected and may be deleted by a destroy. */
  readonly allowDataLoss: boolean;
}

/** The SSH access and templates of the node a service runs on (the platform's own on a single host). */
export const nodeAccess = (platform: ContainerPlatform, node: string): NodeAccess => platform.nodes?.[node] ?? { connection: platform.connection, templateIds: platform.templateIds };
