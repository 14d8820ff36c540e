import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import type { Homelab } from "../../config";
import { firewallMatrix } from "./matrix";
import { GUEST_POLICY, proxmoxRules } from "./proxmox-rules";

export { firewallMatrix, HOST, type FirewallMatrix, type Flow } from "./matrix";

export interface HomelabFirewallArgs {
  /** The model: the matrix is derived from it alone (static addresses), never from resource outputs. */
  readonly model: Homelab;
  /** Each deployed service's container by service name: a container's rules wait for it to exist. */
  readonly containers: Readonly<Record<string, pulumi.Resource>>;
}

/**
 * Proxmox firewall from the model: per container its rules and options (inbound DROP, outbound
 * ACCEPT), the host's rules (management first) and options, and, only when the stack file says so,
 * the datacenter switch that puts them all in effect. Rules go in before the options that enable
 * them, and everything before the switch, so no step of a `pulumi up` drops what it still needs.
 */
export class HomelabFirewall extends pulumi.ComponentResource {
  /** Whether the datacenter firewall is switched on by this stack. */
  public readonly enforced: boolean;

  constructor(name: string, args: HomelabFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:Firewall", name, {}, opts);
    const { model } = args;
    const nodeName = model.proxmox.nodeName;
    const matrix = firewallMatrix(model);
    const child = { parent: this };
    const inPlace: pulumi.Resource[] = [];

    for (const g of matrix.guests) {
      const container = args.containers[g.service];
      if (!container) throw new Error(`the firewall has rules for '${g.service}', which has no container; the composition and deployedServices disagree`);
      // A container's firewall lives on the node it runs on.
      const guestNode = model.services.find((s) => s.name === g.service)?.node ?? nodeName;
      const rules = new proxmoxve.firewall.RulesLegacy(`${name}-${g.service}-rules`, { nodeName: guestNode, containerId: g.vmId, rules: proxmoxRules(g.flows) }, { ...child, dependsOn: [container] });
      const options = new proxmoxve.firewall.OptionsLegacy(
        `${name}-${g.service}-options`,
        {
          nodeName: guestNode,
          containerId: g.vmId,
          enabled: true,
          ...GUEST_POLICY,
          // Static addresses only: no DHCP, no router advertisements. ipfilter drops traffic that leaves
          // with any other source address than the container's own, so no container can pose as Traefik.
          dhcp: false,
          radv: false,
          ipfilter: true,
          macfilter: true,
        },
        { ...child, dependsOn: [container, rules] },
      );
      inPlace.push(rules, options);
    }

    // Every node gets the host's rules; a single host keeps the names it always had.
    for (const node of model.clustered ? model.nodes.map((n) => n.name) : [nodeName]) {
      const suffix = model.clustered ? `-${node}` : "";
      const hostRules = new proxmoxve.firewall.RulesLegacy(`${name}-host-rules${suffix}`, { nodeName: node, rules: proxmoxRules(matrix.host.flows) }, child);
      const hostOptions = new proxmoxve.node.FirewallLegacy(`${name}-host-options${suffix}`, { nodeName: node, enabled: true }, { ...child, dependsOn: [hostRules] });
      inPlace.push(hostRules, hostOptions);
    }

    // Left alone unless asked for: turning it off here would undo a datacenter firewall the operator enabled.
    this.enforced = model.network.datacenterFirewall;
    if (this.enforced) {
      new proxmoxve.cluster.FirewallLegacy(`${name}-datacenter`, { enabled: true, inputPolicy: "DROP", outputPolicy: "ACCEPT" }, { ...child, dependsOn: inPlace });
    }
    this.registerOutputs({ enforced: this.enforced });
  }
}
