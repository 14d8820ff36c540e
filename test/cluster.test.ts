import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { failoverTargets, nodeBudgets } from "../config";
import { scrapeJobs } from "../components/monitoring-stack/targets";
import { renderTraefikConfig } from "../components/tunnel-ingress/traefik-config";
import { clusterSections } from "../src/plan-report";
import { at } from "./bad-inputs/types";
import { byName, dependencyNames, exampleConfig, modelOf, ofType, ROOT, runProgram, validate } from "./harness";
import { assertYamlFilesAsLibraryWrites } from "./yaml-files";

type Obj = Record<string, unknown>;

/** The 3-node example stack file (config/examples/cluster.yaml). */
const clusterConfig = (): Obj => structuredClone((parse(readFileSync(join(ROOT, "config", "examples", "cluster.yaml"), "utf8")) as { config: Obj }).config);

/** The SSH host a recorded command runs on (connections are secret, and unwrapped by the mocks). */
const hostOf = (r: { inputs: Record<string, unknown> }): string => (r.inputs.connection as { host: string }).host;

const NODE_IP: Record<string, string> = { pve: "192.168.1.10", pve2: "192.168.1.11", pve3: "192.168.1.12" };

test("the 3-node example places every service by a rule the plan names, and keeps node-local data together", () => {
  const model = modelOf(clusterConfig());
  const placed = Object.fromEntries(model.services.map((s) => [s.name, [s.node, s.placedBy]]));
  // Named in the stack file; the only node with the GPU; sharing jellyfin's node-local media and downloads.
  assert.deepEqual(placed["uptime-kuma"], ["pve3", "stack file"]);
  assert.deepEqual(placed.jellyfin, ["pve", "device"]);
  for (const s of ["qbittorrent", "sonarr", "radarr"]) assert.deepEqual(placed[s], ["pve", "data"], s);
  // Everything else is packed, and the RAID (only on pve) pulls immich and nextcloud there.
  for (const s of ["immich", "nextcloud"]) assert.equal(placed[s]?.[0], "pve", s);
  assert.ok(model.services.some((s) => s.node === "pve2") && model.services.some((s) => s.node === "pve3"), "the packing spreads over the nodes");
  // Each service's datasets are on tiers its node has.
  for (const s of model.services) {
    const node = model.nodes.find((n) => n.name === s.node);
    for (const m of s.mounts) assert.ok(node?.tiers.includes(m.tier), `${s.name}: ${m.dataset} on ${m.tier} is not on ${s.node}`);
  }
});

test("placement is the same on every run, and services bound by data or the stack file stay put whatever their order", () => {
  const first = modelOf(clusterConfig()).services.map((s) => `${s.name}@${s.node}`);
  for (let i = 0; i < 3; i++) assert.deepEqual(modelOf(clusterConfig()).services.map((s) => `${s.name}@${s.node}`), first);
  // Listing services in another order changes nothing but the order they are listed in.
  const reordered = clusterConfig();
  const services = at(reordered, "homelab:services");
  const entries = Object.entries(services).reverse();
  for (const [k] of entries) delete services[k];
  for (const [k, v] of entries) services[k] = v;
  const again = new Map(modelOf(reordered).services.map((s) => [s.name, s.node]));
  const once = new Map(modelOf(clusterConfig()).services.map((s) => [s.name, s.node]));
  assert.deepEqual([...again.keys()].sort(), [...once.keys()].sort());
  // The pinned and data-bound ones cannot move at all.
  for (const s of ["uptime-kuma", "jellyfin", "qbittorrent", "sonarr", "radarr", "immich", "nextcloud"]) assert.equal(again.get(s), once.get(s), s);
});

