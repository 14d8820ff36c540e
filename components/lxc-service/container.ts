import type * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type { Service } from "../../config";
import { nodeAccess, type ContainerPlatform } from "../shared/platform";

/** Proxmox tags: lower-case, sorted and unique, so the tag list never shows a diff by itself. */
export const containerTags = (s: Pick<Service, "role" | "tags">): string[] => [...new Set(["homelab", s.role, ...s.tags])].sort();

/** Only the features the app needs: flags other than nesting need root@pam, and each widens the container. */
export function containerFeatures(s: Pick<Service, "features">): proxmoxve.types.input.ContainerLegacyFeatures | undefined {
  const on = Object.entries(s.features).filter(([, enabled]) => enabled);
  return on.length === 0 ? undefined : Object.fromEntries(on.map(([k]) => [k, true]));
}

/** Seconds the next container waits after this one starts: the database gets time to accept connections. */
const upDelay = (s: Pick<Service, "role">): number => (s.role === "postgres" ? 15 : 0);

/**
 * The description Proxmox shows. A privileged container carries its stated reason as a
 * `Privileged because: <reason>` line, which is what the policy pack reads to accept it.
 */
export function containerDescription(s: Pick<Service, "description" | "configPath" | "unprivileged" | "privilegedReason">): string {
  const why = !s.unprivileged && s.privilegedReason !== undefined ? [`Privileged because: ${s.privilegedReason}`] : [];
  return [s.description, ...why, `Managed by homelab-as-code (${s.configPath}).`].join("\n");
}

/** The container's inputs, from the model alone (plus the downloaded template's volume id). */
export function containerArgs(s: Service, platform: ContainerPlatform): proxmoxve.ContainerLegacyArgs {
  const prefix = platform.network.cidr.prefix;
  const features = containerFeatures(s);
  return {
    nodeName: s.node,
    vmId: s.vmId,
    description: containerDescription(s),
    // Stated explicitly: the provider's default is privileged.
    unprivileged: s.unprivileged,
    cpu: { cores: s.cores },
    memory: { dedicated: s.memoryMiB, swap: s.swapMiB },
    disk: { datastoreId: platform.proxmox.rootStorage, size: s.diskGiB },
    operatingSystem: {
      templateFileId: nodeAccess(platform, s.node).templateIds[s.template] ?? s.template,
      type: platform.proxmox.templates[s.template]?.osType ?? "debian",
    },
    initialization: {
      hostname: s.hostname,
      ipConfigs: [{ ipv4: { address: `${s.ip}/${prefix}`, gateway: platform.network.gateway } }],
      dns: { domain: platform.network.searchDomain, servers: [...platform.network.dns] },
      userAccount: { keys: [...platform.proxmox.sshPublicKeys] },
    },
    networkInterfaces: [{ name: "eth0", bridge: platform.network.bridge, firewall: true }],
    // Datasets are backed up by restic from the host, not by vzdump with the container.
    mountPoints: s.mounts.map((m) => ({ volume: m.hostPath, path: m.path, readOnly: m.readOnly, backup: false })),
    ...(features ? { features } : {}),
    devicePassthroughs: s.devices.map((d) => ({ path: d.path, gid: d.gid, mode: d.mode })),
    startOnBoot: true,
    started: true,
    // Without it the provider waits only 10 s for an address; provisioning starts with apt over the network.
    waitForIp: { ipv4: true },
    startup: { order: s.startupOrder, upDelay: upDelay(s) },
    tags: containerTags(s),
    // Containers are cattle: the data lives on datasets, so the container itself is not protected.
    protection: false,
  };
}
