import * as z from "zod";
import { dnsLabel, pgIdentifier, sha256 } from "./common";

/**
 * Extensions the shared server can provide, and what each needs from the server. An app's catalog
 * entry may only name these: anything else would fail at `CREATE EXTENSION` on a live server.
 */
export interface SupportedExtension {
  /** Where the files come from: the server's own contrib modules, PGDG's pgvector, or VectorChord's release package. */
  readonly source: "contrib" | "pgvector" | "vectorchord";
  /** Library that must be in `shared_preload_libraries` before the extension can be created. */
  readonly preload?: string;
  /** Extensions it is created on top of (`CREATE EXTENSION ... CASCADE` creates them). */
  readonly requires: readonly string[];
}

export const SUPPORTED_EXTENSIONS: Readonly<Record<string, SupportedExtension>> = {
  vector: { source: "pgvector", requires: [] },
  // VectorChord's index access method must be loaded at server start.
  vchord: { source: "vectorchord", preload: "vchord.so", requires: ["vector"] },
  "uuid-ossp": { source: "contrib", requires: [] },
  pgcrypto: { source: "contrib", requires: [] },
  pg_trgm: { source: "contrib", requires: [] },
  unaccent: { source: "contrib", requires: [] },
  cube: { source: "contrib", requires: [] },
  earthdistance: { source: "contrib", requires: ["cube"] },
  citext: { source: "contrib", requires: [] },
  hstore: { source: "contrib", requires: [] },
  btree_gin: { source: "contrib", requires: [] },
  btree_gist: { source: "contrib", requires: [] },
};

export const postgresSchema = z.strictObject({
  /** Run the shared PostgreSQL. Apps with a database need it. Defaults to true. */
  enabled: z.boolean().default(true),
  /** The service (a catalog `postgres` app) that hosts the cluster. Defaults to `postgres`. */
  service: dnsLabel.default("postgres"),
  /**
   * PostgreSQL major version; Immich supports 14 to 18. Debian 13's own is 17 (installed from Debian);
   * other majors come from the PGDG repository. Defaults to 17.
   */
  version: z.number().int().min(14).max(18).default(17),
  /** Connections kept for the admin and maintenance on top of the apps' pools. Defaults to 5. */
  adminConnections: z.number().int().min(3).max(100).default(5),
  /** Connections kept for the metrics exporter. Defaults to 3. */
  monitoringConnections: z.number().int().min(1).max(20).default(3),
  /** Login role of the metrics exporter (member of pg_monitor). Defaults to `postgres_exporter`. */
  monitoringRole: pgIdentifier.default("postgres_exporter"),
  /**
   * SHA-256 of VectorChord's `postgresql-<major>-vchord_<version>-1_amd64.deb` for the server's major.
   * The project pins none; when set, the preload step refuses a download that does not match, and
   * until then the plan warns that the package is not checksum-verified.
   */
  vectorchordSha256: sha256.optional(),
  /**
   * VectorChord release installed when an app needs `vchord`. Defaults to 0.4.3: the catalog's Immich
   * (v3) needs VectorChord on top of pgvector and accepts >=0.3 <2 (widened by immich-app/immich#23845),
   * and 0.4.3 is the VectorChord of the database image Immich's own v3 compose file still pins; v1.135
   * (0.3.x-0.4.x) accepts it too, so an instance on its way up keeps one version. The postgres-preload
   * step (vectorchord.ts) installs its release .deb into the Postgres container and preloads vchord.so;
   * pgvector is Debian's postgresql-<major>-pgvector.
   */
  vectorchordVersion: z.string().regex(/^\d+\.\d+\.\d+$/, { message: "must be a release version like 0.4.3" }).default("0.4.3"),
});
