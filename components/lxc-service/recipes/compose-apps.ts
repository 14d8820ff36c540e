import type { Service } from "../../../config";
import type { Recipe } from "../types";
import { composeRecipe, datasetPath, webPort } from "./compose";

/**
 * Apps whose vendor-supported install is containers, each a Compose stack with images pinned by tag.
 * The catalog's `install.version` is the app's image tag.
 */

/** Immich's cache: Valkey, pinned by tag beside Immich's own version. */
export const VALKEY_IMAGE = "docker.io/valkey/valkey:8.1.1";

const fqdn = (service: Service): string => service.routes[0]?.fqdn ?? `${service.hostname}.invalid`;
const port = (service: Service, inner: number, fallback: number): string => `${webPort(service, fallback)}:${inner}`;

/** Immich server + machine learning + Valkey; the database is the shared Postgres with VectorChord. */
export function immich(service: Service): Recipe {
  const v = service.install.version;
  return composeRecipe(service, {
    services: {
      "immich-server": {
        image: `ghcr.io/immich-app/immich-server:${v}`,
        ports: [port(service, 2283, 2283)],
        volumes: [`${datasetPath(service, "library")}:/usr/src/app/upload`, "/etc/localtime:/etc/localtime:ro"],
        environment: { REDIS_HOSTNAME: "redis", DB_VECTOR_EXTENSION: "vectorchord" },
        database: true,
        dependsOn: ["redis"],
      },
      "immich-machine-learning": {
        image: `ghcr.io/immich-app/immich-machine-learning:${v}`,
        volumes: [`${datasetPath(service, "cache")}:/cache`],
      },
      redis: { image: VALKEY_IMAGE },
    },
    databaseEnv: { DB_HOSTNAME: '"$PGHOST"', DB_PORT: '"$PGPORT"', DB_DATABASE_NAME: '"$PGDATABASE"', DB_USERNAME: '"$PGUSER"', DB_PASSWORD: '"$PGPASSWORD"' },
  });
}

/** Nextcloud (Apache image) plus its background-jobs container; trusts the tunnel's proxy headers. */
export function nextcloud(service: Service, lanCidr: string): Recipe {
  const image = `docker.io/library/nextcloud:${service.install.version}`;
  const volumes = [`${datasetPath(service, "html")}:/var/www/html`, `${datasetPath(service, "data")}:/var/www/html/data`];
  return composeRecipe(service, {
    services: {
      app: {
        image,
        ports: [port(service, 80, 8080)],
        volumes,
        environment: {
          NEXTCLOUD_TRUSTED_DOMAINS: fqdn(service),
          OVERWRITEHOST: fqdn(service),
          OVERWRITEPROTOCOL: "https",
          TRUSTED_PROXIES: lanCidr,
          PHP_UPLOAD_LIMIT: "16G",
        },
        database: true,
      },
      cron: { image, entrypoint: ["/cron.sh"], volumes, database: true, dependsOn: ["app"] },
    },
    databaseEnv: { POSTGRES_HOST: '"$PGHOST:$PGPORT"', POSTGRES_DB: '"$PGDATABASE"', POSTGRES_USER: '"$PGUSER"', POSTGRES_PASSWORD: '"$PGPASSWORD"' },
  });
}

/** n8n on the shared Postgres, with its encryption key and workflows' files on its dataset. */
export function n8n(service: Service): Recipe {
  const host = fqdn(service);
  return composeRecipe(service, {
    services: {
      n8n: {
        image: `docker.n8n.io/n8nio/n8n:${service.install.version}`,
        ports: [port(service, 5678, 5678)],
        volumes: [`${datasetPath(service, "data")}:/home/node/.n8n`],
        environment: {
          DB_TYPE: "postgresdb",
          N8N_HOST: host,
          N8N_PORT: "5678",
          N8N_PROTOCOL: "https",
          N8N_PROXY_HOPS: "1",
          N8N_METRICS: "true",
          N8N_DIAGNOSTICS_ENABLED: "false",
          WEBHOOK_URL: `https://${host}/`,
        },
        database: true,
      },
    },
    databaseEnv: {
      DB_POSTGRESDB_HOST: '"$PGHOST"',
      DB_POSTGRESDB_PORT: '"$PGPORT"',
      DB_POSTGRESDB_DATABASE: '"$PGDATABASE"',
      DB_POSTGRESDB_USER: '"$PGUSER"',
      DB_POSTGRESDB_PASSWORD: '"$PGPASSWORD"',
    },
  });
}

/** Vaultwarden on the shared Postgres; its pool is the catalog's connection budget. */
export function vaultwarden(service: Service): Recipe {
  return composeRecipe(service, {
    services: {
      vaultwarden: {
        image: `docker.io/vaultwarden/server:${service.install.version}`,
        ports: [port(service, 80, 8000)],
        volumes: [`${datasetPath(service, "data")}:/data`],
        environment: {
          DOMAIN: `https://${fqdn(service)}`,
          DATABASE_MAX_CONNS: String(service.database?.pool ?? 10),
        },
        database: true,
      },
    },
    databaseEnv: { DATABASE_URL: '"postgresql://$(urlencode "$PGUSER"):$(urlencode "$PGPASSWORD")@$PGHOST:$PGPORT/$PGDATABASE"' },
  });
}

/** Uptime Kuma keeps its SQLite database on its dataset. */
export function uptimeKuma(service: Service): Recipe {
  return composeRecipe(service, {
    services: {
      "uptime-kuma": {
        image: `docker.io/louislam/uptime-kuma:${service.install.version}`,
        ports: [port(service, 3001, 3001)],
        volumes: [`${datasetPath(service, "data")}:/app/data`],
      },
    },
  });
}
