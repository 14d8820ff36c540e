import * as z from "zod";
import { dnsLabel, domainName, email, sha256 } from "./common";

/**
 * SHA-256 of `traefik_<version>_linux_amd64.tar.gz` per Traefik release the catalog has pinned. The
 * recipe refuses a download that does not match, so a tampered or re-tagged release never runs.
 */
export const TRAEFIK_RELEASE_SHA256: Readonly<Record<string, string>> = {
  "v3.7.12": "c3b2634fc5421626641e2f4256108c08078a9b2662f649d770af78e5e5d729a2",
};

export const ingressSchema = z.strictObject({
  /** Publish routes through a Cloudflare Tunnel. Defaults to true. */
  enabled: z.boolean().default(true),
  /** Cloudflare account id (32 hex characters). */
  accountId: z.string().regex(/^[0-9a-f]{32}$/, { message: "must be a 32-character hex Cloudflare account id" }),
  /** Cloudflare zone id of the domain (32 hex characters). */
  zoneId: z.string().regex(/^[0-9a-f]{32}$/, { message: "must be a 32-character hex Cloudflare zone id" }),
  /** Name of the tunnel in the Cloudflare dashboard. Defaults to `homelab`. */
  tunnelName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/, { message: "must be 1-63 letters, digits, spaces, '.', '_' or '-'" }).default("homelab"),
  /** The service running Traefik. Defaults to `traefik`. */
  traefikService: dnsLabel.default("traefik"),
  /** The service running cloudflared. Defaults to `cloudflared`. */
  cloudflaredService: dnsLabel.default("cloudflared"),
  /**
   * Further connectors of the same tunnel: services with app cloudflared. Cloudflare spreads the
   * traffic over every connector that is up; on a cluster each runs on a node of its own, so the
   * tunnel survives a node. Defaults to none.
   */
  connectors: z.array(dnsLabel).default([]),
  /**
   * SHA-256 of the Traefik linux/amd64 release archive. Defaults to the checksum pinned here for the
   * catalog's version; set it when overriding the Traefik version.
   */
  traefikSha256: sha256.optional(),
  /**
   * How the records of `lan` hostnames are written for the LAN's resolver: `dnsmasq` gives
   * `host-record=<fqdn>,<ip>` lines (a file in /etc/dnsmasq.d), `hosts` gives `<ip> <fqdn>` lines
   * (a hosts file: dnsmasq's addn-hosts, Pi-hole's custom.list or pihole.toml `dns.hosts`, AdGuard
   * Home's custom rules). The plan prints them and the stack output `lanDns` holds them. Defaults
   * to `hosts`.
   */
  lanDns: z
    .strictObject({
      /** `hosts` or `dnsmasq`, as above. Defaults to `hosts`. */
      format: z.enum(["dnsmasq", "hosts"]).default("hosts"),
    })
    .default({ format: "hosts" }),
  /**
   * TLS for every routed hostname on Traefik's websecure entrypoint (443), for LAN clients: one
   * wildcard certificate for `*.<domain>` from Let's Encrypt through the DNS-01 challenge, answered
   * with a Cloudflare API token the program creates, limited to editing DNS of this zone. Left out,
   * Traefik serves plain HTTP to the tunnel and the LAN as before.
   */
  acme: z
    .strictObject({
      /** Address Let's Encrypt registers the account under (expiry notices). */
      email,
      /** Ask Let's Encrypt's staging CA (untrusted certificates, generous rate limits) while trying it out. Defaults to false. */
      staging: z.boolean().default(false),
    })
    .optional(),
  /** Who Cloudflare Access lets through to `protected` routes. */
  access: z
    .strictObject({
      /** Addresses Access lets in. */
      emails: z.array(email).default([]),
      /** Mail domains whose every address Access lets in. */
      emailDomains: z.array(domainName).default([]),
      /**
       * Allow public mail domains (gmail.com, outlook.com, ...) in emailDomains. Anyone can get an
       * address there, so such a domain lets the whole internet through Access. Defaults to false.
       */
      acceptPublicMailDomains: z.boolean().default(false),
      /**
       * The Zero Trust team name: `<teamName>.cloudflareaccess.com` is the team domain. cloudflared
       * checks every request to a protected hostname against this team's Access token at the origin.
       * Required when any route is protected.
       */
      teamName: dnsLabel.optional(),
      /** How long an Access login lasts. Defaults to 24h. */
      sessionDuration: z.string().regex(/^\d+(m|h)$/, { message: "must be a duration like 24h or 30m" }).default("24h"),
    })
    .default({ emails: [], emailDomains: [], acceptPublicMailDomains: false, sessionDuration: "24h" }),
});

export type IngressSettings = z.infer<typeof ingressSchema>;

/** The checksum the Traefik recipe verifies: the stack file's, else the one pinned for `version`. */
export const traefikSha256 = (settings: IngressSettings, version: string): string | undefined =>
  settings.traefikSha256 ?? TRAEFIK_RELEASE_SHA256[version];

/** How `lan` records are written: dnsmasq `host-record=` lines or hosts-file lines. */
export type LanDnsFormat = IngressSettings["lanDns"]["format"];
