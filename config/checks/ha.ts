import type { Homelab, Problem } from "../model";

/**
 * HA restarts a container on another node, so everything it reads must be there too. Datasets are bind
 * mounts of host directories, which the storage layer does not manage: storage replication copies guest
 * volumes on a ZFS pool, never a bind mount's directory, so only a shared tier lets a dataset follow.
 * The root disk follows on shared storage, or by replication when the root storage is a ZFS pool.
 */
export function haRefusal(model: Homelab, service: Homelab["services"][number]): string | undefined {
  if (!model.clustered) return "HA needs a cluster: list the nodes under homelab:proxmox.nodes";
  if (model.nodes.length < 2) return "HA needs a second node to fail over to";
  const local = service.mounts.filter((m) => model.tiers[m.tier]?.shared === false);
  if (local.length > 0) {
    return `its data would stay behind on node ${service.node}: ${local.map((m) => `${m.dataset} is on node-local tier ${m.tier}`).join(", ")}. Datasets are bind mounts, which storage replication does not copy (it copies guest volumes on a ZFS pool); move them to a shared tier (${Object.values(model.tiers).filter((t) => t.shared).map((t) => t.name).join(", ") || "none declared: set shared: true on an NFS or CephFS tier"}) or leave ha out`;
  }
  if (model.proxmox.rootStorageType === "lvmthin") {
    return `its root disk is on ${model.proxmox.rootStorage}, an LVM-thin storage of node ${service.node} that no other node sees; HA needs rootStorageType: zfspool (the root disk is replicated) or shared`;
  }
  return undefined;
}

/** `ha: true` only where the data and the root disk can follow the service to another node. */
export function checkHa(model: Homelab): Problem[] {
  return model.services.flatMap((s) => {
    if (!s.ha) return [];
    const why = haRefusal(model, s);
    return why ? [{ path: `${s.configPath}.ha`, message: `HA refused: ${why}` }] : [];
  });
}

/** HA rules name HA services and known nodes, and each kind of rule says what it needs. */
export function checkHaRules(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const rules = Object.entries(model.proxmox.ha.rules);
  if (rules.length > 0 && !model.clustered) {
    return [{ path: "homelab:proxmox.ha.rules", message: "HA rules need a cluster: list the nodes under homelab:proxmox.nodes" }];
  }
  const nodeNames = model.nodes.map((n) => n.name);
  for (const [name, rule] of rules) {
    const path = `homelab:proxmox.ha.rules.${name}`;
    rule.services.forEach((s, i) => {
      const service = model.services.find((x) => x.name === s);
      if (service === undefined) problems.push({ path: `${path}.services.${i}`, message: `unknown service '${s}' (services: ${model.services.map((x) => x.name).join(", ")})` });
      // The HA manager accepts rules only on resources it already manages.
      else if (!service.ha) problems.push({ path: `${path}.services.${i}`, message: `${s} is not an HA service: set ha: true on homelab:services.${s}, or leave it out of the rule` });
    });
    if (rule.type === "node-affinity") {
      const nodes = Object.keys(rule.nodes ?? {});
      if (nodes.length === 0) problems.push({ path: `${path}.nodes`, message: "a node-affinity rule lists the nodes it keeps its services on, with a priority each, e.g. { pve: 2, pve2: 1 }" });
      for (const n of nodes.filter((x) => !nodeNames.includes(x))) problems.push({ path: `${path}.nodes.${n}`, message: `unknown node '${n}' (nodes: ${nodeNames.join(", ")})` });
      if (rule.affinity !== undefined) problems.push({ path: `${path}.affinity`, message: "affinity belongs to a resource-affinity rule; a node-affinity rule uses nodes" });
    } else {
      if (rule.affinity === undefined) problems.push({ path: `${path}.affinity`, message: "a resource-affinity rule says positive (keep the services on one node) or negative (keep them on different nodes)" });
      if (rule.services.length < 2) problems.push({ path: `${path}.services`, message: "a resource-affinity rule relates at least two services" });
      if (rule.nodes !== undefined) problems.push({ path: `${path}.nodes`, message: "nodes belong to a node-affinity rule" });
      if (rule.affinity === "negative" && rule.services.length > model.nodes.length) {
        problems.push({ path: `${path}.services`, message: `keeps ${rule.services.length} services on different nodes, but the cluster has ${model.nodes.length}` });
      }
    }
  }
  return problems;
}

/**
 * The nodes an HA service may be restarted on, best first: those its node-affinity rule lists, by
 * priority (strict: only those), then the other nodes; never its own node.
 */
export function failoverCandidates(model: Homelab, service: Homelab["services"][number]): string[] {
  const others = model.nodes.map((n) => n.name).filter((n) => n !== service.node);
  const rule = nodeAffinityRule(model, service.name);
  if (rule === undefined) return others;
  const priority = rule.nodes ?? {};
  const listed = others.filter((n) => priority[n] !== undefined).sort((a, b) => (priority[b] ?? 0) - (priority[a] ?? 0));
  return rule.strict ? listed : [...listed, ...others.filter((n) => priority[n] === undefined)];
}

/** The node-affinity rule of the stack file that names a service, if any. */
export const nodeAffinityRule = (model: Homelab, service: string): Homelab["proxmox"]["ha"]["rules"][string] | undefined =>
  Object.values(model.proxmox.ha.rules).find((r) => r.type === "node-affinity" && r.services.includes(service));
