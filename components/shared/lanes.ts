import type * as pulumi from "@pulumi/pulumi";

/**
 * Proxmox fails concurrent container creation with "can't lock file ... got timeout". Containers are
 * dealt round-robin into `count` lanes; each waits for the previous container of its lane.
 */
export class CreationLanes {
  private readonly tails: (pulumi.Resource | undefined)[];
  private next = 0;

  constructor(readonly count: number) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`lanes: count must be a positive integer, got ${count}`);
    this.tails = new Array<pulumi.Resource | undefined>(count).fill(undefined);
  }

  /** Reserves the next lane: returns what the new container must wait for, and a hook to record it. */
  take(): { readonly lane: number; readonly after: pulumi.Resource[]; readonly done: (created: pulumi.Resource) => void } {
    const lane = this.next;
    this.next = (this.next + 1) % this.count;
    const tail = this.tails[lane];
    return { lane, after: tail ? [tail] : [], done: (created) => void (this.tails[lane] = created) };
  }
}