test("per-node budgets count what is placed on each node, and the plan shows what a node absorbs when another fails", () => {
  const model = modelOf(clusterConfig());
  const budgets = nodeBudgets(model);
  assert.deepEqual(budgets.map((b) => b.node), ["pve", "pve2", "pve3"]);
  for (const b of budgets) {
    const here = model.services.filter((s) => s.node === b.node);
    assert.equal(b.ram.containersMiB, here.reduce((sum, s) => sum + s.memoryMiB, 0), b.node);
    assert.equal(b.ram.headroomMiB, b.ram.hostMiB - b.ram.reservedMiB - b.ram.containersMiB, b.node);
    assert.ok(b.ram.headroomMiB >= 0, `${b.node} is over budget`);
  }
  // Node-local tiers are budgeted per node, each at its own size; the RAID only exists on pve.
  assert.deepEqual(budgets.map((b) => b.tiers.map((t) => [t.tier, t.capacityGiB])), [[["nvme", 930], ["raid", 43000]], [["nvme", 465]], [["nvme", 930]]]);
  // syncthing (HA, on pve3) goes to pve2 first: its node-affinity rule prefers pve2 over pve.
  assert.equal(model.services.find((s) => s.name === "syncthing")?.node, "pve3");
  assert.deepEqual([...failoverTargets(model, "pve3")], [["syncthing", "pve2"]]);
  assert.deepEqual(budgets.find((b) => b.node === "pve2")?.absorbsMiB, { pve3: 512 });
  const failover = clusterSections(model).find((s) => s.title === "Failover (HA services)")?.lines ?? [];
  assert.ok(failover.includes("if pve3 fails: syncthing -> pve2"), failover.join("\n"));
  assert.ok(failover.some((l) => /^ {2}pve2 absorbs 512 MiB, headroom \d+ MiB$/.test(l)), failover.join("\n"));
  assert.ok(failover.includes("if pve fails: no HA service moves"));
});

test("each container is created on its node, from that node's template, and provisioned through that node's SSH", async () => {
  const config = clusterConfig();
  const model = modelOf(config);
  const { resources } = await runProgram(config);
  for (const s of model.services) {
    const container = byName(resources, `${s.name}-container`);
    assert.equal(container.inputs.nodeName, s.node, s.name);
    // The mocks give each resource the id `<name>-id`: the template downloaded onto the container's own node.
    assert.equal((container.inputs.operatingSystem as { templateFileId: string }).templateFileId, `pve-${s.node}-template-debian-13-id`, s.name);
    const files = byName(resources, `${s.name}-files`);
    assert.equal(hostOf(files), NODE_IP[s.node], `${s.name} is provisioned through ${s.node}`);
  }
  // Every node downloads the template and installs the host packages; storages are defined once, for the nodes that have the tier.
  for (const node of ["pve", "pve2", "pve3"]) {
    assert.equal(byName(resources, `pve-${node}-template-debian-13`).inputs.nodeName, node);
    assert.equal(hostOf(byName(resources, `pve-${node}-packages`)), NODE_IP[node]);
  }
  assert.deepEqual(byName(resources, "pve-storage-raid").inputs.nodes, ["pve"]);
  assert.equal(byName(resources, "pve-storage-raid").inputs.shared, false);
  assert.deepEqual(byName(resources, "pve-storage-nvme").inputs.nodes, ["pve", "pve2", "pve3"]);
  assert.equal(byName(resources, "pve-storage-nvme").inputs.shared, false, "each node's NVMe is its own");
  assert.deepEqual(byName(resources, "pve-storage-shared").inputs.nodes, ["pve", "pve2", "pve3"]);
  assert.equal(byName(resources, "pve-storage-shared").inputs.shared, true);
  assert.equal(ofType(resources, "command:remote:Command").filter((r) => /^pve-pve\d?-storage-raid-dir$/.test(r.name)).length, 1, "only pve has the RAID");
  // A node-local dataset is made on the node of the services that mount it; a shared one from the API node.
  assert.equal(hostOf(byName(resources, "storage-vaultwarden-data")), NODE_IP[model.services.find((s) => s.name === "vaultwarden")?.node ?? ""]);
  assert.equal(hostOf(byName(resources, "storage-media")), NODE_IP.pve);
  assert.equal(hostOf(byName(resources, "storage-syncthing-sync")), NODE_IP.pve);
});

test("every YAML file pushed for the cluster is what the yaml package writes for its value", async () => {
  const { resources } = await runProgram(clusterConfig());
  assertYamlFilesAsLibraryWrites(resources, 8);
});

