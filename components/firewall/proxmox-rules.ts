import type { Flow } from "./matrix";

/** A Proxmox firewall rule as the provider takes it (`proxmoxve.firewall.RulesLegacy` `rules`). */
export interface ProxmoxRule {
  readonly type: "in";
  readonly action: "ACCEPT";
  readonly source: string;
  readonly dport: string;
  readonly proto: string;
  readonly comment: string;
}

/** The default policies every container gets: nothing comes in unless a rule lets it, anything goes out. */
export const GUEST_POLICY = { inputPolicy: "DROP", outputPolicy: "ACCEPT" } as const;

/** Proxmox keeps a rule's comment on one line of its .fw file. */
const oneLine = (text: string): string => text.replace(/[\r\n#]+/g, " ").trim();

/**
 * One ACCEPT rule per flow: the sources as Proxmox's comma-separated list, the port and protocol,
 * and why as the comment (shown in the web UI). A flow never has an empty source, which Proxmox
 * would read as "from anywhere".
 */
export function proxmoxRules(flows: readonly Flow[]): ProxmoxRule[] {
  return flows.map((f) => {
    if (f.from.addresses.length === 0) throw new Error(`flow to ${f.to}:${f.port} has no source; it would be open to anyone`);
    return { type: "in", action: "ACCEPT", source: f.from.addresses.join(","), dport: String(f.port), proto: f.proto, comment: oneLine(`${f.from.name}: ${f.why}`) };
  });
}
