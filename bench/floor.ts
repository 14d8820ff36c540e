import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { reportAtExit, type FloorResource, type Recording } from "./recording";

/**
 * The floor: what the Pulumi SDKs alone cost for a recorded run. A fresh process that loads the
 * SDK packages and nothing of the program (no config/, components/ or src/ module), and registers
 * the recorded resources through the SDK classes with the same types, names, inputs, secrets,
 * parents, providers, dependencies and options, under mocks that answer what the program's mocks
 * answered. Each class is looked up by its type token, so only the modules the run used are loaded.
 *   floor <recording.json>
 * Prints one JSON line: { resources, cpuMs, maxRssMiB }.
 */

const PACKAGES: Record<string, string> = {
  proxmoxve: "@muhlba91/pulumi-proxmoxve",
  cloudflare: "@pulumi/cloudflare",
  command: "@pulumi/command",
  postgresql: "@pulumi/postgresql",
  random: "@pulumi/random",
  b2: "@pulumi/b2",
};

type SdkClass = new (name: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** `proxmoxve:download/file:File` is `download.File`, `…:index/…:X` is `X`, `pulumi:providers:p` is `Provider`. */
function sdkClass(type: string): SdkClass {
  const parts = type.split(":");
  const provider = parts[0] === "pulumi" && parts[1] === "providers";
  const pkgName = PACKAGES[(provider ? parts[2] : parts[0]) ?? ""];
  if (!pkgName) throw new Error(`no SDK package for ${type}`);
  const pkg = require(pkgName) as Record<string, unknown>;
  const module = (parts[1] ?? "").split("/")[0] ?? "";
  const ns = provider || module === "index" ? pkg : (pkg[module] as Record<string, unknown> | undefined);
  const cls = ns?.[provider ? "Provider" : (parts[2] ?? "")] as (SdkClass & { __pulumiType?: string }) | undefined;
  const expected = provider ? parts[2] : type;
  if (!cls || cls.__pulumiType !== expected) throw new Error(`no SDK class for ${type} in ${pkgName}`);
  return cls;
}

class FloorComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

/** Marks the recorded secret paths secret again, deepest first, so nested secrets nest. */
function withSecrets(r: FloorResource): pulumi.Inputs {
  const inputs = structuredClone(r.inputs) as Record<string, unknown>;
  for (const path of [...r.secretPaths].sort((a, b) => b.split(".").length - a.split(".").length)) {
    const keys = path.split(".");
    const last = keys.pop() as string;
    const holder = keys.reduce<Record<string, unknown>>((v, k) => v[k] as Record<string, unknown>, inputs);
    holder[last] = pulumi.secret(holder[last]);
  }
  return inputs;
}

/** A provider reference is `<urn>::<id>`; its last two URN segments are the provider's type and name. */
const providerKey = (ref: string): string => ref.split("::").slice(-3, -1).join("::").split("$").pop() ?? ref;
const ownKey = (r: FloorResource): string => `${r.type}::${r.name}`;

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: floor <recording.json>");
  const recording = JSON.parse(readFileSync(file, "utf8")) as Recording;
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: args.custom ? `${args.name}-id` : undefined, state: { ...args.inputs, ...recording.outputs[`${args.type}::${args.name}`] } }),
      call: () => ({}),
    },
    "homelab",
    "homelab",
    false,
  );
  let registered = 0;
  await pulumi.runtime.runInPulumiStack(async () => {
    const byUrn = new Map<string, pulumi.Resource>();
    const providers = new Map<string, pulumi.ProviderResource>();
    for (const r of recording.resources) {
      const found = (urns: readonly string[]): pulumi.Resource[] => urns.flatMap((u) => byUrn.get(u) ?? []);
      const common = {
        parent: r.parentUrn ? byUrn.get(r.parentUrn) : undefined,
        dependsOn: found(r.dependencies),
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
      };
      const resource = r.custom
        ? new (sdkClass(r.type))(r.name, withSecrets(r), {
            ...common,
            provider: r.provider ? providers.get(providerKey(r.provider)) : undefined,
            deleteBeforeReplace: r.deleteBeforeReplace,
            additionalSecretOutputs: [...r.additionalSecretOutputs],
            ignoreChanges: [...r.ignoreChanges],
            replaceOnChanges: [...r.replaceOnChanges],
            replaceWith: found(r.replaceWith) as pulumi.CustomResource[],
          })
        : new FloorComponent(r.type, r.name, common);
      byUrn.set(r.urn, resource);
      if (r.type.startsWith("pulumi:providers:")) providers.set(ownKey(r), resource as pulumi.ProviderResource);
      registered++;
    }
    for (const i of recording.invokes) await pulumi.runtime.invoke(i.token, i.inputs);
    return {};
  });
  reportAtExit(registered);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
