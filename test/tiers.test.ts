import assert from "node:assert/strict";
import { test } from "node:test";
import { storageReport } from "../components/tiered-storage/report";
import { budgets } from "../config";
import { at } from "./bad-inputs/types";
import { byName, exampleConfig, modelOf, ofType, runProgram, validate } from "./harness";

type Obj = Record<string, unknown>;

/** The example with a SATA SSD (fast) and an NFS share from a NAS (bulk) next to ADR-004's nvme and raid. */
function fourTiers(): Obj {
  const config = exampleConfig();
  const tiers = at(config, "homelab:storage", "tiers");
  tiers.ssd = { class: "fast", path: "/mnt/ssd", capacityGiB: 480, proxmoxStorage: "ssd-dir" };
  tiers.nas = { class: "bulk", kind: "nfs", path: "/mnt/nas", capacityGiB: 16000, proxmoxStorage: "nas-dir" };
  // Two tiers per class: the catalog's fast and bulk datasets stay where ADR-004 puts them.
  at(config, "homelab:storage", "tiers", "nvme").default = true;
  at(config, "homelab:storage", "tiers", "raid").default = true;
  at(config, "homelab:storage", "datasets").archive = { tier: "nas", quotaGiB: 8000, uid: 1000, gid: 2000, content: "documents" };
  at(config, "homelab:services", "syncthing").datasets = { sync: { tier: "nas" }, config: { tier: "ssd" } };
  return config;
}

const problemsOf = (config: Obj): readonly { path: string; message: string }[] => {
  const result = validate(config);
  assert.equal(result.ok, false, "expected the config to be refused");
  return result.ok ? [] : result.problems;
};

test("the catalog's classes resolve to ADR-004's tiers: fast is nvme, bulk is raid", () => {
  const model = modelOf();
  const tierOfDataset = (name: string) => model.datasets.find((d) => d.name === name)?.tier;
  assert.equal(tierOfDataset("postgres-data"), "nvme");
  assert.equal(tierOfDataset("immich-library"), "raid");
  assert.equal(tierOfDataset("immich-cache"), "nvme");
  assert.deepEqual(Object.values(model.tiers).map((t) => [t.name, t.class, t.kind, t.default]), [["nvme", "fast", "local", true], ["raid", "bulk", "local", true]]);
});

test("a dataset names a tier explicitly, a class goes to the marked default, and each lands under its tier's path", () => {
  const model = modelOf(fourTiers());
  const placed = (name: string) => { const d = model.datasets.find((x) => x.name === name); return [d?.tier, d?.hostPath]; };
  assert.deepEqual(placed("archive"), ["nas", "/mnt/nas/archive"]);
  assert.deepEqual(placed("syncthing-sync"), ["nas", "/mnt/nas/apps/syncthing/sync"]);
  assert.deepEqual(placed("syncthing-config"), ["ssd", "/mnt/ssd/apps/syncthing/config"]);
  assert.deepEqual(placed("immich-library"), ["raid", "/mnt/raid/apps/immich/library"], "bulk goes to the default bulk tier");
  assert.deepEqual(placed("n8n-data"), ["nvme", "/mnt/nvme/apps/n8n/data"], "fast goes to the default fast tier");
  const b = budgets(model);
  assert.deepEqual(b.tiers.map((t) => t.tier), ["nvme", "raid", "ssd", "nas"]);
  assert.equal(b.tiers.find((t) => t.tier === "nas")?.datasetsGiB, 8000 + 500);
  assert.equal(b.tiers.find((t) => t.tier === "ssd")?.rootDisksGiB, 0, "root disks count only on the default fast tier");
});

