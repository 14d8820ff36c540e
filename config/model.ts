import type { Cidr } from "./net";
import type { AppSpec, DatasetContent, Exposure, FirstBoot, InstallSpec, Sections, ServiceRole, TierClass, TierKind, TierName } from "./schema";

/** The resolved, immutable homelab every component reads. Built only from a valid stack file. */

export interface Tier {
  readonly name: TierName;
  readonly class: TierClass;
  /** The tier a dataset asking for its class gets (marked, or the only tier of the class). */
  readonly default: boolean;
  /** A local disk, or an NFS/CIFS share the host mounts: no quota is enforced on it, and no database lives there. */
  readonly kind: TierKind;
  readonly path: string;
  readonly capacityGiB: number;
  readonly proxmoxStorage: string;
  /** A mounted filesystem (checked with `mountpoint -q`), or a plain directory when false. */
  readonly mountPoint: boolean;
  /** Mounted at the same path on every node of a cluster (NFS, CIFS, CephFS); otherwise each node has its own. */
  readonly shared: boolean;
}

/** A Proxmox node: the single host, or one node of a cluster. */
export interface ClusterNode {
  readonly name: string;
  readonly sshAddress: string;
  readonly sshPort: number;
  readonly ramMiB: number;
  readonly reservedRamMiB: number;
  readonly cores: number;
  /** Every tier reachable on the node: its own node-local tiers and the shared ones. */
  readonly tiers: readonly TierName[];
  readonly devices: readonly string[];
  /** Its own size of node-local tiers, by tier, where it differs from the tier's capacityGiB. */
  readonly capacityGiB: Readonly<Record<TierName, number>>;
  /** Config path of its declaration (`homelab:proxmox.nodes.<name>`, or `homelab:proxmox` for the single host). */
  readonly configPath: string;
}

export interface Dataset {
  /** Unique name: a shared dataset's key, or `<service>-<key>` for an app's own. */
  readonly name: string;
  readonly tier: TierName;
  /** Absolute directory on the host. */
  readonly hostPath: string;
  readonly quotaGiB: number;
  /** Owner inside the container. */
  readonly uid: number;
  readonly gid: number;
  /** Owner on the host: shifted by 100000 when the containers that mount it are unprivileged. */
  readonly hostUid: number;
  readonly hostGid: number;
  readonly mode: string;
  readonly content: DatasetContent;
  readonly backup: boolean;
  readonly excludes: readonly string[];
  /** Live SQLite databases in it, relative to it; backed up from an online copy. */
  readonly sqlite: readonly string[];
  /** Chown pre-existing content once to the owner (opt-in). */
  readonly adopt: boolean;
  /** The service that owns it, or undefined for a shared dataset. */
  readonly owner: string | undefined;
  /** Config path of its declaration, for messages. */
  readonly configPath: string;
}

export interface Mount {
  readonly dataset: string;
  readonly tier: TierName;
  readonly hostPath: string;
  /** Mount point inside the container. */
  readonly path: string;
  readonly readOnly: boolean;
}

export interface Route {
  readonly subdomain: string;
  readonly fqdn: string;
  readonly port: number;
  readonly healthPath: string;
  /** The exposure in effect: `protected` while a wizard app's public route is held for its setup. */
  readonly exposure: Exposure;
  /** The stack file asks for `public`, but the app's setup wizard is still open: held behind Access. */
  readonly heldForSetup: boolean;
  /** Config path of its declaration: `homelab:services.<name>.web` or `...extraRoutes.<subdomain>`. */
  readonly configPath: string;
}

export interface DatabaseNeed {
  readonly name: string;
  readonly user: string;
  readonly pool: number;
  readonly extensions: readonly string[];
}

/** A vendor apt repository, its fingerprint normalised to 40 upper-case hex digits. */
export type VendorRepository = NonNullable<InstallSpec["repository"]>;

/** An install described in the stack file and the repository instead of by a catalog recipe. */
export type InstallSource =
  /** A compose file of the repository, checked: pinned images, volumes on the service's datasets. */
  | { readonly kind: "compose"; readonly file: string; readonly text: string }
  /** A shell script of the repository, run as root in the container. */
  | { readonly kind: "script"; readonly file: string; readonly text: string }
  /** Packages by upstream version glob, from Debian or a vendor repository. */
  | { readonly kind: "debian"; readonly packages: Readonly<Record<string, string>>; readonly repository: VendorRepository | undefined }
  /** community-scripts/ProxmoxVE install/<script>-install.sh at a commit. */
  | { readonly kind: "helper-script"; readonly script: string; readonly commit: string; readonly sha256: string | undefined };

