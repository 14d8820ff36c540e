/**
 * A corpus entry: a change to the example stack file that must be rejected with a message naming
 * the config path, before anything is registered. Each area keeps its own corpus file here.
 */
export interface BadInput {
  /** What is wrong, as a test name: "two services share a vmId". */
  readonly name: string;
  /** Changes the example stack's `config:` block in place (keys as written, e.g. `homelab:services`). */
  readonly mutate: (config: Record<string, unknown>) => void;
  /** The config path the problem must name, exactly, e.g. `homelab:services.immich.vmId`. */
  readonly path: string;
  /** What the message must say. */
  readonly message: RegExp;
  /** Secret keys left unset (all others get placeholders, as the offline plan does). */
  readonly unsetSecrets?: readonly string[];
}

type Obj = Record<string, unknown>;

/** Reads a nested object of the config for mutation: at(config, "homelab:services", "immich"). */
export function at(config: Obj, ...keys: string[]): Obj {
  let current: Obj = config;
  for (const key of keys) {
    const next = current[key];
    if (typeof next !== "object" || next === null) {
      const created: Obj = {};
      current[key] = created;
      current = created;
    } else current = next as Obj;
  }
  return current;
}
