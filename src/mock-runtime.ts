import * as pulumi from "@pulumi/pulumi";

/**
 * Runs the program under Pulumi mocks and records every registration with its raw options, which
 * `newResource` alone does not see. Used by the offline plan, the tests and the benchmark.
 */

const SIG = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;
const ASSET_SIG = pulumi.runtime.specialAssetSig;
const ARCHIVE_SIG = pulumi.runtime.specialArchiveSig;
const RESOURCE_SIG = pulumi.runtime.specialResourceSig;

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parentUrn: string | null;
  readonly custom: boolean;
  /** Inputs with secrets unwrapped and assets as their text. */
  readonly inputs: Record<string, unknown>;
  /** Dotted paths of inputs that arrived marked secret (`password`, `config.ingresses`). */
  readonly secretPaths: readonly string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  /** URNs of explicit and implicit (input) dependencies. */
  readonly dependencies: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
  /** URNs of the resources whose replacement replaces this one (the `replaceWith` option). */
  readonly replaceWith: readonly string[];
  readonly provider: string;
  readonly packageRef: string;
}

export interface RecordedInvoke {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

interface UnwrapResult {
  value: unknown;
  secretPaths: string[];
}

/**
 * Unwraps the wire form of a property: secrets to values (remembering where), assets to their text.
 * Runs on every registration of a recorded run, so a path is spelled out only where a secret is: the
 * walk keeps the keys it is under on one stack instead of building a string per value.
 */
export function unwrap(value: unknown): UnwrapResult {
  const secretPaths: string[] = [];
  const keys: (string | number)[] = [];
  const walk = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) return v;
    if (Array.isArray(v)) {
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) {
        keys.push(i);
        out[i] = walk(v[i]);
        keys.pop();
      }
      return out;
    }
    const obj = v as Record<string, unknown>;
    const sig = obj[SIG];
    if (sig === SECRET_SIG) {
      secretPaths.push(keys.join("."));
      return walk(obj.value);
    }
    if (sig === ASSET_SIG) return obj.text ?? obj.path ?? obj.uri;
    if (sig === ARCHIVE_SIG) return obj.path ?? obj.uri ?? "[archive]";
    if (sig === RESOURCE_SIG) return obj.urn;
    const out: Record<string, unknown> = {};
    for (const k in obj) {
      keys.push(k);
      out[k] = walk(obj[k]);
      keys.pop();
    }
    return out;
  };
  return { value: walk(value), secretPaths };
}

/** Names a resource by its URN's last segment. */
export const urnName = (urn: string): string => urn.split("::").pop() ?? urn;

