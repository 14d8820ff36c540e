import { cidrContains, ipToInt, isIpv4, parseCidr } from "../../config/net";

/**
 * Answers "can source S open a connection to D on port P" over firewall settings as Proxmox holds
 * them: the datacenter switch, each container's NIC flag, options and ordered rules, and the host's
 * options and rules. It reads only what it understands and refuses anything else (macros, security
 * groups, IP sets, aliases), so a rule it cannot judge fails loudly instead of being misread.
 * Proxmox's own allowances (the `management` IP set and `local_network`) are left out on purpose:
 * what it proves about the host holds by the program's rules alone.
 */

export interface RuleView {
  readonly type?: string;
  readonly action?: string;
  readonly source?: string;
  readonly dest?: string;
  readonly dport?: string;
  readonly proto?: string;
  readonly enabled?: boolean;
  readonly macro?: string;
  readonly securityGroup?: string;
  readonly iface?: string;
  readonly sport?: string;
}

export interface OptionsView {
  readonly enabled?: boolean;
  readonly inputPolicy?: string;
}

export interface GuestView {
  readonly vmId: number;
  readonly ip: string;
  /** The `firewall` flag of the container's NIC. */
  readonly nicFirewall: boolean;
  readonly options: OptionsView | undefined;
  readonly rules: readonly RuleView[];
}

export interface FirewallView {
  /** The datacenter (cluster) firewall options; undefined when the program does not manage them. */
  readonly datacenter: OptionsView | undefined;
  readonly guests: readonly GuestView[];
  readonly host: { readonly ip: string; readonly options: OptionsView | undefined; readonly rules: readonly RuleView[] };
}

/** Whether `ip` is in a rule's address list (empty: any). Single addresses and CIDRs only. */
function addressMatches(list: string | undefined, ip: string): boolean {
  if (list === undefined || list.trim() === "") return true;
  return list.split(",").some((entry) => {
    const e = entry.trim();
    if (isIpv4(e)) return e === ip;
    const cidr = parseCidr(e, { min: 0, max: 32 });
    if (!cidr) throw new Error(`cannot judge the address '${e}' (only IPv4 addresses and CIDRs)`);
    return cidrContains(cidr, ip);
  });
}

/** Whether `port` is in a rule's port list (empty: any): numbers and `a:b` ranges. */
function portMatches(list: string | undefined, port: number): boolean {
  if (list === undefined || list.trim() === "") return true;
  return list.split(",").some((entry) => {
    const m = /^(\d+)(?::(\d+))?$/.exec(entry.trim());
    if (!m) throw new Error(`cannot judge the port '${entry}' (only numbers and ranges like 80:85)`);
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    return port >= low && port <= high;
  });
}

/** The verdict of the first matching inbound rule, or undefined when none matches. */
function firstMatch(rules: readonly RuleView[], source: string, dest: string, port: number, proto: string): boolean | undefined {
  for (const r of rules) {
    if (r.enabled === false || r.type !== "in") continue;
    if (r.macro !== undefined || r.securityGroup !== undefined || r.iface !== undefined || r.sport !== undefined) {
      throw new Error(`cannot judge a rule with a macro, security group, interface or source port: ${JSON.stringify(r)}`);
    }
    if (r.proto !== undefined && r.proto !== proto) continue;
    if (!addressMatches(r.source, source) || !addressMatches(r.dest, dest) || !portMatches(r.dport, port)) continue;
    if (r.action === "ACCEPT") return true;
    if (r.action === "DROP" || r.action === "REJECT") return false;
    throw new Error(`unknown rule action '${r.action}'`);
  }
  return undefined;
}

/** Proxmox's default input policy is DROP, at the datacenter and for a guest. */
const policyAccepts = (options: OptionsView | undefined): boolean => (options?.inputPolicy ?? "DROP") === "ACCEPT";

export function canReach(view: FirewallView, source: string, dest: string, port: number, proto = "tcp"): boolean {
  if (!isIpv4(source) || !isIpv4(dest)) throw new Error(`not IPv4 addresses: ${source} -> ${dest}`);
  if (ipToInt(source) === ipToInt(dest)) return true;
  // The datacenter switch is off (or left alone): no rule anywhere is in effect.
  if (view.datacenter?.enabled !== true) return true;
  if (dest === view.host.ip) {
    // The node's own switch defaults to on once the datacenter firewall is.
    if (view.host.options?.enabled === false) return true;
    return firstMatch(view.host.rules, source, dest, port, proto) ?? policyAccepts(view.datacenter);
  }
  const guest = view.guests.find((g) => g.ip === dest);
  if (!guest) throw new Error(`${dest} is neither the host nor a container`);
  if (!guest.nicFirewall || guest.options?.enabled !== true) return true;
  return firstMatch(guest.rules, source, dest, port, proto) ?? policyAccepts(guest.options);
}