test("HA: an HA resource for syncthing, the stack file's rule, and its ZFS root disk replicated to each node it may move to", async () => {
  const { resources } = await runProgram(clusterConfig());
  const ha = ofType(resources, "proxmoxve:index/haresource:Haresource");
  assert.deepEqual(ha.map((r) => [r.name, r.inputs.resourceId, r.inputs.type, r.inputs.state]), [["ha-syncthing", "ct:130", "ct", "started"]]);
  assert.ok(dependencyNames(ha[0] ?? byName(resources, "ha-syncthing")).includes("syncthing-container"));
  const rule = byName(resources, "ha-rule-syncthing-home");
  assert.deepEqual(rule.inputs, { rule: "syncthing-home", type: "node-affinity", resources: ["ct:130"], nodes: { pve3: 2, pve2: 1 }, strict: false });
  assert.ok(dependencyNames(rule).includes("ha-syncthing"), "a rule only names resources the HA manager already manages");
  const jobs = ofType(resources, "proxmoxve:index/replication:Replication");
  assert.deepEqual(jobs.map((j) => [j.inputs.resourceId, j.inputs.target, j.inputs.type, j.inputs.schedule]), [["130-0", "pve2", "local", "*/15"], ["130-1", "pve", "local", "*/15"]]);
  for (const j of jobs) assert.ok(dependencyNames(byName(resources, "ha-syncthing")).includes(j.name), "replicated before the HA manager may move it");
  // No other service is HA: their data is on node-local tiers.
  assert.equal(ofType(resources, "proxmoxve:index/harule:Harule").length, 1);
});

test("with shared root storage there is nothing to replicate; on LVM-thin HA is refused", async () => {
  const shared = clusterConfig();
  at(shared, "homelab:proxmox").rootStorageType = "shared";
  const { resources } = await runProgram(shared);
  assert.equal(ofType(resources, "proxmoxve:index/replication:Replication").length, 0);
  assert.equal(ofType(resources, "proxmoxve:index/haresource:Haresource").length, 1);
  const thin = clusterConfig();
  at(thin, "homelab:proxmox").rootStorageType = "lvmthin";
  const result = validate(thin);
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.problems.some((p) => p.path === "homelab:services.syncthing.ha"));
});

test("backups follow the data: each node backs up what it holds, only the API node prunes and checks, vzdump runs on every node", async () => {
  const config = clusterConfig();
  const model = modelOf(config);
  const { resources } = await runProgram(config);
  const nodeOf = (service: string): string => model.services.find((s) => s.name === service)?.node ?? "";
  for (const node of ["pve", "pve2", "pve3"]) {
    const script = byName(resources, `backup-${node}-script-backup`);
    assert.equal(hostOf(script), NODE_IP[node]);
    assert.match(String(script.inputs.stdin), new RegExp(`^RESTIC_HOST="\\$\\{HOMELAB_RESTIC_HOST:-${node}\\}"$`, "m"), `${node} snapshots under its own host name`);
  }
  // vaultwarden's data is on its node's NVMe: that node's script reads it, no other does.
  const vault = `backup-${nodeOf("vaultwarden")}-script-backup`;
  assert.match(String(byName(resources, vault).inputs.stdin), /vaultwarden-data/);
  for (const node of ["pve", "pve2", "pve3"].filter((n) => `backup-${n}-script-backup` !== vault)) {
    assert.doesNotMatch(String(byName(resources, `backup-${node}-script-backup`).inputs.stdin), /vaultwarden-data/, node);
  }
  // The Postgres dump is taken where the server runs.
  assert.match(String(byName(resources, `backup-${nodeOf("postgres")}-script-backup`).inputs.stdin), /^backup_postgres postgres 110 /m);
  // Prune takes restic's exclusive lock: one node only.
  const prunes = resources.filter((r) => /^backup-.*-script-prune$/.test(r.name)).map((r) => r.name);
  assert.deepEqual(prunes, ["backup-pve-script-prune"]);
  // The other nodes find the repository the first one created.
  assert.ok(dependencyNames(byName(resources, "backup-pve2-init")).includes("backup-pve-init"));
  const vzdump = ofType(resources, "proxmoxve:backup/job:Job").map((j) => [j.inputs.node, j.inputs.storage, j.inputs.vmids] as const);
  assert.equal(vzdump.length, 3);
  for (const [node, storage, vmids] of vzdump) {
    assert.equal(storage, node === "pve" ? "raid-backup" : "nas-backup", String(node));
    const expected = model.services.filter((s) => s.node === node || (s.ha && s.node !== node)).map((s) => String(s.vmId));
    assert.deepEqual(vmids, expected, String(node));
  }
});

