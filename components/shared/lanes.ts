import type * as pulumi from "@pulumi/pulumi";

/** Infrastructure (database, ingress, monitoring) is created before any app container. */
export type LaneKind = "infra" | "app";

/**
 * Proxmox fails concurrent container creation with "can't lock file ... got timeout". Containers are
 * dealt round-robin into `count` lanes; each waits for the previous container of its lane.
 *
 * Infrastructure is dealt first, so no infrastructure container ever waits behind an app: once an app
 * has taken a lane, taking one for infrastructure is a programming error (the composition declares
 * the infrastructure components before the apps).
 */
export class CreationLanes {
  private readonly tails: (pulumi.Resource | undefined)[];
  private next = 0;
  private appsStarted = false;

  constructor(readonly count: number) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`lanes: count must be a positive integer, got ${count}`);
    this.tails = new Array<pulumi.Resource | undefined>(count).fill(undefined);
  }

  /** Reserves the next lane: returns what the new container must wait for, and a hook to record it. */
  take(kind: LaneKind, who: string): { readonly lane: number; readonly after: pulumi.Resource[]; readonly done: (created: pulumi.Resource) => void } {
    if (kind === "app") this.appsStarted = true;
    else if (this.appsStarted) throw new Error(`lanes: infrastructure container ${who} was declared after an app; declare infrastructure first so that no app holds it back`);
    const lane = this.next;
    this.next = (this.next + 1) % this.count;
    const tail = this.tails[lane];
    return { lane, after: tail ? [tail] : [], done: (created) => void (this.tails[lane] = created) };
  }
}
