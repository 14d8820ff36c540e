import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { failoverCandidates, type Homelab } from "../../config";

export interface ClusterHaArgs {
  readonly model: Homelab;
  /** Each service's container, by service name; an HA resource waits for its container. */
  readonly containers: Readonly<Record<string, pulumi.Resource>>;
}

/** The HA manager's id of a container. */
export const haResourceId = (vmId: number): string => `ct:${vmId}`;

/** Replication job ids: `<vmid>-<n>`, one job per target node. */
export const replicationJobId = (vmId: number, n: number): string => `${vmId}-${n}`;

/**
 * The HA manager's view of the homelab: an HA resource per HA service, the stack file's HA rules, and,
 * when root disks are on a ZFS pool, a replication job from each HA container to every node it may be
 * restarted on (so the root disk is there when it is). The config checks have refused HA for any
 * service whose datasets would stay behind on a node-local tier.
 */
export class ClusterHa extends pulumi.ComponentResource {
  /** The HA resources, by service name. */
  public readonly resources: Readonly<Record<string, proxmoxve.Haresource>>;
  /** The replication jobs, by service name. */
  public readonly replications: Readonly<Record<string, readonly proxmoxve.Replication[]>>;

  constructor(name: string, args: ClusterHaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:ClusterHa", name, {}, opts);
    const { model } = args;
    const ha = model.proxmox.ha;
    const resources: Record<string, proxmoxve.Haresource> = {};
    const replications: Record<string, proxmoxve.Replication[]> = {};
    for (const s of model.services.filter((x) => x.ha)) {
      const container = args.containers[s.name];
      if (container === undefined) throw new Error(`HA service '${s.name}' has no container; the composition and the model disagree`);
      const jobs =
        model.proxmox.rootStorageType === "zfspool"
          ? failoverCandidates(model, s).map(
              (target, n) =>
                new proxmoxve.Replication(
                  `${name}-${s.name}-replicate-${target}`,
                  { resourceId: replicationJobId(s.vmId, n), type: "local", target, schedule: ha.replicationSchedule, comment: `${s.name}: root disk to ${target}, for HA` },
                  { parent: this, dependsOn: [container] },
                ),
            )
          : [];
      replications[s.name] = jobs;
      resources[s.name] = new proxmoxve.Haresource(
        `${name}-${s.name}`,
        {
          resourceId: haResourceId(s.vmId),
          type: "ct",
          state: "started",
          maxRestart: ha.maxRestart,
          maxRelocate: ha.maxRelocate,
          comment: `${s.name}: data on shared tiers, restarted elsewhere when ${s.node} fails`,
        },
        // Replicated first: the HA manager may move it as soon as it manages it.
        { parent: this, dependsOn: [container, ...jobs] },
      );
    }
    for (const [rule, r] of Object.entries(ha.rules)) {
      const members = r.services.map((s) => resources[s]).filter((x): x is proxmoxve.Haresource => x !== undefined);
      new proxmoxve.Harule(
        `${name}-rule-${rule}`,
        {
          rule,
          type: r.type,
          resources: r.services.map((s) => haResourceId(model.services.find((x) => x.name === s)?.vmId ?? 0)),
          ...(r.type === "node-affinity" ? { nodes: { ...(r.nodes ?? {}) }, strict: r.strict } : { affinity: r.affinity }),
        },
        // The HA manager takes rules only on resources it already manages.
        { parent: this, dependsOn: members },
      );
    }
    this.resources = resources;
    this.replications = replications;
    this.registerOutputs({ resources: Object.keys(resources) });
  }
}
