/** The connection settings an app reads, in libpq's own variable names. */
export interface DbConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

/** Path of the env file inside each app's container: where the app recipes read it. */
export { DB_ENV_PATH } from "../lxc-service/db-env";

/** The app's db.env: one KEY=value per line, readable by systemd, Docker Compose and a shell. */
export function renderDbEnv(c: DbConnection): string {
  return [`PGHOST=${c.host}`, `PGPORT=${c.port}`, `PGDATABASE=${c.database}`, `PGUSER=${c.user}`, `PGPASSWORD=${c.password}`, ""].join("\n");
}
