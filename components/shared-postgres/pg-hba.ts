import { ipToInt } from "../../config/net";
import { ADMIN_ROLE, type DatabasePlan } from "./databases";

/** Where the admin may connect from: the Proxmox host and the operator's networks, never a container. */
export interface AdminSources {
  readonly proxmoxHost: string;
  /** Where the operator runs `pulumi up` from (`homelab:network.operatorCidrs`). */
  readonly operatorCidrs: readonly string[];
  /** Every container's address: refused for the admin even when inside an operator network. */
  readonly containerIps: readonly string[];
}

const METHOD = "scram-sha-256";
const byAddress = (a: string, b: string): number => ipToInt(a) - ipToInt(b);
const row = (...cells: string[]): string => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(i === 0 ? 7 : 16) : c)).join(" ").trimEnd();

/**
 * pg_hba.conf: first match wins. Each app role only from its own container to its own database, the
 * admin only from the host and the operator's networks (never from a container, even one inside them:
 * an app that is broken into must not get to try the superuser's password), the exporter only over loopback, and every
 * other connection refused by an explicit rule rather than by falling off the end.
 */
export function renderPgHba(plan: DatabasePlan, admin: AdminSources): string {
  const lines = [
    "# Rendered by the homelab program from the stack file; changes here are overwritten.",
    row("# TYPE", "DATABASE", "USER", "ADDRESS", "METHOD"),
    "# The admin on the server itself, for provisioning (peer: the OS user postgres only).",
    row("local", "all", ADMIN_ROLE, "peer"),
    "# The metrics exporter, which runs beside the server.",
    row("host", plan.monitoring.database, plan.monitoring.role, "127.0.0.1/32", METHOD),
    "# Never the admin from a container, whatever network it sits in.",
    ...[...new Set(admin.containerIps)].sort(byAddress).map((ip) => row("host", "all", ADMIN_ROLE, `${ip}/32`, "reject")),
    "# The admin from the Proxmox host and the operator's networks.",
    row("host", "all", ADMIN_ROLE, `${admin.proxmoxHost}/32`, METHOD),
    ...admin.operatorCidrs.map((cidr) => row("host", "all", ADMIN_ROLE, cidr, METHOD)),
    "# Each app: its own role, from its own container, to its own database.",
    ...plan.apps.map((a) => row("host", a.database, a.owner, `${a.ip}/32`, METHOD)),
    "# Everything else.",
    row("local", "all", "all", "reject"),
    row("host", "all", "all", "0.0.0.0/0", "reject"),
    row("host", "all", "all", "::/0", "reject"),
    row("host", "replication", "all", "0.0.0.0/0", "reject"),
    row("host", "replication", "all", "::/0", "reject"),
  ];
  return `${lines.join("\n")}\n`;
}
