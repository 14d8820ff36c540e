import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ADOPTED_MARKER, datasetDirCommand } from "../components/tiered-storage/dataset-dir";
import { storageReport } from "../components/tiered-storage/report";
import { UNPRIVILEGED_ID_SHIFT, type Dataset } from "../config";
import { at } from "./bad-inputs/types";
import { byName, dependencyNames, exampleConfig, modelOf, runProgram } from "./harness";
import { inCi, requireTool, run } from "./tools";

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
  assert.equal(media.inputs.create, "# dataset media: content=media backup=no\nset -eu; if ! mountpoint -q /mnt/raid; then echo \"tier raid is not mounted at /mnt/raid; mount it (or set mountPoint: false for a plain directory)\" >&2; exit 1; fi; mkdir -p /mnt/raid/media; chown 101000:102000 /mnt/raid/media; chmod 2775 /mnt/raid/media");
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
      assert.ok(within(mp.volume, model.tiers[d.tier]?.path ?? "") && mp.volume !== model.tiers[d.tier]?.path, `${mp.volume} is inside the ${d.tier} tier`);
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

test("the dataset command refuses an empty mount point, creates the directory on the mounted tier and sets only its top directory", (t) => {
  const bash = requireTool(t, "bash", "bash");
  const mountpoint = requireTool(t, "mountpoint", "util-linux");
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!bash || !mountpoint || !shellcheck) return;
  if (process.getuid?.() !== 0) {
    // Mounting needs root; CI runs as root, so there this is a failure.
    if (inCi()) throw new Error("the mount check needs root to bind-mount a tier: required under CI=true");
    t.skip("SKIPPED: not root, cannot bind-mount a tier");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "homelab-tier-"));
  const tierPath = `${dir}/raid`;
  let mounted = false;
  try {
    const dataset: Dataset = {
      name: "media", tier: "raid", hostPath: `${tierPath}/media/movies`, quotaGiB: 1, uid: 0, gid: 0, hostUid: 0, hostGid: 0,
      mode: "2775", content: "media", backup: false, excludes: [], sqlite: [], owner: undefined, configPath: "homelab:storage.datasets.media", adopt: false,
    };
    const tier = { name: "raid" as const, path: tierPath, capacityGiB: 1, proxmoxStorage: "raid-backup", mountPoint: true };
    const script = datasetDirCommand(dataset, tier);
    assert.equal(run(shellcheck, ["-s", "bash", "-"], { input: `#!/bin/bash\n${script}\n` }).status, 0, "shellcheck");
    mkdirSync(tierPath);
    // The bug this guards against: an empty mount point is a directory, and data would fill the root disk.
    const empty = run(bash, ["-c", script]);
    assert.notEqual(empty.status, 0);
    assert.match(empty.stderr, /tier raid is not mounted at .*\/raid; mount it \(or set mountPoint: false/);
    assert.ok(!existsSync(`${tierPath}/media`), "nothing was written onto the unmounted mount point");
    assert.equal(run("mount", ["--bind", tierPath, tierPath]).status, 0, "bind-mount the tier");
    mounted = true;
    const ok = run(bash, ["-c", script]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(statSync(dataset.hostPath).mode & 0o7777, 0o2775);
    writeFileSync(`${dataset.hostPath}/film.mkv`, "data", { mode: 0o600 });
    assert.equal(run(bash, ["-c", script]).status, 0, "a second run succeeds");
    assert.equal(statSync(`${dataset.hostPath}/film.mkv`).mode & 0o777, 0o600, "content keeps its own mode");
  } finally {
    if (mounted) run("umount", [tierPath]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a tier declared mountPoint: false is a plain directory: it must exist, and need not be mounted", (t) => {
  const bash = requireTool(t, "bash", "bash");
  if (!bash) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-tier-"));
  try {
    const dataset: Dataset = {
      name: "media", tier: "raid", hostPath: `${dir}/raid/media`, quotaGiB: 1, uid: 0, gid: 0, hostUid: process.getuid?.() ?? 0, hostGid: process.getgid?.() ?? 0,
      mode: "0750", content: "media", backup: false, excludes: [], sqlite: [], owner: undefined, configPath: "homelab:storage.datasets.media", adopt: false,
    };
    const tier = { name: "raid" as const, path: `${dir}/raid`, capacityGiB: 1, proxmoxStorage: "raid-backup", mountPoint: false };
    const missing = run(bash, ["-c", datasetDirCommand(dataset, tier)]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /tier raid directory .*\/raid does not exist/);
    mkdirSync(tier.path);
    const ok = run(bash, ["-c", datasetDirCommand(dataset, tier)]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(statSync(dataset.hostPath).mode & 0o7777, 0o750);
    // The model carries the opt-out from the stack file, default on.
    const config = exampleConfig();
    const tiers = (config["homelab:storage"] as { tiers: Record<string, Record<string, unknown>> }).tiers;
    assert.equal(modelOf(config).tiers.raid?.mountPoint, true);
    tiers.raid = { ...tiers.raid, mountPoint: false };
    assert.equal(modelOf(config).tiers.raid?.mountPoint, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("adopt: true takes over data that was already there, once, and leaves symlink targets and other datasets alone", (t) => {
  const bash = requireTool(t, "bash", "bash");
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!bash || !shellcheck) return;
  if (process.getuid?.() !== 0) {
    // Handing files to 101000 needs root; CI runs as root, so there this is a failure.
    if (inCi()) throw new Error("adoption needs root to chown to mapped ids: required under CI=true");
    t.skip("SKIPPED: not root, cannot chown to mapped ids");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "homelab-adopt-"));
  try {
    const tier = { name: "raid" as const, path: `${dir}/raid`, capacityGiB: 1, proxmoxStorage: "raid-backup", mountPoint: false };
    const base: Dataset = {
      name: "photos", tier: "raid", hostPath: `${dir}/raid/photos`, quotaGiB: 1, uid: 1000, gid: 2000, hostUid: 101000, hostGid: 102000,
      mode: "0750", content: "photos", backup: true, excludes: [], sqlite: [], owner: undefined, configPath: "homelab:storage.datasets.photos", adopt: true,
    };
    mkdirSync(`${base.hostPath}/2019/trip`, { recursive: true });
    writeFileSync(`${base.hostPath}/2019/trip/a.jpg`, "jpg");
    writeFileSync(`${dir}/outside.txt`, "not the dataset's");
    symlinkSync(`${dir}/outside.txt`, `${base.hostPath}/link`);
    run("chown", ["-R", "-h", "4242:4242", base.hostPath, `${dir}/outside.txt`]);
    const owner = (p: string) => { const st = lstatSync(p); return `${st.uid}:${st.gid}`; };
    assert.equal(run(shellcheck, ["-s", "bash", "-"], { input: `#!/bin/bash\n${datasetDirCommand(base, tier)}\n` }).status, 0, "shellcheck");

    const notAdopted = run(bash, ["-c", datasetDirCommand({ ...base, adopt: false }, tier)]);
    assert.equal(notAdopted.status, 0, notAdopted.stderr);
    assert.equal(owner(`${base.hostPath}/2019/trip/a.jpg`), "4242:4242", "without adopt only the top directory changes");
    assert.equal(owner(base.hostPath), "101000:102000");

    const adopted = run(bash, ["-c", datasetDirCommand(base, tier)]);
    assert.equal(adopted.status, 0, adopted.stderr);
    for (const p of ["2019", "2019/trip", "2019/trip/a.jpg", "link", ADOPTED_MARKER]) assert.equal(owner(`${base.hostPath}/${p}`), "101000:102000", p);
    assert.equal(owner(`${dir}/outside.txt`), "4242:4242", "a symlink's target outside the dataset is not touched");
    assert.equal(readFileSync(`${base.hostPath}/${ADOPTED_MARKER}`, "utf8"), "101000:102000\n");

    // Once adopted, later runs leave the data alone (an app may keep files with another owner).
    run("chown", ["4242:4242", `${base.hostPath}/2019/trip/a.jpg`]);
    assert.equal(run(bash, ["-c", datasetDirCommand(base, tier)]).status, 0);
    assert.equal(owner(`${base.hostPath}/2019/trip/a.jpg`), "4242:4242", "the marker keeps a second run from recursing");
    // A new owner adopts again.
    const moved = { ...base, hostUid: 101001, hostGid: 102001 };
    assert.equal(run(bash, ["-c", datasetDirCommand(moved, tier)]).status, 0);
    assert.equal(owner(`${base.hostPath}/2019/trip/a.jpg`), "101001:102001");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("adoption is opt-in per dataset and the plan says which datasets are adopted", async () => {
  const config = exampleConfig();
  const off = modelOf(config);
  assert.ok(off.datasets.every((d) => !d.adopt), "nothing is adopted by default");
  assert.match(storageReport(off)[2]?.lines[0] ?? "", /^none adopted: only each dataset's top directory is chowned/);
  at(config, "homelab:storage", "datasets", "media").adopt = true;
  at(config, "homelab:services", "immich").datasets = { library: { adopt: true } };
  const on = modelOf(config);
  assert.deepEqual(on.datasets.filter((d) => d.adopt).map((d) => d.name), ["immich-library", "media"]);
  assert.deepEqual(storageReport(on)[2]?.lines, [
    "immich-library: everything already in /mnt/raid/apps/immich/library is chowned once to 100000:100000 (remembered in .homelab-adopted)",
    "media: everything already in /mnt/raid/media is chowned once to 101000:102000 (remembered in .homelab-adopted)",
  ]);
  const { resources } = await runProgram(config);
  assert.match(String(byName(resources, "storage-media").inputs.create), /chown -R -h -P 101000:102000 \/mnt\/raid\/media; echo 101000:102000 > \/mnt\/raid\/media\/\.homelab-adopted/);
  assert.doesNotMatch(String(byName(resources, "storage-downloads").inputs.create), /-R\b/);
});

test("the storage report shows use against capacity per tier and each dataset's host owner", () => {
  const [tiers, datasets] = storageReport(modelOf());
  assert.ok(tiers && datasets);
  assert.match(tiers.lines.find((l) => l.startsWith("nvme")) ?? "", /^nvme\s+\/mnt\/nvme\s+930\s+678\s+124\s+802\s+86%\s+128$/);
  assert.match(tiers.lines.find((l) => l.startsWith("raid")) ?? "", /^raid\s+\/mnt\/raid\s+43000\s+38500\s+0\s+38500\s+90%\s+4500$/);
  assert.match(datasets.lines.find((l) => l.startsWith("media ")) ?? "", /\/mnt\/raid\/media\s+30000\s+101000:102000\s+2775\s+no$/);
});

