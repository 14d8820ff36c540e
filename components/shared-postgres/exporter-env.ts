import { POSTGRES_PORT } from "./databases";

/** Path of the exporter's secret environment file inside the Postgres container. */
export const EXPORTER_ENV_PATH = "/etc/homelab/postgres-exporter.env";

/**
 * Environment of prometheus-postgres-exporter. DATA_SOURCE_NAME is emptied so that Debian's default
 * (a peer connection as `prometheus`) does not win over the URI, user and password given here.
 */
export function renderExporterEnv(opts: { readonly role: string; readonly password: string; readonly database: string; readonly listenPort: number }): string {
  return [
    "DATA_SOURCE_NAME=",
    `DATA_SOURCE_URI=127.0.0.1:${POSTGRES_PORT}/${opts.database}?sslmode=disable`,
    `DATA_SOURCE_USER=${opts.role}`,
    `DATA_SOURCE_PASS=${opts.password}`,
    `ARGS=--web.listen-address=:${opts.listenPort}`,
    "",
  ].join("\n");
}

/** systemd drop-in that adds the env file above to Debian's unit (read after /etc/default). */
export function renderExporterDropIn(): string {
  return ["[Service]", `EnvironmentFile=${EXPORTER_ENV_PATH}`, ""].join("\n");
}
