import { z } from "zod";
import { dnsLabel, domainName, email } from "./common";

export const ingressSchema = z.strictObject({
  /** Publish routes through a Cloudflare Tunnel. Defaults to true. */
  enabled: z.boolean().default(true),
  /** Cloudflare account id (32 hex characters). */
  accountId: z.string().regex(/^[0-9a-f]{32}$/, { message: "must be a 32-character hex Cloudflare account id" }),
  /** Cloudflare zone id of the domain (32 hex characters). */
  zoneId: z.string().regex(/^[0-9a-f]{32}$/, { message: "must be a 32-character hex Cloudflare zone id" }),
  /** The service running Traefik. Defaults to `traefik`. */
  traefikService: dnsLabel.default("traefik"),
  /** The service running cloudflared. Defaults to `cloudflared`. */
  cloudflaredService: dnsLabel.default("cloudflared"),
  /** Who Cloudflare Access lets through to `protected` routes. */
  access: z
    .strictObject({
      emails: z.array(email).default([]),
      emailDomains: z.array(domainName).default([]),
      /** How long an Access login lasts. Defaults to 24h. */
      sessionDuration: z.string().regex(/^\d+(m|h)$/, { message: "must be a duration like 24h or 30m" }).default("24h"),
    })
    .default({ emails: [], emailDomains: [], sessionDuration: "24h" }),
});
