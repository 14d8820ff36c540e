import type { RecordedResource } from "../../src/mock-runtime";
import { run } from "./shell";

/**
 * Stands in for the postgresql provider: each registered role, database, grant and extension becomes
 * the SQL the provider would send, run with psql from this machine (the operator's side) against the
 * provider's own connection settings, over the rehearsal network.
 */

const ident = (name: string): string => `"${String(name).replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${String(text).replace(/'/g, "''")}'`;

/** The SQL for one postgresql resource, and the database it runs in. */
export function postgresSql(r: RecordedResource): { readonly database?: string; readonly sql: string } {
  const i = r.inputs as Record<string, unknown>;
  switch (r.type) {
    case "postgresql:index/role:Role": {
      const flag = (key: string, on: string, off: string): string => (i[key] ? on : off);
      const attrs = [
        flag("login", "LOGIN", "NOLOGIN"),
        flag("superuser", "SUPERUSER", "NOSUPERUSER"),
        flag("createDatabase", "CREATEDB", "NOCREATEDB"),
        flag("createRole", "CREATEROLE", "NOCREATEROLE"),
        flag("replication", "REPLICATION", "NOREPLICATION"),
        i.inherit === false ? "NOINHERIT" : "INHERIT",
        `CONNECTION LIMIT ${Number(i.connectionLimit ?? -1)}`,
        ...(i.password !== undefined ? [`PASSWORD ${literal(String(i.password))}`] : []),
      ];
      return { sql: `CREATE ROLE ${ident(String(i.name))} ${attrs.join(" ")};` };
    }
    case "postgresql:index/grantRole:GrantRole":
      return { sql: `GRANT ${ident(String(i.grantRole))} TO ${ident(String(i.role))};` };
    case "postgresql:index/database:Database":
      return {
        sql: `CREATE DATABASE ${ident(String(i.name))} OWNER ${ident(String(i.owner))} TEMPLATE ${ident(String(i.template ?? "template0"))} ENCODING ${literal(String(i.encoding ?? "UTF8"))} LC_COLLATE ${literal(String(i.lcCollate ?? "C.UTF-8"))} LC_CTYPE ${literal(String(i.lcCtype ?? "C.UTF-8"))};`,
      };
    case "postgresql:index/extension:Extension":
      return { database: String(i.database), sql: `CREATE EXTENSION IF NOT EXISTS ${ident(String(i.name))}${i.createCascade ? " CASCADE" : ""};` };
    case "postgresql:index/grant:Grant": {
      if (i.objectType !== "database") throw new Error(`postgresql stand-in: grants on ${String(i.objectType)} are not rehearsed`);
      const privileges = (i.privileges as string[] | undefined) ?? [];
      const grantee = i.role === "public" ? "PUBLIC" : ident(String(i.role));
      return {
        sql: privileges.length === 0 ? `REVOKE ALL ON DATABASE ${ident(String(i.database))} FROM ${grantee};` : `GRANT ${privileges.join(", ")} ON DATABASE ${ident(String(i.database))} TO ${grantee};`,
      };
    }
    default:
      throw new Error(`postgresql stand-in: ${r.type} is not rehearsed`);
  }
}

/** Runs one resource's SQL through psql with the provider's host, port, user and password. */
export async function applyPostgresResource(r: RecordedResource, provider: RecordedResource, log: string): Promise<void> {
  const p = provider.inputs as Record<string, string>;
  const { database, sql } = postgresSql(r);
  await run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", p.host ?? "", "-p", String(p.port ?? 5432), "-U", p.username ?? "postgres", "-d", database ?? p.database ?? "postgres"], {
    input: `${sql}\n`,
    log,
    env: { ...process.env, PGPASSWORD: String(p.password ?? ""), PGCONNECT_TIMEOUT: String(p.connectTimeout ?? 30), PGSSLMODE: p.sslmode ?? "prefer" },
  });
}
