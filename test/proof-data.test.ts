import assert from "node:assert/strict";
import { test } from "node:test";
import type { RecordedResource } from "../src/mock-runtime";
import { at } from "./bad-inputs/types";
import { exampleConfig, runProgram } from "./harness";

/**
 * Data safety: what a `pulumi destroy` would delete holds no data unless the stack file allows it, and
 * changes that should apply in place never replace a stateful resource.
 */

const DATA_TYPES = new Set([
  "postgresql:index/database:Database",
  "postgresql:index/role:Role",
  "b2:index/bucket:Bucket",
  "b2:index/applicationKey:ApplicationKey",
]);

const isDatasetDir = (r: RecordedResource): boolean => r.type === "command:remote:Command" && (r.parentUrn ?? "").includes("homelab:index:TieredStorage");
const isData = (r: RecordedResource): boolean => DATA_TYPES.has(r.type) || isDatasetDir(r);

/**
 * What `pulumi destroy --exclude-protected` deletes, as Pulumi implements the flag (pulumi/pulumi#8359,
 * `separateProtected` in the destroy command): it keeps every protected resource and everything it
 * transitively depends on (parent, dependencies, provider), and destroys the rest. Of what it destroys,
 * a `retainOnDelete` resource only leaves the state: the provider's Delete is not called.
 */
export function excludeProtectedDestroy(resources: readonly RecordedResource[]): { deleted: RecordedResource[]; released: RecordedResource[]; kept: RecordedResource[] } {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const providerUrn = (ref: string): string => ref.split("::").slice(0, -1).join("::");
  const kept = new Set<string>();
  const keep = (urn: string | null): void => {
    if (!urn || kept.has(urn)) return;
    const r = byUrn.get(urn);
    if (!r) return;
    kept.add(urn);
    keep(r.parentUrn);
    r.dependencies.forEach(keep);
    if (r.provider) keep(providerUrn(r.provider));
  };
  resources.filter((r) => r.protect).forEach((r) => keep(r.urn));
  const gone = resources.filter((r) => r.custom && !kept.has(r.urn));
  return {
    deleted: gone.filter((r) => !r.retainOnDelete),
    released: gone.filter((r) => r.retainOnDelete),
    kept: resources.filter((r) => r.custom && kept.has(r.urn)),
  };
}

/** Plain `pulumi destroy` stops at the first protected resource ("it will be an error..."); else it deletes all but the retained. */
const plainDestroyFails = (resources: readonly RecordedResource[]): boolean => resources.some((r) => r.protect);

test("the documented teardown, pulumi destroy --exclude-protected, deletes no data: only containers, configuration and credentials go", async () => {
  const { resources } = await runProgram();
  const data = resources.filter(isData);
  assert.ok(data.filter(isDatasetDir).length >= 20, "every dataset directory is a resource");
  assert.ok(data.some((r) => r.name === "storage-postgres-data"), "the Postgres data dataset is among them");
  assert.equal(data.filter((r) => r.type === "postgresql:index/database:Database").length, 4);
  assert.ok(data.every((r) => r.protect && r.retainOnDelete), "every data resource is protected and retained");
  assert.ok(plainDestroyFails(resources), "a plain pulumi destroy is refused, which is why the docs name the flag");
  const { deleted, released } = excludeProtectedDestroy(resources);
  assert.deepEqual([...deleted, ...released].filter(isData).map((r) => r.name), []);
  assert.ok(deleted.some((r) => r.type === "proxmoxve:index/containerLegacy:ContainerLegacy"), "containers are cattle and may go");
});

test("a destroyed container takes only its root disk: every other volume is a bind mount of a dataset", async () => {
  const { resources } = await runProgram();
  const datasetPaths = new Set(resources.filter(isDatasetDir).map((r) => String(r.inputs.create).match(/mkdir -p '?([^' ;]+)/)?.[1]));
  for (const c of resources.filter((r) => r.type === "proxmoxve:index/containerLegacy:ContainerLegacy")) {
    const mounts = (c.inputs.mountPoints ?? []) as { volume: string }[];
    for (const m of mounts) assert.ok(datasetPaths.has(m.volume), `${c.name} mounts ${m.volume}, which is not a dataset directory`);
  }
});

test("the documented teardown keeps the Postgres container, which the protected databases depend on, and deletes every other container", async () => {
  const { resources } = await runProgram();
  const { deleted, kept } = excludeProtectedDestroy(resources);
  const containers = resources.filter((r) => r.type === "proxmoxve:index/containerLegacy:ContainerLegacy");
  assert.deepEqual(kept.filter((r) => containers.includes(r)).map((r) => r.name), ["postgres-container"]);
  assert.equal(deleted.filter((r) => containers.includes(r)).length, containers.length - 1);
  for (const type of ["cloudflare:index/dnsRecord:DnsRecord", "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared", "proxmoxve:firewall/rulesLegacy:RulesLegacy"]) {
    assert.ok(deleted.some((r) => r.type === type), `${type} is deleted`);
  }
  assert.ok(kept.some((r) => r.type === "pulumi:providers:b2"), "the providers of protected resources stay");
});