test("a stack with ssd and nas tiers plans: each tier gets its storage, datasets are made on their tier and mounted from it", async () => {
  const { resources } = await runProgram(fourTiers());
  const storages = ofType(resources, "proxmoxve:storage/directory:Directory");
  assert.deepEqual(storages.map((s) => s.name).sort(), ["pve-storage-nas", "pve-storage-nvme", "pve-storage-raid", "pve-storage-ssd"]);
  assert.deepEqual(byName(resources, "pve-storage-nas").inputs.contents, ["backup"]);
  assert.deepEqual(byName(resources, "pve-storage-ssd").inputs.contents, ["iso", "snippets", "vztmpl"]);
  assert.equal(byName(resources, "backup-vzdump").inputs.storage, "raid-backup", "vzdump stays on the default bulk tier");
  const archive = byName(resources, "storage-archive").inputs.create as string;
  assert.match(archive, /if ! mountpoint -q \/mnt\/nas; then echo "tier nas is not mounted at \/mnt\/nas/);
  assert.match(archive, /mkdir -p \/mnt\/nas\/archive; chown 101000:102000 \/mnt\/nas\/archive/);
  const volumes = (byName(resources, "syncthing-container").inputs.mountPoints as { volume: string; path: string }[]).map((m) => [m.volume, m.path]);
  assert.deepEqual(volumes.sort(), [["/mnt/nas/apps/syncthing/sync", "/data/sync"], ["/mnt/ssd/apps/syncthing/config", "/var/lib/syncthing"]]);
});

test("the plan says a network tier's quotas are a budget the NAS must enforce", () => {
  const [tiers] = storageReport(modelOf(fourTiers()));
  assert.ok(tiers?.lines.includes("nas is a nfs share mounted at /mnt/nas: no quota is enforced on it from this host (no ZFS or filesystem quota); quotaGiB is a budget only, so set a share quota on the NAS"));
  assert.ok(!storageReport(modelOf()).some((s) => s.lines.some((l) => l.includes("share"))), "no such line without a network tier");
});

test("two tiers of one class and no default: a catalog dataset asking for the class is refused, listing the tiers", () => {
  const config = fourTiers();
  delete at(config, "homelab:storage", "tiers", "raid").default;
  const problems = problemsOf(config);
  const library = problems.find((p) => p.path === "homelab:services.immich.datasets.library.tier");
  assert.ok(library, JSON.stringify(problems));
  assert.equal(library.message, "asks for the bulk tier, but raid and nas are all bulk and none is marked default; set default: true on one under homelab:storage.tiers, or name a tier here (tiers: nvme (fast, default), raid (bulk), ssd (fast), nas (bulk, nfs))");
});

test("two defaults of one class are refused at the second one's default", () => {
  const config = fourTiers();
  at(config, "homelab:storage", "tiers", "ssd").default = true;
  const problem = problemsOf(config).find((p) => p.path === "homelab:storage.tiers.ssd.default");
  assert.match(problem?.message ?? "", /^tiers nvme and ssd are both marked the default fast tier; keep default: true on one of them/);
});

test("no tier of a class the catalog asks for is refused, saying which class is missing", () => {
  const config = exampleConfig();
  at(config, "homelab:storage", "tiers", "raid").class = "fast";
  at(config, "homelab:storage", "tiers", "raid").default = true;
  const problem = problemsOf(config).find((p) => p.path === "homelab:services.immich.datasets.library.tier");
  assert.match(problem?.message ?? "", /^asks for the bulk tier, but no tier under homelab:storage.tiers has class: bulk \(tiers: nvme \(fast\), raid \(fast, default\)\)/);
});

test("an unknown tier name is refused at the dataset's tier, listing the tiers", () => {
  const config = exampleConfig();
  at(config, "homelab:services", "n8n").datasets = { data: { tier: "sdd" } };
  const problem = problemsOf(config).find((p) => p.path === "homelab:services.n8n.datasets.data.tier");
  assert.equal(problem?.message, "unknown tier 'sdd' (tiers: nvme (fast), raid (bulk)); name one of them, or a class (fast or bulk) for that class's default tier");
});

test("databases and live SQLite files are refused on a network tier; a network tier cannot opt out of the mount check", () => {
  const config = fourTiers();
  at(config, "homelab:services", "postgres").datasets = { data: { tier: "nas" } };
  at(config, "homelab:services", "uptime-kuma").datasets = { data: { tier: "nas" } };
  at(config, "homelab:storage", "tiers", "nas").mountPoint = false;
  const problems = problemsOf(config);
  const at_ = (path: string) => problems.find((p) => p.path === path)?.message ?? "";
  assert.match(at_("homelab:services.postgres.datasets.data.tier"), /^holds a database \(content: database\), but tier nas is a nfs share: databases corrupt there .*; put it on a local tier \(nvme, raid, ssd\)$/);
  assert.match(at_("homelab:services.uptime-kuma.datasets.data.tier"), /^holds live SQLite files \(kuma\.db\), but tier nas is a nfs share/);
  assert.match(at_("homelab:storage.tiers.nas.mountPoint"), /^a nfs tier is a share mounted on the host, so it is always a mount point; remove mountPoint: false/);
});
