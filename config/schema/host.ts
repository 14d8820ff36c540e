import * as z from "zod";
import { absolutePath, dnsLabel, ipv4, proxmoxCalendar } from "./common";

/** An LXC template pinned by checksum, downloaded once onto the host. */
export const templateSchema = z.strictObject({
  /** Download URL of the template archive. */
  url: z.string().url(),
  /** File name on the host's template storage. */
  fileName: z.string().regex(/^[A-Za-z0-9._-]+\.tar\.(zst|xz|gz)$/, { message: "must be a template archive name ending in .tar.zst, .tar.xz or .tar.gz" }),
  /** Checksum that pins the exact archive; a changed upstream file fails the download. */
  checksum: z.string().regex(/^[0-9a-f]{64}([0-9a-f]{64})?$/, { message: "must be a hex sha256 or sha512 checksum" }),
  /** Algorithm of `checksum`. Defaults to sha512. */
  checksumAlgorithm: z.enum(["sha256", "sha512"]).default("sha512"),
  /** Proxmox OS type of the template. Defaults to debian. */
  osType: z.enum(["debian", "ubuntu", "alpine"]).default("debian"),
});

/** One node of a Proxmox VE cluster: what it has, for placement and its own budget. */
export const nodeSchema = z.strictObject({
  /** SSH address of the node for provisioning. */
  sshAddress: ipv4,
  /** SSH port of the node. Defaults to 22. */
  sshPort: z.number().int().min(1).max(65535).default(22),
  /** Physical RAM of the node in MiB. */
  ramMiB: z.number().int().min(2048),
  /** RAM kept for the node itself in MiB. Defaults to 4096 MiB. */
  reservedRamMiB: z.number().int().min(512).default(4096),
  /** Physical CPU threads of the node. */
  cores: z.number().int().min(1),
  /** The node-local tiers this node has (shared tiers are on every node). */
  tiers: z.array(dnsLabel).default([]),
  /** Devices this node can pass through, e.g. /dev/dri/renderD128; a service asking for one is placed here. */
  devices: z.array(absolutePath).default([]),
  /** This node's own size of a node-local tier, in GiB, where it differs from the tier's capacityGiB. */
  capacityGiB: z.record(dnsLabel, z.number().int().min(1)).default({}),
});

/** A rule of the HA manager (Proxmox VE 9 replaced HA groups with these). */
export const haRuleSchema = z.strictObject({
  /** node-affinity keeps the services on the listed nodes by priority; resource-affinity keeps them together or apart. */
  type: z.enum(["node-affinity", "resource-affinity"]),
  /** The HA services (ha: true) the rule applies to. */
  services: z.array(dnsLabel).min(1),
  /** node-affinity: the nodes and their priority (higher first). */
  nodes: z.record(dnsLabel, z.number().int().min(0).max(1000)).optional(),
  /** node-affinity: never run them on a node not listed, even when all listed nodes are down. Defaults to false. */
  strict: z.boolean().default(false),
  /** resource-affinity: positive keeps the services on one node, negative on different nodes. */
  affinity: z.enum(["positive", "negative"]).optional(),
});

/** The HA manager on a cluster: its rules and how the root disks of HA containers are replicated. */
export const haSchema = z.strictObject({
  /** HA rules by name. */
  rules: z.record(dnsLabel, haRuleSchema).default({}),
  /** How often a ZFS root disk of an HA container is replicated to its failover nodes (a systemd calendar event). Defaults to every 15 minutes. */
  replicationSchedule: proxmoxCalendar.default("*/15"),
  /** How often the HA manager restarts a failed service on its node before moving it. Defaults to 1. */
  maxRestart: z.number().int().min(0).max(10).default(1),
  /** How often it moves a service that fails to start to another node. Defaults to 1. */
  maxRelocate: z.number().int().min(0).max(10).default(1),
});

