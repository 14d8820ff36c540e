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
  domain: domainName,
  allowDataLoss: z.boolean().default(false),
  proxmox: proxmoxSchema,
  network: networkSchema,
  storage: storageSchema,
  services: servicesSchema,
  // Parsed from {} so that every default of the section applies when the key is absent.
  postgres: postgresSchema.prefault({}),
  ingress: ingressSchema.optional(),
  backup: backupSchema.optional(),
  monitoring: monitoringSchema.prefault({}),
} as const;

export type SectionName = keyof typeof sectionSchemas;
export type Sections = { [K in SectionName]: z.infer<(typeof sectionSchemas)[K]> };

/** The whole stack file as one schema, for the JSON Schema an editor uses. */
export const stackSchema = z.strictObject(sectionSchemas);