test("monitoring scrapes every node's exporter; each host firewall lets the nodes reach each other over SSH", async () => {
  const config = clusterConfig();
  const model = modelOf(config);
  const node = scrapeJobs(model).find((j) => j.name === "node");
  assert.deepEqual(node?.targets.map((t) => [t.address, t.labels.node]), [["192.168.1.10:9100", "pve"], ["192.168.1.11:9100", "pve2"], ["192.168.1.12:9100", "pve3"]]);
  const { resources } = await runProgram(config);
  for (const n of ["pve", "pve2", "pve3"]) {
    const rules = byName(resources, `firewall-host-rules-${n}`);
    assert.equal(rules.inputs.nodeName, n);
    const text = JSON.stringify(rules.inputs.rules);
    assert.match(text, /SSH between the nodes/);
    assert.match(text, /192\.168\.1\.11/);
    assert.equal(byName(resources, `firewall-host-options-${n}`).inputs.nodeName, n);
  }
  // A container's firewall is set on its own node.
  const vault = model.services.find((s) => s.name === "vaultwarden");
  assert.equal(byName(resources, "firewall-vaultwarden-rules").inputs.nodeName, vault?.node);
});

test("the single-node example keeps its names: no node in them, no HA, one vzdump job", async () => {
  const model = modelOf(exampleConfig());
  assert.equal(model.clustered, false);
  assert.deepEqual(model.nodes.map((n) => n.name), ["pve"]);
  assert.ok(model.services.every((s) => s.node === "pve" && s.placedBy === "single node" && !s.ha));
  const { resources } = await runProgram();
  for (const name of ["pve-packages", "pve-template-debian-13", "pve-storage-nvme-dir", "backup-script-backup", "backup-script-prune", "backup-vzdump", "firewall-host-rules", "firewall-host-options"]) byName(resources, name);
  assert.equal(resources.filter((r) => /^pve-pve/.test(r.name) || /^backup-pve/.test(r.name)).length, 0);
  assert.equal(resources.filter((r) => r.type.startsWith("homelab:index:ClusterHa")).length, 0);
  assert.equal(byName(resources, "backup-vzdump").inputs.resourceId, "homelab-vzdump");
});

test("the tunnel keeps one connector per node when asked: same token, one container each, Traefik believes each of them", async () => {
  const config = clusterConfig();
  const model = modelOf(config);
  const connectors = ["cloudflared", "cloudflared-2", "cloudflared-3"].map((n) => model.services.find((s) => s.name === n));
  assert.deepEqual(connectors.map((s) => s?.node).sort(), ["pve", "pve2", "pve3"], "one connector per node");
  const { resources } = await runProgram(config);
  for (const c of connectors) {
    const name = c?.name ?? "";
    assert.equal(byName(resources, `${name}-container`).inputs.nodeName, c?.node);
    // The tunnel token reaches each connector as a secret file, never in plain text.
    const token = byName(resources, `${name}-secret-0`);
    assert.ok(token.secretPaths.includes("stdin"), `${name}'s token is a secret`);
    assert.equal(token.inputs.logging, "none");
  }
  const { staticConfig } = renderTraefikConfig({ services: model.services, traefik: model.services.find((s) => s.name === "traefik") ?? assert.fail(), cloudflared: connectors[0] ?? assert.fail(), connectors: connectors.slice(1).filter((s) => s !== undefined), network: model.network });
  const web = (parse(staticConfig) as { entryPoints: { web: { forwardedHeaders: { trustedIPs: string[] } } } }).entryPoints.web;
  assert.deepEqual(web.forwardedHeaders.trustedIPs, ["192.168.1.112/32", "192.168.1.131/32", "192.168.1.132/32"]);
  // One scrape job, one target per connector.
  const job = scrapeJobs(model).filter((j) => j.name === "cloudflared");
  assert.equal(job.length, 1);
  assert.deepEqual(job[0]?.targets.map((t) => t.labels.service), ["cloudflared", "cloudflared-2", "cloudflared-3"]);
});
