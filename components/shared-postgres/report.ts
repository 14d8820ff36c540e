import type { Homelab } from "../../config";
import { table, type ReportSection } from "../shared/report";
import { planDatabases } from "./databases";
import { memorySettings } from "./postgresql-conf";

/** Plan report of this component, from the model alone: who owns what, and whether the pools fit. */
export function postgresReport(model: Homelab): ReportSection[] {
  if (!model.postgres.enabled) return [];
  const server = model.services.find((s) => s.name === model.postgres.service);
  if (!server) return [];
  const plan = planDatabases(server, model.services, model.postgres);
  const b = plan.budget;
  const m = memorySettings(server.memoryMiB, b.maxConnections);
  return [
    {
      title: `Shared PostgreSQL ${plan.version} on ${server.name} (${plan.host}:${plan.port})`,
      lines: [
        ...table([
          ["database", "owner", "from", "extensions", "pool"],
          ...plan.apps.map((a) => [a.database, a.owner, a.ip, a.extensions.join(", ") || "-", a.connectionLimit] as const),
          [`${plan.monitoring.database} (metrics)`, plan.monitoring.role, "127.0.0.1", plan.monitoring.memberOf.join(", "), b.monitoring],
        ]),
        `max_connections = ${b.maxConnections}: app pools ${b.poolsTotal} + admin ${b.admin} (superuser-reserved) + monitoring ${b.monitoring}`,
        `memory ${server.memoryMiB} MiB: shared_buffers ${m.sharedBuffersMiB}MB, effective_cache_size ${m.effectiveCacheSizeMiB}MB, work_mem ${m.workMemMiB}MB, maintenance_work_mem ${m.maintenanceWorkMemMiB}MB`,
        `preloaded: ${plan.preloadLibraries.join(", ") || "none"}; CONNECT revoked from PUBLIC on every app database`,
        model.allowDataLoss
          ? "allowDataLoss is true: roles and databases are not protected (still retained on delete)"
          : "roles and databases are protected and retained on delete",
      ],
    },
  ];
}
