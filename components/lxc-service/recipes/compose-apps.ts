import type { Service } from "../../../config";
import * as pulumi from "@pulumi/pulumi";
import type { AdminAccount, Recipe } from "../types";
import { composeDir, composeRecipe, datasetPath, webPort } from "./compose";

/**
 * Apps whose vendor-supported install is containers, each a Compose stack with images pinned by tag.
 * The catalog's `install.version` is the app's image tag.
 */

/** Immich's cache: Valkey, pinned by tag beside Immich's own version. */
export const VALKEY_IMAGE = "docker.io/valkey/valkey:8.1.1";

const fqdn = (service: Service): string => service.routes[0]?.fqdn ?? `${service.hostname}.invalid`;
const port = (service: Service, inner: number, fallback: number): string => `${webPort(service, fallback)}:${inner}`;

/**
 * Immich server + machine learning + Valkey; the database is the shared Postgres with VectorChord.
 * The library is mounted at /data, where Immich's own compose file has put it since v1.137
 * (immich-app/immich#20367), rather than the legacy /usr/src/app/upload.
 */
export function immich(service: Service): Recipe {
  const v = service.install.version;
  return composeRecipe(service, {
    services: {
      "immich-server": {
        image: `ghcr.io/immich-app/immich-server:${v}`,
        ports: [port(service, 2283, 2283)],
        volumes: [`${datasetPath(service, "library")}:/data`, "/etc/localtime:/etc/localtime:ro"],
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

/** Where a claimed app's generated admin credentials land in its container: 0600, root only. */
export const adminEnvFile = (service: Pick<Service, "name">): string => `${composeDir(service)}/admin.env`;

/**
 * Nextcloud (Apache image) plus its background-jobs container; trusts the tunnel's proxy headers.
 * The image installs itself on first start with the admin from NEXTCLOUD_ADMIN_USER/PASSWORD (read
 * only while it is not installed yet), so no install page is ever served.
 */
export function nextcloud(service: Service, lanCidr: string, admin: AdminAccount): Recipe {
  const image = `docker.io/library/nextcloud:${service.install.version}`;
  const adminEnv = pulumi.secret(pulumi.interpolate`NEXTCLOUD_ADMIN_USER=${admin.user}\nNEXTCLOUD_ADMIN_PASSWORD=${admin.password}\n`);
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
        envFiles: [adminEnvFile(service)],
      },
      cron: { image, entrypoint: ["/cron.sh"], volumes, database: true, dependsOn: ["app"] },
    },
    databaseEnv: { POSTGRES_HOST: '"$PGHOST:$PGPORT"', POSTGRES_DB: '"$PGDATABASE"', POSTGRES_USER: '"$PGUSER"', POSTGRES_PASSWORD: '"$PGPASSWORD"' },
    files: [{ path: adminEnvFile(service), content: adminEnv, mode: "0600", owner: "root:root", secret: true }],
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

/** Vaultwarden's admin token, as generated: pushed on stdin into a root-only file, hashed in the container. */
const vaultwardenTokenFile = (service: Pick<Service, "name">): string => `${composeDir(service)}/admin-token`;

/**
 * Hashes the admin token into the argon2id PHC string Vaultwarden accepts as ADMIN_TOKEN. The token is
 * read from its file on stdin, never from a command line; the salt is made once and kept, so the same
 * token gives the same hash and a converge rewrites nothing. The parameters are Vaultwarden's own
 * `bitwarden` preset (64 MiB, 3 iterations, 4 lanes).
 */
export function vaultwardenAdminTokenScript(service: Pick<Service, "name">): string {
  const token = vaultwardenTokenFile(service);
  return `apt_install argon2
salt_file=${token}.salt
if [ ! -s "$salt_file" ]; then
  (umask 077; head -c 18 /dev/urandom | base64 > "$salt_file")
fi
admin_hash="$(argon2 "$(cat "$salt_file")" -id -e -k 65540 -t 3 -p 4 < ${token})"
case "$admin_hash" in
  "\\$argon2id\\$"*) ;;
  *) echo "argon2 did not return an argon2id PHC string for the Vaultwarden admin token" >&2; exit 1 ;;
esac
# Single quotes: Compose takes the value literally, $ signs included.
printf "ADMIN_TOKEN='%s'\\n" "$admin_hash" | put_file ${adminEnvFile(service)} 0600 root:root
`;
}

/**
 * Vaultwarden on the shared Postgres; its pool is the catalog's connection budget. Sign-ups are off
 * (accounts come by invitation from the admin page), and the admin page is guarded by a generated
 * token stored only as its argon2 hash.
 */
export function vaultwarden(service: Service, admin: AdminAccount): Recipe {
  return composeRecipe(service, {
    services: {
      vaultwarden: {
        image: `docker.io/vaultwarden/server:${service.install.version}`,
        ports: [port(service, 80, 8000)],
        volumes: [`${datasetPath(service, "data")}:/data`],
        environment: {
          DOMAIN: `https://${fqdn(service)}`,
          DATABASE_MAX_CONNS: String(service.database?.pool ?? 10),
          SIGNUPS_ALLOWED: "false",
        },
        database: true,
        envFiles: [adminEnvFile(service)],
      },
    },
    databaseEnv: { DATABASE_URL: '"postgresql://$(urlencode "$PGUSER"):$(urlencode "$PGPASSWORD")@$PGHOST:$PGPORT/$PGDATABASE"' },
    prepare: vaultwardenAdminTokenScript(service),
    files: [{ path: vaultwardenTokenFile(service), content: pulumi.secret(admin.password), mode: "0600", owner: "root:root", secret: true }],
  });
}

/**
 * Uptime Kuma keeps its SQLite database (kuma.db) on its dataset. 2.x asks for its database on a
 * first start unless UPTIME_KUMA_DB_TYPE names one (its wiki's Environment-Variables page), so SQLite
 * is named here and the first visitor gets the admin setup, not the database choice.
 */
export function uptimeKuma(service: Service): Recipe {
  return composeRecipe(service, {
    services: {
      "uptime-kuma": {
        image: `docker.io/louislam/uptime-kuma:${service.install.version}`,
        ports: [port(service, 3001, 3001)],
        volumes: [`${datasetPath(service, "data")}:/app/data`],
        environment: { UPTIME_KUMA_DB_TYPE: "sqlite" },
      },
    },
  });
}
