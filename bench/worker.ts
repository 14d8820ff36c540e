import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, runStack, type RecordedResource } from "../src/mock-runtime";

/**
 * One measurement in a fresh process, so peak memory belongs to that measurement alone.
 *   worker load                       SDKs loaded, mocks set, nothing registered
 *   worker program <config.json> <out.json>   the real program; writes the recorded resources to out.json
 *   worker replay <recorded.json>      the same registrations with no program logic
 * Prints one JSON line: { ms, resources, maxRssMiB }.
 */

// Everything the program loads, so that "load" is its floor.
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as b2 from "@pulumi/b2";
import * as cloudflare from "@pulumi/cloudflare";
import * as command from "@pulumi/command";
import * as postgresql from "@pulumi/postgresql";
import * as random from "@pulumi/random";
import { homelab } from "../src/homelab";
import { loadModelOrExit, readSecrets } from "../src/program";
import { stackConfigFromObject } from "../src/stack-file";

/**
 * The SDKs load each resource class lazily on first use; touching the namespaces the program uses
 * makes that loading part of the floor, not of the program's time.
 */
function preloadResourceModules(): number {
  const namespaces: object[] = [proxmoxve, proxmoxve.download, proxmoxve.storage, proxmoxve.backup, b2, cloudflare, command.remote, command.local, postgresql, random];
  let touched = 0;
  for (const ns of namespaces) {
    for (const key of Object.keys(ns)) {
      if (/^[A-Z]/.test(key) && typeof (ns as Record<string, unknown>)[key] === "function") touched++;
    }
  }
  return touched;
}

const report = (ms: number, resources: number): void => {
  process.stdout.write(`${JSON.stringify({ ms, resources, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
};

class ReplayCustom extends pulumi.CustomResource {}

type SdkClass = new (name: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/**
 * The SDK classes by type token, found by walking the packages' namespaces. Replaying through the
 * real classes costs exactly what the SDK costs for each resource (every declared output property
 * gets its promises), with none of our logic.
 */
function sdkClasses(): Map<string, SdkClass> {
  const found = new Map<string, SdkClass>();
  const walk = (ns: object, depth: number): void => {
    for (const key of Object.keys(ns)) {
      const value = (ns as Record<string, unknown>)[key];
      if (typeof value === "function") {
        const token = (value as { __pulumiType?: unknown }).__pulumiType;
        if (typeof token === "string") found.set(token === "proxmoxve" || token === "cloudflare" || token === "command" || token === "postgresql" || token === "random" || token === "b2" ? `pulumi:providers:${token}` : token, value as SdkClass);
      } else if (depth > 0 && typeof value === "object" && value !== null && /^[a-z]/.test(key)) walk(value, depth - 1);
    }
  };
  for (const ns of [proxmoxve, b2, cloudflare, command, postgresql, random]) walk(ns, 2);
  return found;
}
class ReplayComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

function replayInputs(r: RecordedResource): pulumi.Inputs {
  const inputs: pulumi.Inputs = {};
  for (const [key, value] of Object.entries(r.inputs)) {
    inputs[key] = r.secretPaths.some((p) => p === key || p.startsWith(`${key}.`)) ? pulumi.secret(value) : value;
  }
  return inputs;
}

async function replay(recorded: readonly RecordedResource[]): Promise<number> {
  const classes = sdkClasses();
  const missing = new Set<string>();
  const session = installMocks();
  await runStack(() => {
    const objects = new Map<string, pulumi.Resource>();
    for (const r of recorded) {
      const opts = {
        parent: r.parentUrn ? objects.get(r.parentUrn) : undefined,
        dependsOn: r.dependencies.flatMap((u) => objects.get(u) ?? []),
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        ignoreChanges: [...r.ignoreChanges],
      };
      const Sdk = classes.get(r.type);
      let resource: pulumi.Resource;
      if (!r.custom) resource = new ReplayComponent(r.type, r.name, opts);
      else if (Sdk) resource = new Sdk(r.name, replayInputs(r), opts);
      else {
        missing.add(r.type);
        resource = new ReplayCustom(r.type, r.name, replayInputs(r), { ...opts, additionalSecretOutputs: [...r.additionalSecretOutputs] });
      }
      objects.set(r.urn, resource);
    }
    return {};
  });
  // A type without its SDK class would be replayed cheaper than the program registers it.
  if (missing.size > 0) throw new Error(`no SDK class found for ${[...missing].join(", ")}`);
  return session.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").length;
}

async function main(): Promise<void> {
  const [mode, first, second] = process.argv.slice(2);
  if (process.env.BENCH_SOURCE_MAPS === "off") process.setSourceMapsEnabled(false);
  preloadResourceModules();
  if (mode === "load") {
    installMocks();
    report(performance.now(), 0);
    return;
  }
  if (mode === "program" && first && second) {
    const stack = stackConfigFromObject({ config: JSON.parse(readFileSync(first, "utf8")) as unknown });
    pulumi.runtime.setAllConfig(stack.config, stack.secretKeys);
    const session = installMocks();
    const start = performance.now();
    const model = loadModelOrExit();
    await runStack(() => homelab(model, readSecrets()));
    const ms = performance.now() - start;
    const resources = session.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    writeFileSync(second, JSON.stringify(resources));
    report(ms, resources.length);
    return;
  }
  if (mode === "replay" && first) {
    const recorded = JSON.parse(readFileSync(first, "utf8")) as RecordedResource[];
    const start = performance.now();
    const count = await replay(recorded);
    report(performance.now() - start, count);
    return;
  }
  throw new Error("usage: worker load | program <config.json> <out.json> | replay <recorded.json>");
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
