import { APP_ROLE_ATTRIBUTES, DATABASE_DEFAULTS, type DatabaseGrant, type DatabasePlan } from "./databases";

/**
 * The plan as SQL for psql: what the Pulumi resources do, statement for statement. Used to replay the
 * plan on a real server, and by an operator who rebuilds the cluster by hand.
 */

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

function roleSql(name: string, connectionLimit: number, password: string): string {
  const a = APP_ROLE_ATTRIBUTES;
  const attrs = [
    a.login ? "LOGIN" : "NOLOGIN",
    a.superuser ? "SUPERUSER" : "NOSUPERUSER",
    a.createDatabase ? "CREATEDB" : "NOCREATEDB",
    a.createRole ? "CREATEROLE" : "NOCREATEROLE",
    a.replication ? "REPLICATION" : "NOREPLICATION",
    a.inherit ? "INHERIT" : "NOINHERIT",
  ];
  return `CREATE ROLE ${ident(name)} ${attrs.join(" ")} CONNECTION LIMIT ${connectionLimit} PASSWORD ${literal(password)};`;
}

function grantSql(database: string, g: DatabaseGrant): string {
  const grantee = g.role === "public" ? "PUBLIC" : ident(g.role);
  return g.privileges.length === 0
    ? `REVOKE ALL ON DATABASE ${ident(database)} FROM ${grantee};`
    : `GRANT ${g.privileges.join(", ")} ON DATABASE ${ident(database)} TO ${grantee};`;
}

/** passwords: by role name; every role of the plan must have one. */
export function renderBootstrapSql(plan: DatabasePlan, passwords: Readonly<Record<string, string>>): string {
  const password = (role: string): string => {
    const pw = passwords[role];
    if (pw === undefined) throw new Error(`no password given for role ${role}`);
    return pw;
  };
  const d = DATABASE_DEFAULTS;
  const lines: string[] = ["\\set ON_ERROR_STOP on"];
  for (const app of plan.apps) {
    lines.push(
      `-- ${app.service}`,
      roleSql(app.owner, app.connectionLimit, password(app.owner)),
      `CREATE DATABASE ${ident(app.database)} OWNER ${ident(app.owner)} TEMPLATE ${d.template} ENCODING ${literal(d.encoding)} LC_COLLATE ${literal(d.lcCollate)} LC_CTYPE ${literal(d.lcCtype)};`,
      ...app.grants.map((g) => grantSql(app.database, g)),
    );
    if (app.extensions.length > 0) {
      lines.push(`\\connect ${ident(app.database)}`, ...app.extensions.map((e) => `CREATE EXTENSION IF NOT EXISTS ${ident(e)} CASCADE;`), "\\connect postgres");
    }
  }
  const m = plan.monitoring;
  lines.push("-- metrics exporter", roleSql(m.role, m.connectionLimit, password(m.role)), ...m.memberOf.map((r) => `GRANT ${ident(r)} TO ${ident(m.role)};`));
  return `${lines.join("\n")}\n`;
}
