import type { StackValidationPolicy } from "@pulumi/policy";
import { T } from "./tokens";

interface Rule {
  readonly action?: unknown;
  readonly source?: unknown;
}

const isBlank = (v: unknown): boolean => typeof v !== "string" || v.trim() === "";

/**
 * Every container's NIC has the firewall flag, the container has firewall options that are enabled
 * with inbound DROP, and no ACCEPT rule anywhere is left without a source (Proxmox reads a missing
 * source as "from anywhere"). What the rules open is the program's matrix; this only makes sure
 * that nothing is open by default.
 */
export const containersFirewalled: StackValidationPolicy = {
  name: "containers-firewalled-inbound-drop",
  description: "Every LXC container has its NIC firewall on and firewall options enabled with inbound DROP; every ACCEPT rule names its sources.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Keep the Firewall component in the composition (src/homelab.ts); a service that needs an opening declares it in the stack file (allowFrom, exposure: lan).",
  validateStack: (args, reportViolation) => {
    const options = new Map<unknown, Record<string, unknown>>();
    for (const r of args.resources) if (r.type === T.firewallOptions) options.set(r.props.containerId, r.props);
    for (const r of args.resources) {
      if (r.type === T.container) {
        const nics = Array.isArray(r.props.networkInterfaces) ? (r.props.networkInterfaces as { firewall?: unknown }[]) : [];
        if (nics.some((n) => n.firewall !== true)) reportViolation(`container ${r.name} has a network interface without firewall: true`, r.urn);
        const o = options.get(r.props.vmId);
        if (o === undefined) reportViolation(`container ${r.name} (vmId ${String(r.props.vmId)}) has no firewall options, so its inbound policy is not stated`, r.urn);
        else if (o.enabled !== true || o.inputPolicy !== "DROP") {
          reportViolation(`container ${r.name} has firewall options with enabled=${String(o.enabled)} and inputPolicy=${String(o.inputPolicy)}; inbound must be DROP by default`, r.urn);
        }
      }
      if (r.type === T.firewallRules) {
        const rules = Array.isArray(r.props.rules) ? (r.props.rules as Rule[]) : [];
        for (const rule of rules) {
          if (rule.action === "ACCEPT" && isBlank(rule.source)) reportViolation(`firewall rules ${r.name} accept ${JSON.stringify(rule)} from any source`, r.urn);
        }
      }
    }
  },
};
