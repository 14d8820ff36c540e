import { connectionBudget, type ConnectionBudget, type Homelab, type Service } from "../../config";
import { SUPPORTED_EXTENSIONS } from "../../config/schema";

/**
 * What the shared server holds, as data: the one description both the Pulumi resources and the
 * replayable SQL are built from, so the two cannot drift apart.
 */

/** Attributes every app role gets: it may log in and nothing more. */
export const APP_ROLE_ATTRIBUTES = {
  login: true,
  superuser: false,
  createDatabase: false,
  createRole: false,
  replication: false,
  inherit: true,
} as const;

/** How every app database is created; template0 so the encoding and locale can be chosen. */
export const DATABASE_DEFAULTS = { template: "template0", encoding: "UTF8", lcCollate: "C.UTF-8", lcCtype: "C.UTF-8" } as const;

/** The server's port inside its container. */
export const POSTGRES_PORT = 5432;

/** The admin role, the cluster's superuser. */
export const ADMIN_ROLE = "postgres";

/** A privilege statement on a database: an empty list revokes everything from the role. */
export interface DatabaseGrant {
  readonly role: string;
  readonly privileges: readonly string[];
}

export interface AppDatabase {
  readonly service: string;
  /** The app container's address: the only place its role may connect from. */
  readonly ip: string;
  readonly database: string;
  /** Login role that owns the database (and so its public schema on PostgreSQL 15+). */
  readonly owner: string;
  /** The app's pool; the role cannot open more. */
  readonly connectionLimit: number;
  /** Created by the admin, prerequisites first. */
  readonly extensions: readonly string[];
  readonly grants: readonly DatabaseGrant[];
}

export interface DatabasePlan {
  readonly version: number;
  readonly host: string;
  readonly port: number;
  readonly apps: readonly AppDatabase[];
  readonly monitoring: { readonly role: string; readonly connectionLimit: number; readonly memberOf: readonly string[]; readonly database: string };
  readonly budget: ConnectionBudget;
  /** Libraries the server loads at start, from the extensions the apps need. */
  readonly preloadLibraries: readonly string[];
  /** Extension packages the server must install beyond PostgreSQL itself. */
  readonly sources: ReadonlySet<"pgvector" | "vectorchord">;
}

/** Orders extensions so that each comes after what it requires (those are added when missing). */
export function orderExtensions(names: readonly string[]): string[] {
  const ordered: string[] = [];
  const visit = (name: string): void => {
    if (ordered.includes(name)) return;
    for (const required of SUPPORTED_EXTENSIONS[name]?.requires ?? []) visit(required);
    ordered.push(name);
  };
  names.forEach(visit);
  return ordered;
}

export function planDatabases(server: Service, apps: readonly Service[], settings: Homelab["postgres"]): DatabasePlan {
  const dbApps = apps.filter((s) => s.database !== undefined);
  const databases: AppDatabase[] = dbApps.flatMap((s) =>
    s.database
      ? [{
          service: s.name,
          ip: s.ip,
          database: s.database.name,
          owner: s.database.user,
          connectionLimit: s.database.pool,
          extensions: orderExtensions(s.database.extensions),
          // CONNECT (and TEMP) go to PUBLIC by default; only the owner may connect.
          grants: [{ role: "public", privileges: [] }],
        }]
      : [],
  );
  const all = databases.flatMap((d) => d.extensions);
  const preloadLibraries = [...new Set(all.flatMap((e) => SUPPORTED_EXTENSIONS[e]?.preload ?? []))].sort();
  const sources = new Set<"pgvector" | "vectorchord">();
  for (const e of all) {
    const source = SUPPORTED_EXTENSIONS[e]?.source;
    if (source === "pgvector" || source === "vectorchord") sources.add(source);
  }
  return {
    version: settings.version,
    host: server.ip,
    port: POSTGRES_PORT,
    apps: databases,
    monitoring: { role: settings.monitoringRole, connectionLimit: settings.monitoringConnections, memberOf: ["pg_monitor"], database: "postgres" },
    budget: connectionBudget(dbApps, settings),
    preloadLibraries,
    sources,
  };
}
