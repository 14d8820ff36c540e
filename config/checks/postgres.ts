import type { DatabaseNeed, Homelab, Problem, Service } from "../model";
import { isPgIdentifier } from "../names";
import { SUPPORTED_EXTENSIONS } from "../schema";
import { duplicates } from "./duplicates";
import { requireRole } from "./roles";

/** Memory a connection may use on the server (backend, work_mem, temp buffers) before it swaps, in MiB. */
export const MIB_PER_CONNECTION = 16;

/** Where Debian keeps the clusters; the server's dataset must be mounted there. */
export const POSTGRES_DATA_PATH = "/var/lib/postgresql";

/** Names pg_hba.conf reads as keywords, and names the server itself owns: no app may take them. */
const HBA_KEYWORDS = ["all", "sameuser", "samerole", "samegroup", "replication"];
const SYSTEM_NAMES = ["postgres", "template0", "template1", "public"];

export interface ConnectionBudget {
  /** Each app's pool, which is also its role's connection limit. */
  readonly pools: readonly { readonly service: string; readonly user: string; readonly pool: number }[];
  readonly poolsTotal: number;
  /** Reserved for superusers (`superuser_reserved_connections`). */
  readonly admin: number;
  /** The exporter's role connection limit. */
  readonly monitoring: number;
  /** pools + admin + monitoring: every slot is accounted for. */
  readonly maxConnections: number;
}

/** The server's connection slots, derived from the apps' pools and the section's headroom. */
export function connectionBudget(apps: readonly Service[], settings: Homelab["postgres"]): ConnectionBudget {
  const pools = apps.flatMap((s) => (s.database ? [{ service: s.name, user: s.database.user, pool: s.database.pool }] : []));
  const poolsTotal = pools.reduce((sum, p) => sum + p.pool, 0);
  return {
    pools,
    poolsTotal,
    admin: settings.adminConnections,
    monitoring: settings.monitoringConnections,
    maxConnections: poolsTotal + settings.adminConnections + settings.monitoringConnections,
  };
}

/** Apps with a database need the shared server; names are valid, unique and free; pools fit the server. */
export function checkPostgres(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const dbApps = model.services.filter((s) => s.database !== undefined);
  if (model.postgres.enabled) {
    const server = requireRole(model, model.postgres.service, "postgres", "homelab:postgres.service", problems);
    if (server?.role === "postgres") problems.push(...checkServer(model, server, dbApps));
  } else {
    for (const s of dbApps) {
      problems.push({ path: `${s.configPath}.database`, message: `${s.name} needs a database but homelab:postgres.enabled is false (set database: false to run it without one)` });
    }
  }
  for (const s of dbApps) problems.push(...checkNeed(s, s.database as DatabaseNeed));
  problems.push(...duplicates(dbApps, (s) => s.database?.name, (s) => `${s.configPath}.database.name`, "database"));
  problems.push(...duplicates(dbApps, (s) => s.database?.user, (s) => `${s.configPath}.database.user`, "database user"));
  return problems;
}

function checkServer(model: Homelab, server: Service, dbApps: readonly Service[]): Problem[] {
  const problems: Problem[] = [];
  const budget = connectionBudget(dbApps, model.postgres);
  const affordable = Math.floor(server.memoryMiB / MIB_PER_CONNECTION);
  if (budget.maxConnections > affordable) {
    problems.push({
      path: `${server.configPath}.memoryMiB`,
      message:
        `the apps' pools (${budget.poolsTotal}) plus admin (${budget.admin}) and monitoring (${budget.monitoring}) need max_connections = ${budget.maxConnections}, ` +
        `but ${server.memoryMiB} MiB affords ${affordable} at ${MIB_PER_CONNECTION} MiB each; raise memoryMiB to at least ${budget.maxConnections * MIB_PER_CONNECTION} or lower a pool`,
    });
  }
  if (server.install.version !== String(model.postgres.version)) {
    problems.push({
      path: "homelab:postgres.version",
      message: `is ${model.postgres.version} but ${server.configPath}.install.version is '${server.install.version}'; set both to the same major (a major change needs pg_upgradecluster on the server first)`,
    });
  }
  if (!server.mounts.some((m) => m.path === POSTGRES_DATA_PATH && !m.readOnly)) {
    problems.push({ path: `${server.configPath}.datasets`, message: `needs a writable dataset mounted at ${POSTGRES_DATA_PATH}: the cluster must not live on the container's root disk` });
  }
  const takenBy = dbApps.find((s) => s.database?.user === model.postgres.monitoringRole || s.database?.name === model.postgres.monitoringRole);
  if (takenBy) {
    problems.push({ path: "homelab:postgres.monitoringRole", message: `'${model.postgres.monitoringRole}' is also the database or user of ${takenBy.configPath}` });
  }
  if (SYSTEM_NAMES.includes(model.postgres.monitoringRole) || HBA_KEYWORDS.includes(model.postgres.monitoringRole)) {
    problems.push({ path: "homelab:postgres.monitoringRole", message: `'${model.postgres.monitoringRole}' is reserved by PostgreSQL or pg_hba.conf` });
  }
  return problems;
}

function checkNeed(s: Service, need: DatabaseNeed): Problem[] {
  const problems: Problem[] = [];
  for (const [key, value] of [["name", need.name], ["user", need.user]] as const) {
    const path = `${s.configPath}.database.${key}`;
    if (!isPgIdentifier(value)) {
      problems.push({ path, message: `'${value}' must be a PostgreSQL identifier: a-z, 0-9 and _, starting with a letter or _, at most 63, not pg_* (the default is the service name with - as _; set database.${key})` });
    } else if (SYSTEM_NAMES.includes(value) || HBA_KEYWORDS.includes(value)) {
      problems.push({ path, message: `'${value}' is reserved by PostgreSQL or pg_hba.conf; pick another ${key}` });
    }
  }
  need.extensions.forEach((name, i) => {
    if (!(name in SUPPORTED_EXTENSIONS)) {
      problems.push({ path: `${s.configPath}.database.extensions.${i}`, message: `unknown extension '${name}' (supported: ${Object.keys(SUPPORTED_EXTENSIONS).sort().join(", ")})` });
    }
  });
  problems.push(...duplicates(need.extensions.map((name, i) => ({ name, i })), (e) => e.name, (e) => `${s.configPath}.database.extensions.${e.i}`, "extension"));
  return problems;
}
