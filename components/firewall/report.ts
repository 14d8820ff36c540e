import type { Homelab } from "../../config";
import { table, type ReportSection } from "../shared/report";
import { firewallMatrix } from "./matrix";

/** Plan report: every allowed inbound flow (all else is dropped), and whether the switch is on. */
export function firewallReport(model: Homelab): ReportSection[] {
  const matrix = firewallMatrix(model);
  const flows = [...matrix.host.flows, ...matrix.guests.flatMap((g) => g.flows)];
  return [
    {
      title: "Firewall (inbound; everything not listed is dropped)",
      lines: [
        ...table([
          ["source", "addresses", "destination", "address", "port", "proto", "why"],
          ...flows.map((f) => [f.from.name, f.from.addresses.join(","), f.to, f.toIp, f.port, f.proto, f.why]),
        ]),
        `${matrix.guests.length} containers with inbound DROP and outbound ACCEPT; the host keeps its web UI and SSH open to the admin and operator networks`,
        model.network.datacenterFirewall
          ? "datacenter firewall: switched on by this stack (homelab:network.datacenterFirewall), after every rule above is in place"
          : "datacenter firewall: left as it is, so these rules are inert until it is on; set homelab:network.datacenterFirewall: true (docs/security.md, Firewall)",
      ],
    },
  ];
}