test("with allowDataLoss: true a plain destroy runs and drops databases and the bucket, yet never a dataset directory", async () => {
  const config = exampleConfig();
  config["homelab:allowDataLoss"] = true;
  const { resources } = await runProgram(config);
  assert.equal(plainDestroyFails(resources), false, "nothing is protected, so pulumi destroy is not refused");
  const { deleted, released } = excludeProtectedDestroy(resources);
  assert.ok(deleted.some((r) => r.type === "postgresql:index/database:Database"));
  assert.ok(deleted.some((r) => r.type === "b2:index/bucket:Bucket"));
  assert.deepEqual(deleted.filter(isDatasetDir).map((r) => r.name), []);
  assert.ok(released.filter(isDatasetDir).length >= 20, "dataset directories leave the state but stay on disk");
});

/** Inputs whose change makes the provider replace the resource (DESIGN.md for the container). */
const REPLACE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "proxmoxve:index/containerLegacy:ContainerLegacy": ["mountPoints", "operatingSystem", "unprivileged", "nodeName", "vmId"],
  "postgresql:index/database:Database": ["name"],
  "postgresql:index/role:Role": ["name"],
  "b2:index/bucket:Bucket": ["bucketName"],
  "b2:index/applicationKey:ApplicationKey": ["keyName", "capabilities", "bucketId", "bucketIds", "namePrefix"],
  "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared": ["accountId", "name"],
};

/** Stateful resources of `before` that `after` would replace or drop, with the reason. */
export function replacements(before: readonly RecordedResource[], after: readonly RecordedResource[]): string[] {
  const next = new Map(after.map((r) => [r.urn, r]));
  const found: string[] = [];
  for (const r of before) {
    const fields = REPLACE_FIELDS[r.type] ?? (isDatasetDir(r) ? [] : undefined);
    if (fields === undefined) continue;
    const same = next.get(r.urn);
    if (!same) {
      found.push(`${r.name} would be deleted`);
      continue;
    }
    for (const f of fields) {
      if (JSON.stringify(r.inputs[f]) !== JSON.stringify(same.inputs[f])) found.push(`${r.name} would be replaced: ${f} changes`);
    }
  }
  return found;
}

const service = (c: Record<string, unknown>, name: string) => at(c, "homelab:services", name);

const inPlaceChanges: { name: string; change: (c: Record<string, unknown>) => void }[] = [
  { name: "more memory and cores for a container", change: (c) => Object.assign(service(c, "immich"), { memoryMiB: 7168, cores: 6 }) },
  { name: "more swap and a bigger root disk", change: (c) => Object.assign(service(c, "n8n"), { swapMiB: 1024, diskGiB: 12 }) },
  { name: "a new service", change: (c) => void (at(c, "homelab:services").homarr = { app: "uptime-kuma", vmId: 131, ip: "192.168.1.131", subdomain: "homarr" }) },
  { name: "a route made public", change: (c) => void (service(c, "n8n").web = { exposure: "public" }) },
  { name: "a larger connection pool", change: (c) => void (service(c, "n8n").database = { pool: 15 }) },
  { name: "a bigger dataset quota", change: (c) => void (service(c, "immich").datasets = { library: { quotaGiB: 6000 } }) },
  { name: "another backup retention", change: (c) => void (at(c, "homelab:backup").retention = { daily: 14, weekly: 8, monthly: 24, yearly: 5 }) },
  { name: "another alert receiver", change: (c) => void (at(c, "homelab:monitoring").receivers = [{ type: "webhook", name: "hook", url: "https://hooks.example.com/alert" }]) },
  { name: "three creation lanes", change: (c) => void (at(c, "homelab:proxmox").parallelCreates = 3) },
  { name: "an extra Access identity", change: (c) => void (at(c, "homelab:ingress", "access").emailDomains = ["harmeetrai.com"]) },
];

test("changes that should apply in place replace no stateful resource", async () => {
  const base = (await runProgram()).resources;
  // The changes touch different settings, so one run with all of them applied proves each of them.
  const config = exampleConfig();
  for (const { change } of inPlaceChanges) change(config);
  const after = (await runProgram(config)).resources;
  assert.ok(after.length > base.length, "the new service was added");
  assert.deepEqual(replacements(base, after), [], `changes: ${inPlaceChanges.map((c) => c.name).join("; ")}`);
});

test("the replacement guard catches a change that would replace a container or a database", async () => {
  const base = (await runProgram()).resources;
  const config = exampleConfig();
  Object.assign(service(config, "immich"), { datasets: { library: { path: "/photos" } }, statePaths: ["/photos"] });
  service(config, "n8n").database = { name: "workflows" };
  const found = replacements(base, (await runProgram(config)).resources);
  assert.ok(found.includes("immich-container would be replaced: mountPoints changes"), found.join("\n"));
  assert.ok(found.some((f) => /n8n.* would be (replaced: name changes|deleted)/.test(f)), found.join("\n"));
});
