import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import { appSpecSchema, databaseSchema, sectionSchemas } from "../config/schema";

/**
 * Writes a JSON Schema of the stack file from the zod schema, so an editor can complete and check
 * `Pulumi.homelab.yaml` as it is typed (see docs/configuration.md).
 */

/** A service entry as an editor sees it: placement plus any app setting, all optional but vmId and ip. */
const serviceEntryForEditors = appSpecSchema.partial().extend({
  app: z.string().optional().describe("Catalog app; defaults to the service's name"),
  vmId: z.number().int().min(100).describe("Proxmox VMID, unique on the host"),
  ip: z.string().describe("Static IPv4 address on the LAN"),
  hostname: z.string().optional().describe("Container hostname; defaults to the service name"),
  subdomain: z.string().optional().describe("Subdomain of the web route; defaults to the service name"),
  database: z.union([databaseSchema.partial(), z.literal(false)]).optional(),
  node: z.string().optional().describe("On a cluster: the node the service runs on; left out, the plan places it"),
  ha: z.boolean().optional().describe("On a cluster: the HA manager restarts the service on another node when its node fails"),
});

export function stackJsonSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(sectionSchemas)) {
    const section = key === "services" ? z.record(z.string(), serviceEntryForEditors) : schema;
    const { $schema: _drop, ...json } = z.toJSONSchema(section as z.ZodType, { io: "input", unrepresentable: "any" });
    void _drop;
    properties[`homelab:${key}`] = json;
  }
  const secretNote = { description: "A secret: set it with `pulumi config set --secret`, never in this file", not: {} };
  for (const key of ["proxmoxve:password", "proxmoxve:apiToken", "cloudflare:apiToken", "b2:applicationKey", "b2:applicationKeyId", "homelab:resticPassword", "homelab:hostSshPrivateKey"]) {
    properties[key] = { anyOf: [{ type: "object", required: ["secure"], properties: { secure: { type: "string" } } }, secretNote] };
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Pulumi.homelab.yaml",
    description: "The homelab stack file: host, network, storage tiers, services, Postgres, ingress, backup, monitoring",
    type: "object",
    properties: {
      config: { type: "object", properties, required: ["homelab:domain", "homelab:proxmox", "homelab:network", "homelab:storage", "homelab:services"] },
      secretsprovider: { type: "string" },
      encryptionsalt: { type: "string" },
    },
    required: ["config"],
  };
}

if (require.main === module) {
  const out = process.argv[2] ?? join(__dirname, "..", "config", "stack.schema.json");
  writeFileSync(out, `${JSON.stringify(stackJsonSchema(), null, 2)}\n`);
  process.stdout.write(`wrote ${out}\n`);
}
