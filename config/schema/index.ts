import * as z from "zod";
import { domainName } from "./common";
import { networkSchema, proxmoxSchema } from "./host";
import { backupSchema } from "./backup";
import { ingressSchema } from "./ingress";
import { monitoringSchema } from "./monitoring";
import { postgresSchema } from "./postgres";
import { servicesSchema } from "./app";
import { storageSchema } from "./storage";

export * from "./common";
export * from "./host";
export * from "./storage";
export * from "./app";
export * from "./postgres";
export * from "./ingress";
export * from "./backup";
export * from "./monitoring";

/**
 * The stack file's `homelab:*` keys, one schema each. They are parsed one by one so that a problem in
 * one section does not hide the problems of the others.
 */
export const sectionSchemas = {
  /** The domain the routes live under, as `<subdomain>.<domain>`. */
  domain: domainName,
  /** `true` lets `pulumi destroy` delete databases, the bucket and dataset resources (dataset directories are never deleted). Defaults to false. */
  allowDataLoss: z.boolean().default(false),
  /** The Proxmox host, or a cluster's API node and its nodes: API, SSH, size, templates, HA. */
  proxmox: proxmoxSchema,
  /** The LAN the containers join, and the networks allowed to administer the homelab. */
  network: networkSchema,
  /** The storage tiers and the datasets services share. */
  storage: storageSchema,
  /** One entry per service: `vmId`, `ip`, optional `app`, `hostname`, `subdomain`, and any app setting to override. */
  services: servicesSchema,
  /** The shared PostgreSQL of every app with a database. */
  // Parsed from {} so that every default of the section applies when the key is absent.
  postgres: postgresSchema.prefault({}),
  /** The Cloudflare Tunnel, DNS records and Access, with Traefik routing each hostname. */
  ingress: ingressSchema.optional(),
  /** Restic backups to a private Backblaze B2 bucket, and Proxmox's vzdump. */
  backup: backupSchema.optional(),
  /** Prometheus, Alertmanager and Grafana, and where alerts go. */
  monitoring: monitoringSchema.prefault({}),
} as const;

export type SectionName = keyof typeof sectionSchemas;
export type Sections = { [K in SectionName]: z.infer<(typeof sectionSchemas)[K]> };

/** The whole stack file as one schema, for the JSON Schema an editor uses. */
export const stackSchema = z.strictObject(sectionSchemas);
