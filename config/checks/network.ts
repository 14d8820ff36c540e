import type { Homelab, Problem } from "../model";
import { broadcast, cidrContains, formatCidr, intToIp, ipToInt, isIpv4, parseCidr } from "../net";
import { duplicates } from "./duplicates";

/** Addresses: every container on the LAN, none on a reserved address, none shared. */
export function checkNetwork(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const { network } = model;
  const cidrValid = network.cidr.prefix <= 30;
  network.adminCidrs.forEach((c, i) => {
    if (!parseCidr(c)) problems.push({ path: `homelab:network.adminCidrs.${i}`, message: `'${c}' must be a network in CIDR form like 192.168.1.0/24` });
  });
  network.operatorCidrs.forEach((c, i) => {
    const path = `homelab:network.operatorCidrs.${i}`;
    const parsed = parseCidr(c, { min: 0, max: 32 });
    if (!parsed) problems.push({ path, message: `'${c}' must be a network in CIDR form like 192.168.1.0/24 or an address like 192.168.1.50/32` });
    else if (parsed.prefix === 0) problems.push({ path, message: `'${c}' would let any address try the Postgres superuser's password; name the networks you run pulumi up from` });
    else {
      const container = parsed.prefix === 32 ? model.services.find((s) => isIpv4(s.ip) && ipToInt(s.ip) === parsed.network) : undefined;
      if (container) problems.push({ path, message: `${c} is the container of ${container.configPath}; pulumi up runs from the operator's machine, not a container` });
    }
  });
  if (network.datacenterFirewall && network.adminCidrs.length === 0 && network.operatorCidrs.length === 0) {
    problems.push({
      path: "homelab:network.datacenterFirewall",
      message: "true with no adminCidrs and no operatorCidrs would open the host's web UI and SSH to nobody; name the networks you administer from (e.g. operatorCidrs: [192.168.1.50/32]) or keep it false",
    });
  }
  if (cidrValid && !cidrContains(network.cidr, network.gateway)) {
    problems.push({ path: "homelab:network.gateway", message: `${network.gateway} is outside ${formatCidr(network.cidr)}` });
  }
  const reserved = new Map<string, string>();
  if (cidrValid) {
    reserved.set(intToIp(network.cidr.network), "the network address");
    reserved.set(intToIp(broadcast(network.cidr)), "the broadcast address");
  }
  reserved.set(network.gateway, "the gateway");
  reserved.set(model.proxmox.sshAddress, "the Proxmox host (homelab:proxmox.sshAddress)");
  for (const s of model.services) {
    const path = `${s.configPath}.ip`;
    if (!isIpv4(s.ip)) {
      problems.push({ path, message: `'${s.ip}' must be an IPv4 address like 192.168.1.20` });
      continue;
    }
    if (cidrValid && !cidrContains(network.cidr, s.ip)) {
      problems.push({ path, message: `${s.ip} is outside the network ${formatCidr(network.cidr)}` });
    }
    const clash = reserved.get(s.ip);
    if (clash) problems.push({ path, message: `${s.ip} is ${clash}` });
  }
  problems.push(
    ...duplicates(
      model.services.filter((s) => isIpv4(s.ip)),
      (s) => ipToInt(s.ip),
      (s) => `${s.configPath}.ip`,
      "IP",
    ).map((p) => ({ ...p, message: p.message.replace(/^IP (\d+)/, (_m, n: string) => `IP ${intToIp(Number(n))}`) })),
  );
  return problems;
}
