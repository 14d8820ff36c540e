import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { datasetDirCommand } from "../components/tiered-storage/dataset-dir";
import { storageReport } from "../components/tiered-storage/report";
import { UNPRIVILEGED_ID_SHIFT, type Dataset } from "../config";
import { byName, dependencyNames, exampleConfig, modelOf, runProgram } from "./harness";
import { requireTool, run } from "./tools";

const within = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

test("each dataset is one host command that creates its directory with mapped owner and mode, and never deletes it", async () => {
  const model = modelOf();
  const { resources } = await runProgram();
  const commands = resources.filter((r) => r.type === "command:remote:Command" && r.parentUrn?.includes("homelab:index:TieredStorage"));
  assert.deepEqual(commands.map((r) => r.name).sort(), model.datasets.map((d) => `storage-${d.name}`).sort());
  for (const d of model.datasets) {
    const r = byName(resources, `storage-${d.name}`);
    const create = String(r.inputs.create);
    assert.ok(create.includes(`mkdir -p ${d.hostPath};`), d.name);
    assert.ok(create.includes(`chown ${d.hostUid}:${d.hostGid} ${d.hostPath};`), d.name);
    assert.ok(create.endsWith(`chmod ${d.mode} ${d.hostPath}`), d.name);
    assert.ok(create.startsWith(`# dataset ${d.name}: content=${d.content} backup=${d.backup ? "yes" : "no"}\n`), `${d.name} states its content for the policy pack`);
    assert.equal(r.inputs.update, create, "a changed owner or mode is applied in place");
    assert.equal(r.inputs.delete, undefined, `${d.name} has a delete command`);
    assert.doesNotMatch(create, /\brm\b|rmdir|-R\b/, "nothing removes or recurses");
    assert.equal(r.retainOnDelete, true, d.name);
    assert.equal(r.protect, true, `${d.name} is protected while allowDataLoss is false`);
  }
  const media = byName(resources, "storage-media");
  assert.equal(media.inputs.create, "# dataset media: content=media backup=no\nset -eu; if [ ! -d /mnt/raid ]; then echo \"tier raid is not mounted at /mnt/raid\" >&2; exit 1; fi; mkdir -p /mnt/raid/media; chown 101000:102000 /mnt/raid/media; chmod 2775 /mnt/raid/media");
});

test("allowDataLoss lifts the protection but still never deletes a directory", async () => {
  const config = exampleConfig();
  config["homelab:allowDataLoss"] = true;
  const { resources } = await runProgram(config);
  for (const r of resources.filter((x) => x.name.startsWith("storage-") && x.custom)) {
    assert.equal(r.protect, false, r.name);
    assert.equal(r.retainOnDelete, true, r.name);
    assert.equal(r.inputs.delete, undefined, r.name);
  }
});

test("every bind mount is inside its tier's path and owned on the host by the container's mapped ids", async () => {
  const model = modelOf();
  const { resources } = await runProgram();
  const datasets = new Map(model.datasets.map((d) => [d.hostPath, d]));
  let checked = 0;
  for (const s of model.services) {
    const c = byName(resources, `${s.name}-container`);
    for (const mp of c.inputs.mountPoints as { volume: string; path: string }[]) {
      const d = datasets.get(mp.volume);
      assert.ok(d, `${s.name}: ${mp.volume} is not a dataset`);
      assert.ok(within(mp.volume, model.tiers[d.tier].path) && mp.volume !== model.tiers[d.tier].path, `${mp.volume} is inside the ${d.tier} tier`);
      assert.equal(s.unprivileged, true);
      assert.equal(d.hostUid, UNPRIVILEGED_ID_SHIFT + d.uid, `${d.name} uid`);
      assert.equal(d.hostGid, UNPRIVILEGED_ID_SHIFT + d.gid, `${d.name} gid`);
      // The app user owns its own datasets.
      if (d.owner === s.name) assert.deepEqual([d.uid, d.gid], [s.user.uid, s.user.gid]);
      assert.ok(String(byName(resources, `storage-${d.name}`).inputs.create).includes(`chown ${d.hostUid}:${d.hostGid} `));
      checked++;
    }
  }
  assert.ok(checked >= 20);
});

test("a container waits for the dataset directories before it is created", async () => {
  const model = modelOf();
  const { resources } = await runProgram();
  for (const s of model.services) {
    const deps = dependencyNames(byName(resources, `${s.name}-container`));
    for (const m of s.mounts) assert.ok(deps.includes(`storage-${m.dataset}`), `${s.name} waits for ${m.dataset}`);
  }
});

test("a privileged container's datasets are owned by the unshifted ids", () => {
  const config = exampleConfig();
  const services = config["homelab:services"] as Record<string, Record<string, unknown>>;
  services.syncthing = { ...services.syncthing, unprivileged: false, privilegedReason: "syncs files owned by host users with their real ids" };
  const model = modelOf(config);
  const d = model.datasets.find((x) => x.name === "syncthing-sync");
  assert.deepEqual([d?.hostUid, d?.hostGid], [1000, 1000]);
});

test("the dataset command really creates the directory, sets only the top directory, and refuses a missing tier", (t) => {
  const sh = requireTool(t, "sh", "dash");
  if (!sh) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-tier-"));
  try {
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const dataset: Dataset = {
      name: "media", tier: "raid", hostPath: `${dir}/tier/media/movies`, quotaGiB: 1, uid: 0, gid: 0, hostUid: uid, hostGid: gid,
      mode: "2775", content: "media", backup: false, excludes: [], sqlite: [], owner: undefined, configPath: "homelab:storage.datasets.media",
    };
    const tier = { name: "raid" as const, path: `${dir}/tier`, capacityGiB: 1, proxmoxStorage: "raid-backup" };
    const missing = run(sh, ["-c", datasetDirCommand(dataset, tier)]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /tier raid is not mounted at/);
    run(sh, ["-c", `mkdir -p ${dir}/tier`]);
    assert.equal(run(sh, ["-c", datasetDirCommand(dataset, tier)]).status, 0);
    assert.equal(statSync(dataset.hostPath).mode & 0o7777, 0o2775);
    writeFileSync(`${dataset.hostPath}/film.mkv`, "data", { mode: 0o600 });
    assert.equal(run(sh, ["-c", datasetDirCommand(dataset, tier)]).status, 0, "a second run succeeds");
    assert.equal(statSync(`${dataset.hostPath}/film.mkv`).mode & 0o777, 0o600, "content keeps its own mode");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the storage report shows use against capacity per tier and each dataset's host owner", () => {
  const [tiers, datasets] = storageReport(modelOf());
  assert.ok(tiers && datasets);
  assert.match(tiers.lines.find((l) => l.startsWith("nvme")) ?? "", /^nvme\s+\/mnt\/nvme\s+930\s+678\s+124\s+802\s+86%\s+128$/);
  assert.match(tiers.lines.find((l) => l.startsWith("raid")) ?? "", /^raid\s+\/mnt\/raid\s+43000\s+38500\s+0\s+38500\s+90%\s+4500$/);
  assert.match(datasets.lines.find((l) => l.startsWith("media ")) ?? "", /\/mnt\/raid\/media\s+30000\s+101000:102000\s+2775\s+no$/);
});

