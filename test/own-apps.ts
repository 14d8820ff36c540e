/** The community-scripts/ProxmoxVE commit the README's AdGuard example pins. */
export const ADGUARD_COMMIT = "f312f9b2204b41f51d58cc9cbfc604edbc59c0db";

/** The README's three apps outside the catalog, added to the example stack. */
export function withOwnApps(config: Record<string, unknown>): Record<string, unknown> {
  const services = config["homelab:services"] as Record<string, unknown>;
  services.adguard = {
    vmId: 150,
    ip: "192.168.1.150",
    cores: 1,
    memoryMiB: 512,
    diskGiB: 4,
    user: { name: "adguard", uid: 1000, gid: 1000 },
    datasets: { data: { tier: "nvme", path: "/opt/AdGuardHome", quotaGiB: 2, content: "state" } },
    web: { port: 3000, exposure: "lan" },
    statePaths: ["/opt/AdGuardHome"],
    install: { method: "helper-script", script: "adguard", commit: ADGUARD_COMMIT },
  };
  services.mealie = {
    vmId: 151,
    ip: "192.168.1.151",
    cores: 2,
    memoryMiB: 1024,
    diskGiB: 8,
    features: { nesting: true, keyctl: true },
    user: { name: "mealie", uid: 1000, gid: 1000 },
    datasets: { data: { tier: "nvme", path: "/srv/mealie", quotaGiB: 10, content: "state" } },
    web: { port: 9000 },
    database: { pool: 10 },
    statePaths: ["/srv/mealie"],
    install: { method: "compose" },
  };
  services.mosquitto = {
    vmId: 152,
    ip: "192.168.1.152",
    cores: 1,
    memoryMiB: 256,
    diskGiB: 4,
    user: { name: "mosquitto", uid: 1883, gid: 1883 },
    install: { method: "debian", packages: { mosquitto: "2.0.*" } },
  };
  return config;
}

