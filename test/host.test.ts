import assert from "node:assert/strict";
import { test } from "node:test";
import { hostPackagesCommand } from "../components/proxmox-host/host-packages";
import { servicesReport } from "../components/lxc-service/report";
import { byName, dependencyNames, exampleConfig, modelOf, ofType, runProgram } from "./harness";

test("each tier gets a Proxmox directory storage whose base directory is made only on the mounted tier; vzdump backups go to the RAID tier", async () => {
  const { resources } = await runProgram();
  const storages = ofType(resources, "proxmoxve:storage/directory:Directory");
  assert.deepEqual(storages.map((s) => s.name).sort(), ["pve-storage-nvme", "pve-storage-raid"]);
  assert.deepEqual(byName(resources, "pve-storage-raid").inputs, {
    resourceId: "raid-backup", path: "/mnt/raid/proxmox", nodes: ["pve"], contents: ["backup"], createBasePath: false, shared: false,
  });
  // Proxmox must not create the base directory itself (onto the root disk when the RAID is not mounted):
  // a host command makes it, only on the mounted tier, before the storage is defined.
  for (const tier of ["nvme", "raid"]) {
    const dir = byName(resources, `pve-storage-${tier}-dir`);
    assert.ok(dependencyNames(byName(resources, `pve-storage-${tier}`)).includes(dir.name), tier);
    assert.equal(dir.inputs.create, `set -eu; if ! mountpoint -q /mnt/${tier}; then echo "tier ${tier} is not mounted at /mnt/${tier}; mount it (or set mountPoint: false for a plain directory)" >&2; exit 1; fi; mkdir -p /mnt/${tier}/proxmox`);
    assert.equal(dir.inputs.update, dir.inputs.create);
    assert.equal(dir.inputs.delete, undefined, "the directory and its backups stay");
  }
  assert.deepEqual(byName(resources, "pve-storage-nvme").inputs.contents, ["iso", "snippets", "vztmpl"]);
  assert.equal(byName(resources, "pve-storage-nvme").inputs.resourceId, "nvme-dir");
});

test("templates are downloaded once, pinned by checksum, taken over when already on the host, and every container uses the downloaded file", async () => {
  const { resources } = await runProgram();
  const [file, ...more] = ofType(resources, "proxmoxve:download/file:File");
  assert.ok(file);
  assert.equal(more.length, 0);
  assert.equal(file.inputs.checksumAlgorithm, "sha512");
  assert.match(String(file.inputs.checksum), /^[0-9a-f]{128}$/);
  // A template already on the host (from `pveam`) is taken over, not an error; a managed one is never re-fetched.
  assert.equal(file.inputs.overwriteUnmanaged, true);
  assert.equal(file.inputs.overwrite, false);
  for (const c of ofType(resources, "proxmoxve:index/containerLegacy:ContainerLegacy")) {
    assert.equal((c.inputs.operatingSystem as { templateFileId: string }).templateFileId, `${file.name}-id`);
  }
});

test("host packages follow from what is enabled: restic for backups, the node exporter for monitoring", async () => {
  const packagesOf = async (mutate: (c: Record<string, unknown>) => void): Promise<string> => {
    const config = exampleConfig();
    mutate(config);
    const { resources } = await runProgram(config);
    const r = byName(resources, "pve-packages");
    assert.equal(r.inputs.delete, undefined, "packages stay when the list shrinks");
    assert.equal(r.inputs.update, r.inputs.create);
    return String(r.inputs.create);
  };
  assert.equal(
    await packagesOf(() => undefined),
    "set -eu; export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y --no-install-recommends prometheus-node-exporter restic",
  );
  const noBackup = await packagesOf((c) => void delete c["homelab:backup"]);
  assert.match(noBackup, /install -y --no-install-recommends prometheus-node-exporter$/);
  const neither = await packagesOf((c) => {
    delete c["homelab:backup"];
    c["homelab:monitoring"] = { ...(c["homelab:monitoring"] as object), enabled: false };
  });
  assert.equal(neither, "true");
});

test("a host package name can never smuggle a shell command", () => {
  assert.throws(() => hostPackagesCommand(["restic; rm -rf /"]), /not Debian package names: restic; rm -rf \//);
});

test("the services report lists each container's vmid, IP, sizes and mounts", () => {
  const [containers, mounts] = servicesReport(modelOf());
  assert.ok(containers && mounts);
  assert.equal(containers.lines.length, 1 + 16);
  assert.match(containers.lines.find((l) => l.startsWith("immich ")) ?? "", /^immich\s+120\s+192\.168\.1\.120\s+4\s+6144\s+512\s+24\s+no\s+50$/);
  assert.ok(mounts.lines.some((l) => /^jellyfin\s+media\s+raid\s+\/mnt\/raid\/media\s+\/media\s+ro$/.test(l)));
});
