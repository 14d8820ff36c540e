import { catalog } from "../config";
import { intToIp, ipToInt } from "../config/net";

/**
 * A synthetic homelab of `count` services: the example's infrastructure plus apps cycling through the
 * catalog, on a /16 with a host big enough to hold them, so only the program's own scaling is measured.
 */
export function syntheticConfig(example: Record<string, unknown>, count: number): Record<string, unknown> {
  const config = structuredClone(example);
  const exampleServices = config["homelab:services"] as Record<string, Record<string, unknown>>;
  const infra = Object.entries(exampleServices).filter(([name]) => ["postgres", "traefik", "cloudflared", "prometheus", "grafana"].includes(name));
  const appNames = Object.keys(catalog).filter((a) => catalog[a]?.role === undefined || catalog[a]?.role === "app").sort();
  const services: Record<string, Record<string, unknown>> = {};
  let next = ipToInt("10.20.0.10");
  let vmId = 1000;
  const place = (): { vmId: number; ip: string } => ({ vmId: vmId++, ip: intToIp(next++) });
  for (const [name, entry] of infra) services[name] = { ...entry, ...place() };
  for (let i = 0; Object.keys(services).length < count; i++) {
    const app = appNames[i % appNames.length] ?? "syncthing";
    const name = `${app}-${Math.floor(i / appNames.length) + 1}`;
    const entry: Record<string, unknown> = { app, ...place() };
    if (app === "jellyfin") entry.devices = [];
    services[name] = entry;
  }
  // The shared server grows with the pools it serves (16 MiB per connection).
  const postgres = services.postgres;
  if (postgres) postgres.memoryMiB = 4096 + count * 96;
  config["homelab:services"] = services;
  config["homelab:network"] = { ...(config["homelab:network"] as object), cidr: "10.20.0.0/16", gateway: "10.20.0.1", dns: ["10.20.0.1"], adminCidrs: ["10.20.0.0/16"] };
  const proxmox = config["homelab:proxmox"] as Record<string, unknown>;
  Object.assign(proxmox, { sshAddress: "10.20.0.2", endpoint: "https://10.20.0.2:8006/", ramMiB: count * 8192 + 8192, cores: 64 });
  const storage = config["homelab:storage"] as { tiers: Record<string, Record<string, unknown>> };
  storage.tiers.nvme!.capacityGiB = count * 2000;
  storage.tiers.raid!.capacityGiB = count * 20000;
  return config;
}

/**
 * The synthetic homelab of `count` services on a cluster of `nodes` nodes: every node has its own NVMe
 * and RAID, an NFS share is on all of them, and the syncthing instances keep their data there and are
 * HA, so placement, per-node budgets, HA resources and replication are all part of what is measured.
 */
export function syntheticClusterConfig(example: Record<string, unknown>, count: number, nodes: number): Record<string, unknown> {
  const config = syntheticConfig(example, count);
  const proxmox = config["homelab:proxmox"] as Record<string, unknown>;
  const ramMiB = Math.ceil((count * 8192) / nodes) + 8192;
  proxmox.nodes = Object.fromEntries(
    Array.from({ length: nodes }, (_, i) => [i === 0 ? "pve" : `pve${i + 1}`, { sshAddress: intToIp(ipToInt("10.20.0.2") + i), ramMiB, cores: 64, tiers: ["nvme", "raid"] }]),
  );
  proxmox.rootStorageType = "zfspool";
  const storage = config["homelab:storage"] as { tiers: Record<string, Record<string, unknown>> };
  storage.tiers.nvme!.default = true;
  storage.tiers.shared = { class: "fast", kind: "nfs", path: "/mnt/shared", capacityGiB: count * 500, proxmoxStorage: "shared-nfs" };
  const services = config["homelab:services"] as Record<string, Record<string, unknown>>;
  for (const [name, entry] of Object.entries(services)) {
    if (entry.app === "syncthing") Object.assign(entry, { ha: true, datasets: { config: { tier: "shared" }, sync: { tier: "shared" } } });
    else if (name === "syncthing") Object.assign(entry, { ha: true });
  }
  return config;
}
