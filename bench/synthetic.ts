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
