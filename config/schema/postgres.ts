import { z } from "zod";
import { dnsLabel } from "./common";

export const postgresSchema = z.strictObject({
  /** Run the shared PostgreSQL. Apps with a database need it. Defaults to true. */
  enabled: z.boolean().default(true),
  /** The service (a catalog `postgres` app) that hosts the cluster. Defaults to `postgres`. */
  service: dnsLabel.default("postgres"),
  /** PostgreSQL major version; Immich supports 14 to 18. Defaults to 16. */
  version: z.number().int().min(14).max(18).default(16),
  /** Connections kept for the admin and maintenance on top of the apps' pools. Defaults to 5. */
  adminConnections: z.number().int().min(3).max(100).default(5),
  /** Connections kept for the metrics exporter. Defaults to 3. */
  monitoringConnections: z.number().int().min(1).max(20).default(3),
});
