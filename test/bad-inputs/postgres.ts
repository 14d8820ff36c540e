import { at, type BadInput } from "./types";

type Obj = Record<string, unknown>;
const service = (config: Obj, name: string): Obj => at(config, "homelab:services", name);

export const cases: BadInput[] = [
  {
    name: "an app asks for an extension the shared server cannot provide",
    mutate: (c) => void (service(c, "n8n").database = { pool: 10, extensions: ["uuid-ossp", "timescaledb"] }),
    path: "homelab:services.n8n.database.extensions.1",
    message: /unknown extension 'timescaledb' \(supported: .*uuid-ossp/,
  },
  {
    name: "an app's database is named after a system database",
    mutate: (c) => void (service(c, "nextcloud").database = { pool: 20, name: "template1" }),
    path: "homelab:services.nextcloud.database.name",
    message: /'template1' is reserved/,
  },
  {
    name: "an app's user is a pg_hba.conf keyword",
    mutate: (c) => void (service(c, "vaultwarden").database = { pool: 10, user: "all" }),
    path: "homelab:services.vaultwarden.database.user",
    message: /'all' is reserved by PostgreSQL or pg_hba\.conf/,
  },
  {
    name: "a service name that makes no PostgreSQL identifier for its default database",
    mutate: (c) => void (at(c, "homelab:services")["2fa"] = { app: "vaultwarden", vmId: 131, ip: "192.168.1.131", subdomain: "twofa" }),
    path: "homelab:services.2fa.database.name",
    message: /'2fa' must be a PostgreSQL identifier/,
  },
  {
    name: "the apps' pools need more connections than the server's memory affords",
    mutate: (c) => void (service(c, "nextcloud").database = { pool: 400 }),
    path: "homelab:services.postgres.memoryMiB",
    message: /need max_connections = 438, but 4096 MiB affords 256/,
  },
  {
    name: "the monitoring role is also an app's database user",
    mutate: (c) => void (at(c, "homelab:postgres").monitoringRole = "n8n"),
    path: "homelab:postgres.monitoringRole",
    message: /'n8n' is also the database or user of homelab:services\.n8n/,
  },
  {
    name: "the pinned major differs from the server's install version",
    mutate: (c) => void (at(c, "homelab:postgres").version = 16),
    path: "homelab:postgres.version",
    message: /is 16 but homelab:services\.postgres\.install\.version is '17'/,
  },
  {
    name: "two apps share one database",
    mutate: (c) => void (service(c, "vaultwarden").database = { pool: 10, name: "n8n" }),
    path: "homelab:services.vaultwarden.database.name",
    message: /database n8n is also used by homelab:services\.n8n\.database\.name/,
  },
  {
    name: "the same extension twice",
    mutate: (c) => void (service(c, "n8n").database = { pool: 10, extensions: ["uuid-ossp", "uuid-ossp"] }),
    path: "homelab:services.n8n.database.extensions.1",
    message: /extension uuid-ossp is also used by homelab:services\.n8n\.database\.extensions\.0/,
  },
  {
    name: "the server's data dataset is mounted somewhere other than the cluster directory",
    mutate: (c) => void (service(c, "postgres").datasets = { data: { tier: "nvme", path: "/srv/pg", quotaGiB: 60, content: "database", mode: "0700" } }),
    path: "homelab:services.postgres.datasets",
    message: /needs a writable dataset mounted at \/var\/lib\/postgresql/,
  },
];
