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