export interface Install {
  readonly method: InstallSpec["method"];
  /** The version a catalog recipe installs; empty when `source` describes the install. */
  readonly version: string;
  /** What installs the app when it is not the catalog's recipe. */
  readonly source: InstallSource | undefined;
  /** The version running now, as the stack file says (`install.from`); compared with `version` by the upgrade checks. */
  readonly from: string | undefined;
  /** SHA-256 of a catalog `binary` recipe's release download (`install.sha256`), verified when set. */
  readonly sha256?: string;
}

export interface Service {
  readonly name: string;
  readonly app: string;
  readonly role: ServiceRole;
  readonly description: string;
  readonly vmId: number;
  readonly hostname: string;
  readonly ip: string;
  readonly template: string;
  readonly cores: number;
  readonly memoryMiB: number;
  readonly swapMiB: number;
  readonly diskGiB: number;
  readonly unprivileged: boolean;
  readonly privilegedReason: string | undefined;
  readonly features: AppSpec["features"];
  readonly devices: AppSpec["devices"];
  readonly user: AppSpec["user"];
  readonly mounts: readonly Mount[];
  readonly routes: readonly Route[];
  readonly metrics: AppSpec["metrics"];
  readonly database: DatabaseNeed | undefined;
  /** Services whose containers may reach this one's route ports directly (the firewall opens them). */
  readonly allowFrom: readonly string[];
  readonly statePaths: readonly string[];
  readonly install: Install;
  readonly upgrade: AppSpec["upgrade"];
  readonly startupOrder: number;
  readonly tags: readonly string[];
  readonly firstBoot: FirstBoot;
  readonly setupDone: boolean;
  /** Config path of the service entry, e.g. `homelab:services.immich`. */
  readonly configPath: string;
  /** The node it runs on. */
  readonly node: string;
  /** Why it runs there: the stack file's `node:`, a passed-through device, its node-local data, or the bin-packing. */
  readonly placedBy: "stack file" | "device" | "data" | "packing" | "single node";
  /** The HA manager restarts it elsewhere when its node fails (`ha: true`, allowed only when its data can follow). */
  readonly ha: boolean;
}

export interface Network {
  readonly bridge: string;
  readonly cidr: Cidr;
  readonly cidrText: string;
  readonly gateway: string;
  readonly dns: readonly string[];
  readonly searchDomain: string;
  readonly adminCidrs: readonly string[];
  /** Where `pulumi up` runs from; the Postgres superuser is let in only from these (and the host). */
  readonly operatorCidrs: readonly string[];
  /** Whether the program turns the datacenter firewall on (`homelab:network.datacenterFirewall`). */
  readonly datacenterFirewall: boolean;
}

export interface Homelab {
  readonly domain: string;
  readonly allowDataLoss: boolean;
  readonly proxmox: Sections["proxmox"];
  /** The nodes: the single host, or the cluster's nodes in the stack file's order. */
  readonly nodes: readonly ClusterNode[];
  /** `homelab:proxmox.nodes` is declared: budgets, placement and HA are per node. */
  readonly clustered: boolean;
  readonly network: Network;
  /** Every tier by name, in the stack file's order. */
  readonly tiers: Readonly<Record<TierName, Tier>>;
  /** Every dataset, shared and per-app, sorted by name. */
  readonly datasets: readonly Dataset[];
  /** Every service in the stack file's order. */
  readonly services: readonly Service[];
  readonly postgres: Sections["postgres"];
  readonly ingress: Sections["ingress"];
  readonly backup: Sections["backup"];
  readonly monitoring: Sections["monitoring"];
}

/** A problem found in the stack file, located by its config path. */
export interface Problem {
  readonly path: string;
  readonly message: string;
  /** The service a problem says is missing; dropped when that service is declared but failed its own checks. */
  readonly missingService?: string;
}

export const formatProblem = (p: Problem): string => `${p.path}: ${p.message}`;
