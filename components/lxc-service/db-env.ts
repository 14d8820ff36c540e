/**
 * Where an app finds its database: SharedPostgres hands every app with a database a 0600 env file at
 * this path, and the app's recipe maps its keys onto the app's own settings.
 */
export const DB_ENV_PATH = "/etc/homelab/db.env";

/** Keys of the env file, one `KEY=value` line each (the value may be wrapped in single or double quotes). */
export const DB_ENV_KEYS = ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD"] as const;
export type DbEnvKey = (typeof DB_ENV_KEYS)[number];