export const proxmoxSchema = z.strictObject({
  /** Proxmox node name (`pvecm nodes`, the name in the web UI). Defaults to `pve`. */
  nodeName: dnsLabel.default("pve"),
  /** API endpoint, e.g. https://192.168.1.10:8006/. */
  endpoint: z.string().url().refine((u) => u.startsWith("https://"), { message: "must be an https:// URL" }),
  /** Accept the host's self-signed certificate. Defaults to true (a fresh Proxmox install has one). */
  insecure: z.boolean().default(true),
  /**
   * How the provider authenticates. Bind mounts and device passthrough need `password` (root@pam);
   * an API token cannot create them. Defaults to password.
   */
  auth: z.enum(["password", "apiToken"]).default("password"),
  /** SSH address of the host for provisioning (pct push / pct exec). */
  sshAddress: ipv4,
  /** SSH port of the host. Defaults to 22. */
  sshPort: z.number().int().min(1).max(65535).default(22),
  /** Physical RAM of the host in MiB. */
  ramMiB: z.number().int().min(2048),
  /** RAM kept for the host itself (ZFS ARC, the hypervisor) in MiB; containers must fit in the rest. Defaults to 4096 MiB. */
  reservedRamMiB: z.number().int().min(512).default(4096),
  /** Physical CPU threads of the host. */
  cores: z.number().int().min(1),
  /**
   * Proxmox package repository for host packages. `enterprise` (the default) leaves the host's sources
   * as they are and names this setting when the enterprise repository answers 401; `no-subscription`
   * disables the enterprise sources and adds Proxmox's public pve-no-subscription source for VE 8
   * (bookworm) or VE 9 (trixie) beside the host's other sources, unless an enabled one is there.
   */
  aptRepository: z.enum(["enterprise", "no-subscription"]).default("enterprise"),
  /** Containers created at once; Proxmox fails concurrent creates with lock timeouts. Defaults to 2. */
  parallelCreates: z.number().int().min(1).max(8).default(2),
  /** Proxmox storage that holds container root disks (on the NVMe). Defaults to `local-lvm`. */
  rootStorage: z.string().regex(/^[a-z][a-z0-9-]*$/).default("local-lvm"),
  /**
   * What kind of storage rootStorage is, on a cluster: an HA container restarts on another node only when
   * its root disk is there, on shared storage or replicated from a ZFS pool (zfspool). Defaults to lvmthin.
   */
  rootStorageType: z.enum(["lvmthin", "zfspool", "shared"]).default("lvmthin"),
  /** Proxmox storage that holds templates. Defaults to `local`. */
  templateStorage: z.string().regex(/^[a-z][a-z0-9-]*$/).default("local"),
  /** LXC templates by key; services pick one with `template`. */
  templates: z.record(dnsLabel, templateSchema).refine((t) => Object.keys(t).length > 0, { message: "must declare at least one template" }),
  /**
   * The nodes of a Proxmox VE cluster by name. Left out, the host above is the only node and
   * `nodeName`, `ramMiB`, `cores` and `reservedRamMiB` describe it.
   */
  nodes: z.record(dnsLabel, nodeSchema).optional(),
  /** On a cluster: HA rules, replication schedule and restart policy of the HA services. */
  ha: haSchema.default({ rules: {}, replicationSchedule: "*/15", maxRestart: 1, maxRelocate: 1 }),
  /** Public SSH keys put into every container's root account. */
  sshPublicKeys: z.array(z.string().regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256) [A-Za-z0-9+\/=]+( .*)?$/, { message: "must be an OpenSSH public key" })).min(1),
});

export const networkSchema = z.strictObject({
  /** Linux bridge the containers attach to. Defaults to vmbr0. */
  bridge: z.string().regex(/^vmbr\d+$/, { message: "must be a Proxmox bridge like vmbr0" }).default("vmbr0"),
  /** The LAN in CIDR form, e.g. 192.168.1.0/24. */
  cidr: z.string(),
  /** Default gateway of the LAN. */
  gateway: ipv4,
  /** DNS servers for the containers. */
  dns: z.array(ipv4).min(1),
  /** Search domain for the containers. Defaults to the homelab domain. */
  searchDomain: z.string().optional(),
  /** Networks allowed to reach admin interfaces (Postgres admin, LAN-only routes). Defaults to the LAN. */
  adminCidrs: z.array(z.string()).optional(),
  /**
   * Where the operator runs `pulumi up` from: the postgresql provider logs in to the shared Postgres as
   * its superuser from there, so only these networks (and the Proxmox host) may, and never a container
   * inside them. CIDRs, or /32 for one address. Defaults to adminCidrs.
   */
  operatorCidrs: z.array(z.string()).optional(),
  /**
   * Turn on Proxmox's datacenter firewall, which is what makes the per-container rules and the host's
   * rules take effect (inbound dropped unless a rule from the model allows it). Defaults to false: the
   * first `pulumi up` writes every rule while they are still inert; set it true once the plan's
   * firewall matrix is what you expect (see docs/security.md, "Firewall").
   */
  datacenterFirewall: z.boolean().default(false),
});