export type MockOutputs = (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;

/** Plausible provider outputs for the types whose outputs the program reads. */
export const defaultOutputs: MockOutputs = (args) => {
  const name = args.name;
  switch (args.type) {
    case "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared":
      return { id: `tunnel-${name}`, accountTag: args.inputs.accountId };
    case "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication":
      return { aud: `aud-${name}` };
    case "b2:index/bucket:Bucket":
      return { bucketId: `bucket-${name}`, accountId: "b2-account" };
    case "b2:index/applicationKey:ApplicationKey":
      return { applicationKeyId: `keyid-${name}`, applicationKey: `mock-application-key-${name}` };
    case "random:index/randomPassword:RandomPassword":
      return { result: `mock-random-password-${name}` };
    case "random:index/randomBytes:RandomBytes":
      return { base64: Buffer.from(`mock-random-bytes-${name}`.padEnd(32, "x")).toString("base64") };
    case "cloudflare:index/apiToken:ApiToken":
      return { value: `mock-api-token-${name}` };
    case "proxmoxve:user/token:Token":
      return { value: `${String(args.inputs.userId)}!${String(args.inputs.tokenName)}=mock-token-secret-${name}` };
    default:
      return {};
  }
};

/** Stand-ins for Cloudflare's API token permission groups, zone and account scoped; ids name the group. */
const MOCK_PERMISSION_GROUPS = [
  ["DNS Read", "com.cloudflare.api.account.zone"],
  ["DNS Write", "com.cloudflare.api.account.zone"],
  ["Zone Read", "com.cloudflare.api.account.zone"],
  ["Zone Write", "com.cloudflare.api.account.zone"],
  ["Zone Settings Write", "com.cloudflare.api.account.zone"],
  ["DNS Firewall Write", "com.cloudflare.api.account"],
  ["Account Settings Read", "com.cloudflare.api.account"],
].map(([name = "", scope = ""]) => ({
  id: `mock-permission-group-${name.toLowerCase().replace(/\W+/g, "-")}-${scope.split(".").pop() ?? ""}`,
  name,
  scopes: [scope],
  category: "dns_and_zones",
  isSelectable: true,
}));

export interface MockSession {
  readonly resources: RecordedResource[];
  readonly invokes: RecordedInvoke[];
}

/**
 * Installs mocks that record every registration and invoke into the returned session.
 *
 * A registration is recorded in two halves: its options from the request, in the monitor, and its
 * inputs in `newResource`, which the mock monitor calls with the request's properties already
 * deserialized (before it first awaits), so they are not deserialized a second time here. Should an
 * SDK ever call it later, the monitor deserializes the inputs itself.
 */
export function installMocks(outputs: MockOutputs = defaultOutputs, project = "homelab", stack = "homelab"): MockSession {
  const session: MockSession = { resources: [], invokes: [] };
  /** The registration the monitor is handing to `newResource`, until it has its inputs. */
  let pending: { inputs?: Record<string, unknown> } | undefined;
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => {
      if (pending) pending.inputs = args.inputs;
      pending = undefined;
      return { id: args.custom ? `${args.name}-id` : undefined, state: { ...args.inputs, ...outputs(args) } };
    },
    call: (args) => {
      session.invokes.push({ token: args.token, inputs: unwrap(args.inputs).value as Record<string, unknown> });
      if (args.token === "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken") {
        return { token: `mock-connector-token-${String(args.inputs.tunnelId)}` };
      }
      // Cloudflare's permission groups: a few of the real names, near misses included, filtered like the list data source.
      if (args.token === "cloudflare:index/getApiTokenPermissionGroupsList:getApiTokenPermissionGroupsList") {
        const { name, scope } = args.inputs as { name?: string; scope?: string };
        return { results: MOCK_PERMISSION_GROUPS.filter((g) => (name === undefined || g.name === name) && (scope === undefined || g.scopes.includes(scope))) };
      }
      return {};
    },
  };
  void pulumi.runtime.setMocks(mocks, project, stack, false);
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource: (req: RegisterRequest, cb: (err: unknown, resp: unknown) => void) => void;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const handed: { inputs?: Record<string, unknown> } = {};
    pending = handed;
    original(req, cb);
    pending = undefined;
    const { value, secretPaths } = unwrap(handed.inputs ?? pulumi.runtime.deserializeProperties(req.getObject()));
    const deps = new Set(req.getDependenciesList());
    req.getPropertydependenciesMap().forEach((entry) => entry.getUrnsList().forEach((u) => deps.add(u)));
    const parent = req.getParent();
    session.resources.push({
      type: req.getType(),
      name: req.getName(),
      urn: newUrn(parent, req.getType(), req.getName()),
      parentUrn: parent || null,
      custom: req.getCustom(),
      inputs: value as Record<string, unknown>,
      secretPaths,
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      deleteBeforeReplace: req.getDeletebeforereplace(),
      dependencies: [...deps].sort(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      ignoreChanges: req.getIgnorechangesList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      replaceWith: req.getReplaceWithList(),
      provider: req.getProvider(),
      packageRef: req.getPackageref(),
    });
  };
  return session;
}

interface RegisterRequest {
  getObject(): Parameters<typeof pulumi.runtime.deserializeProperties>[0];
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (entry: { getUrnsList(): string[] }) => void): void };
  getAdditionalsecretoutputsList(): string[];
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getReplaceWithList(): string[];
  getProvider(): string;
  getPackageref(): string;
}

/** The URN the mock monitor gives a registration (same rule as the mock monitor's own). */
function newUrn(parent: string, type: string, name: string): string {
  let qualified = type;
  if (parent) {
    const parentType = (parent.split("::")[2] ?? "").split("$").pop();
    qualified = `${parentType}$${type}`;
  }
  return `urn:pulumi:${pulumi.runtime.getStack()}::${pulumi.runtime.getProject()}::${qualified}::${name}`;
}

/** Waits until every outstanding registration and apply has settled. */
export async function settle(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    if (settings.waitForRPCs) await settings.waitForRPCs();
  }
}

/**
 * Runs `init` as the stack's program and returns its outputs once everything settled.
 *
 * Source maps are off while it runs. @pulumi/pulumi formats `new Error().stack` for every promise and
 * resource it makes; run from TypeScript (tsx: the offline plan, the tests) each of those stacks was
 * mapped back to the sources frame by frame, about a quarter of a run, for positions that only a
 * real engine records. V8 formats an error's stack when it is first read, so an error that escapes
 * the run is still shown at its TypeScript lines.
 */
export async function runStack(init: () => Record<string, unknown> | Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const mapped = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    const outputs = await pulumi.runtime.runInPulumiStack(async () => init());
    await settle();
    return (outputs ?? {}) as Record<string, unknown>;
  } finally {
    process.setSourceMapsEnabled(mapped);
  }
}
