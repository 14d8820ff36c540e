import type { Homelab, Problem } from "./model";

/** A secret the stack needs, in the namespace of whoever reads it. */
export interface SecretRequirement {
  readonly key: string;
  readonly why: string;
}

/** Every secret key the program can read. Plan fills missing ones with placeholders. */
export const SECRET_KEYS = [
  "proxmoxve:password",
  "proxmoxve:apiToken",
  "homelab:hostSshPrivateKey",
  "cloudflare:apiToken",
  "b2:applicationKeyId",
  "b2:applicationKey",
  "homelab:resticPassword",
  "homelab:ntfyToken",
  "homelab:smtpPassword",
  "homelab:webhookToken",
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** The secrets this homelab needs, derived from what the stack file turns on. */
export function requiredSecrets(model: Homelab): SecretRequirement[] {
  const needs: SecretRequirement[] = [
    model.proxmox.auth === "password"
      ? { key: "proxmoxve:password", why: "root@pam password for the Proxmox API" }
      : { key: "proxmoxve:apiToken", why: "Proxmox API token (user@realm!id=secret)" },
    { key: "homelab:hostSshPrivateKey", why: "SSH private key for root on the Proxmox host (pct push / pct exec)" },
  ];
  if (model.ingress?.enabled) needs.push({ key: "cloudflare:apiToken", why: "Cloudflare API token with Tunnel, DNS and Access edit rights" });
  if (model.backup?.enabled) {
    needs.push(
      { key: "b2:applicationKeyId", why: "B2 key id allowed to create buckets and keys" },
      { key: "b2:applicationKey", why: "B2 application key allowed to create buckets and keys" },
      { key: "homelab:resticPassword", why: "restic repository password; keep a copy in a password manager, without it no backup can be restored" },
    );
  }
  if (model.monitoring.enabled) {
    const kinds = new Set(
      model.monitoring.receivers.map((r) =>
        r.type === "ntfy" && r.authenticated ? "ntfy" : r.type === "email" ? "email" : r.type === "webhook" && r.bearerToken ? "webhook" : "",
      ),
    );
    if (kinds.has("ntfy")) needs.push({ key: "homelab:ntfyToken", why: "ntfy access token for the alert topic" });
    if (kinds.has("email")) needs.push({ key: "homelab:smtpPassword", why: "SMTP password of the alert email sender" });
    if (kinds.has("webhook")) needs.push({ key: "homelab:webhookToken", why: "bearer token of the alert webhook" });
  }
  return needs;
}

/** One problem per missing or plainly stored secret, each with the command that fixes it. */
export function checkSecrets(model: Homelab, present: ReadonlySet<string>, plain: ReadonlySet<string>): Problem[] {
  const missing = requiredSecrets(model).flatMap(({ key, why }): Problem[] =>
    present.has(key) ? [] : [{ path: key, message: `missing secret (${why}); set it with: pulumi config set --secret ${key} <value>` }],
  );
  // Every credential in plain text, used or not: the stack file is committed, and the value with it.
  const stored = [...plain].sort().map((key): Problem => {
    const [top] = key.split(".");
    const fix = key === top ? `pulumi config set --secret ${key} <value>` : `pulumi config set --secret --path '${key}' <value>`;
    return { path: key, message: `is stored in plain text; set it again with: ${fix} (and rotate it: it may already be in the repository's history)` };
  });
  return [...missing, ...stored];
}
