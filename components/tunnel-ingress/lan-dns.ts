import type { Homelab } from "../../config";
import { codePointOrder } from "../../config/order";
import type { LanDnsFormat } from "../../config/schema";

/** One name the LAN's resolver must answer: a `lan` hostname and the address that serves it. */
export interface LanDnsRecord {
  readonly fqdn: string;
  readonly ip: string;
}

/**
 * The records `lan` hostnames need, in hostname order: each points at Traefik when the tunnel's
 * Traefik runs, else at its own container (nothing else would answer for it on the LAN).
 */
export function lanDnsRecords(model: Homelab): LanDnsRecord[] {
  const ingress = model.ingress;
  const traefikIp = ingress?.enabled ? model.services.find((s) => s.name === ingress.traefikService)?.ip : undefined;
  return model.services
    .flatMap((s) => s.routes.filter((r) => r.exposure === "lan").map((r) => ({ fqdn: r.fqdn, ip: traefikIp ?? s.ip })))
    .sort((a, b) => codePointOrder(a.fqdn, b.fqdn));
}

/** One line per record, in the format the resolver reads. */
export function renderLanDns(records: readonly LanDnsRecord[], format: LanDnsFormat): string {
  const line = format === "dnsmasq" ? (r: LanDnsRecord) => `host-record=${r.fqdn},${r.ip}` : (r: LanDnsRecord) => `${r.ip} ${r.fqdn}`;
  return records.map((r) => `${line(r)}\n`).join("");
}
