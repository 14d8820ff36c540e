import type { DatabasePlan } from "./databases";

/** Memory settings in MiB, sized from the container's memory limit. */
export interface MemorySettings {
  readonly sharedBuffersMiB: number;
  readonly effectiveCacheSizeMiB: number;
  readonly workMemMiB: number;
  readonly maintenanceWorkMemMiB: number;
}

/**
 * A quarter of the container for shared buffers, three quarters as the planner's cache estimate (the
 * container's page cache), and work_mem such that every connection running three sorts at once still
 * fits in what shared buffers leave.
 */
export function memorySettings(memoryMiB: number, maxConnections: number): MemorySettings {
  const sharedBuffersMiB = Math.floor(memoryMiB / 4);
  return {
    sharedBuffersMiB,
    effectiveCacheSizeMiB: Math.floor((memoryMiB * 3) / 4),
    workMemMiB: Math.max(1, Math.floor((memoryMiB - sharedBuffersMiB) / (maxConnections * 3))),
    maintenanceWorkMemMiB: Math.min(2048, Math.max(16, Math.floor(memoryMiB / 16))),
  };
}

/** The settings the homelab owns, as name → literal value in postgresql.conf syntax. */
export function postgresqlSettings(plan: DatabasePlan, memoryMiB: number): [string, string][] {
  const m = memorySettings(memoryMiB, plan.budget.maxConnections);
  const settings: [string, string][] = [
    // Loopback for the exporter, the container's address for the apps and the admin.
    ["listen_addresses", `'127.0.0.1,${plan.host}'`],
    ["port", String(plan.port)],
    ["max_connections", String(plan.budget.maxConnections)],
    // The admin's share is kept free of the apps: an app at its pool cannot lock the admin out.
    ["superuser_reserved_connections", String(plan.budget.admin)],
    ["password_encryption", "'scram-sha-256'"],
    ["shared_buffers", `'${m.sharedBuffersMiB}MB'`],
    ["effective_cache_size", `'${m.effectiveCacheSizeMiB}MB'`],
    ["work_mem", `'${m.workMemMiB}MB'`],
    ["maintenance_work_mem", `'${m.maintenanceWorkMemMiB}MB'`],
  ];
  // shared_preload_libraries is written by the preload step once the libraries are installed (vectorchord.ts).
  return settings;
}

/** postgresql.conf settings for the shared server, included after Debian's own file (conf.d). */
export function renderPostgresqlConf(plan: DatabasePlan, memoryMiB: number): string {
  const lines = [
    "# Rendered by the homelab program from the stack file; changes here are overwritten.",
    `# Connections: ${plan.budget.poolsTotal} for app pools + ${plan.budget.admin} admin + ${plan.budget.monitoring} monitoring.`,
    ...postgresqlSettings(plan, memoryMiB).map(([k, v]) => `${k} = ${v}`),
  ];
  return `${lines.join("\n")}\n`;
}
