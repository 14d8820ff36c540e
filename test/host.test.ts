import assert from "node:assert/strict";
import { test } from "node:test";
import { hostPackagesCommand, type AptRepository } from "../components/proxmox-host/host-packages";
import { servicesReport } from "../components/lxc-service/report";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { at } from "./bad-inputs/types";
import { byName, dependencyNames, exampleConfig, modelOf, ofType, runProgram } from "./harness";
import { inCi, requireTool, run } from "./tools";

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

test("host packages follow from what is enabled: restic and sqlite3 for backups, the node exporter for monitoring", async () => {
  const packagesOf = async (mutate: (c: Record<string, unknown>) => void): Promise<string> => {
    const config = exampleConfig();
    mutate(config);
    const { resources } = await runProgram(config);
    const r = byName(resources, "pve-packages");
    assert.equal(r.inputs.delete, undefined, "packages stay when the list shrinks");
    assert.equal(r.inputs.update, r.inputs.create);
    return String(r.inputs.create);
  };
  const example = await packagesOf(() => undefined);
  assert.equal(example, hostPackagesCommand(["restic", "prometheus-node-exporter", "sqlite3"], "enterprise"));
  assert.match(example, /\nif ! apt-get install -y --no-install-recommends prometheus-node-exporter restic sqlite3; then\n/);
  assert.doesNotMatch(example, /pve-no-subscription/, "the default leaves the host's sources alone");
  const noSubscription = await packagesOf((c) => void (at(c, "homelab:proxmox").aptRepository = "no-subscription"));
  assert.equal(noSubscription, hostPackagesCommand(["restic", "prometheus-node-exporter", "sqlite3"], "no-subscription"));
  const noBackup = await packagesOf((c) => void delete c["homelab:backup"]);
  assert.match(noBackup, /install -y --no-install-recommends prometheus-node-exporter; then/);
  const neither = await packagesOf((c) => {
    delete c["homelab:backup"];
    c["homelab:monitoring"] = { ...(c["homelab:monitoring"] as object), enabled: false };
    // With monitoring off, its services go too (a service of a component that is off is refused).
    const services = c["homelab:services"] as Record<string, unknown>;
    delete services.prometheus;
    delete services.grafana;
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

/** An apt-get double: `update` answers 401 while an enterprise source is enabled, `install` logs and exits $INSTALL_RC. */
const FAKE_APT_GET = `#!/bin/bash
case "$1" in
  update)
    if grep -hv '^[[:space:]]*#' "$HOMELAB_APT_DIR"/sources.list.d/*.list 2>/dev/null | grep -q enterprise.proxmox.com \\
      || grep -L '^Enabled: false' "$HOMELAB_APT_DIR"/sources.list.d/*.sources 2>/dev/null | xargs -r grep -l enterprise.proxmox.com | grep -q .; then
      echo "E: Failed to fetch https://enterprise.proxmox.com/debian/pve/dists/bookworm/InRelease  401  Unauthorized [IP: 203.0.113.7 443]" >&2
      exit 100
    fi ;;
  install) echo "$*" >> "$APT_LOG"; exit "\${INSTALL_RC:-0}" ;;
esac
`;

const BOOKWORM_STOCK = {
  "pve-enterprise.list": "deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise\n",
  "ceph.list": "deb https://enterprise.proxmox.com/debian/ceph-quincy bookworm enterprise\n",
};
const TRIXIE_STOCK = {
  "pve-enterprise.sources": "Types: deb\nURIs: https://enterprise.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-enterprise\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n",
  "ceph.sources": "Types: deb\nURIs: https://enterprise.proxmox.com/debian/ceph-squid\nSuites: trixie\nComponents: enterprise\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n",
  "debian.sources": "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie trixie-updates\nComponents: main contrib\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
};

test("host packages on a stock host without a subscription: the 401 is named with the setting to change, and only a failed install fails", (t) => {
  const bash = requireTool(t, "bash", "bash");
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!bash || !shellcheck) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-apt-"));
  try {
    writeFileSync(`${dir}/apt-get`, FAKE_APT_GET, { mode: 0o755 });
    for (const repository of ["enterprise", "no-subscription"] as const) {
      const sc = run(shellcheck, ["-s", "bash", "-"], { input: `#!/bin/bash\n${hostPackagesCommand(["restic"], repository)}\n` });
      assert.equal(sc.status, 0, sc.stdout);
    }
    const host = (codename: string, files: Record<string, string>) => {
      const root = mkdtempSync(join(dir, `${codename}-`));
      mkdirSync(`${root}/apt/sources.list.d`, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(`${root}/apt/sources.list.d/${name}`, text);
      writeFileSync(`${root}/os-release`, `PRETTY_NAME="Debian"\nVERSION_CODENAME=${codename}\nID=debian\n`);
      return root;
    };
    const apply = (root: string, repository: AptRepository, installRc = 0) => {
      writeFileSync(`${root}/apt.log`, "");
      const env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ""}`, HOMELAB_APT_DIR: `${root}/apt`, HOMELAB_OS_RELEASE: `${root}/os-release`, APT_LOG: `${root}/apt.log`, INSTALL_RC: String(installRc) };
      const r = run(bash, ["-c", hostPackagesCommand(["restic"], repository)], { env });
      return { ...r, installs: readFileSync(`${root}/apt.log`, "utf8") };
    };
    const list = (root: string, name: string) => readFileSync(`${root}/apt/sources.list.d/${name}`, "utf8");

    // Default: the sources stay as they are; the 401 is reported, the install still goes ahead.
    const stock = host("bookworm", BOOKWORM_STOCK);
    const warned = apply(stock, "enterprise");
    assert.equal(warned.status, 0, warned.stderr);
    assert.match(warned.stderr, /warning: the Proxmox enterprise repository answered 401 Unauthorized .*set homelab:proxmox\.aptRepository to no-subscription/);
    assert.equal(warned.installs, "install -y --no-install-recommends restic\n");
    assert.equal(list(stock, "pve-enterprise.list"), BOOKWORM_STOCK["pve-enterprise.list"]);
    const failed = apply(stock, "enterprise", 100);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /installing host packages failed; the Proxmox enterprise repository answered 401 .*set homelab:proxmox\.aptRepository to no-subscription/);

    // no-subscription on Proxmox VE 8: one-line sources, the enterprise ones commented out.
    const pve8 = host("bookworm", BOOKWORM_STOCK);
    const switched = apply(pve8, "no-subscription");
    assert.equal(switched.status, 0, switched.stderr);
    assert.equal(switched.stderr, "", "apt-get update no longer meets the enterprise repository");
    assert.equal(list(pve8, "pve-no-subscription.list"), "deb http://download.proxmox.com/debian/pve bookworm pve-no-subscription\n");
    assert.equal(list(pve8, "pve-enterprise.list"), "# deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise\n");
    assert.equal(list(pve8, "ceph.list"), "# deb https://enterprise.proxmox.com/debian/ceph-quincy bookworm enterprise\n");
    const before = ["pve-no-subscription.list", "pve-enterprise.list", "ceph.list"].map((n) => list(pve8, n));
    assert.equal(apply(pve8, "no-subscription").status, 0);
    assert.deepEqual(["pve-no-subscription.list", "pve-enterprise.list", "ceph.list"].map((n) => list(pve8, n)), before, "a second run changes nothing");

    // no-subscription on Proxmox VE 9: deb822 sources, the enterprise ones marked Enabled: false.
    const pve9 = host("trixie", TRIXIE_STOCK);
    const switched9 = apply(pve9, "no-subscription");
    assert.equal(switched9.status, 0, switched9.stderr);
    assert.equal(switched9.stderr, "");
    assert.equal(list(pve9, "proxmox.sources"), "Types: deb\nURIs: http://download.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-no-subscription\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n");
    assert.equal(list(pve9, "pve-enterprise.sources"), `${TRIXIE_STOCK["pve-enterprise.sources"]}Enabled: false\n`);
    assert.equal(list(pve9, "ceph.sources"), `${TRIXIE_STOCK["ceph.sources"]}Enabled: false\n`);
    assert.equal(list(pve9, "debian.sources"), TRIXIE_STOCK["debian.sources"], "Debian's own sources are left alone");
    assert.equal(apply(pve9, "no-subscription").status, 0);
    assert.equal(list(pve9, "pve-enterprise.sources"), `${TRIXIE_STOCK["pve-enterprise.sources"]}Enabled: false\n`, "a second run changes nothing");

    // A proxmox.sources the operator already keeps is added to, never written over; one that already
    // has an enabled no-subscription stanza, or a .list that already names it, is left byte for byte.
    const NO_SUB_STANZA = "Types: deb\nURIs: http://download.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-no-subscription\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n";
    const TEST_STANZA = "# the test repository, for a fix not yet released\nTypes: deb\nURIs: http://download.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-test\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg";
    const kept = host("trixie", { ...TRIXIE_STOCK, "proxmox.sources": TEST_STANZA });
    assert.equal(apply(kept, "no-subscription").status, 0);
    assert.equal(list(kept, "proxmox.sources"), `${TEST_STANZA}\n\n${NO_SUB_STANZA}`, "the operator's stanza stays, ours follows after a blank line");
    assert.equal(apply(kept, "no-subscription").status, 0);
    assert.equal(list(kept, "proxmox.sources"), `${TEST_STANZA}\n\n${NO_SUB_STANZA}`, "a second run adds nothing");
    const already = `${NO_SUB_STANZA.replace("Components: pve-no-subscription", "Components: pve-no-subscription pve-test")}\n${TRIXIE_STOCK["debian.sources"]}`;
    const present = host("trixie", { ...TRIXIE_STOCK, "proxmox.sources": already });
    assert.equal(apply(present, "no-subscription").status, 0);
    assert.equal(list(present, "proxmox.sources"), already, "an enabled no-subscription stanza is recognised");
    const disabled = `${NO_SUB_STANZA}Enabled: no\n`;
    const off = host("trixie", { ...TRIXIE_STOCK, "proxmox.sources": disabled });
    assert.equal(apply(off, "no-subscription").status, 0);
    assert.equal(list(off, "proxmox.sources"), `${disabled}\n${NO_SUB_STANZA}`, "a disabled one does not count");
    const mine = "deb [signed-by=/usr/share/keyrings/proxmox-archive-keyring.gpg] http://download.proxmox.com/debian/pve bookworm pve-no-subscription # added by hand\n";
    const hand8 = host("bookworm", { ...BOOKWORM_STOCK, "my-proxmox.list": mine });
    assert.equal(apply(hand8, "no-subscription").status, 0);
    assert.equal(existsSync(`${hand8}/apt/sources.list.d/pve-no-subscription.list`), false, "a one-line source that names it already is enough");
    const other8 = "deb http://download.proxmox.com/debian/pve bookworm pvetest\n";
    const extra8 = host("bookworm", { ...BOOKWORM_STOCK, "pve-no-subscription.list": other8 });
    assert.equal(apply(extra8, "no-subscription").status, 0);
    assert.equal(list(extra8, "pve-no-subscription.list"), `${other8}deb http://download.proxmox.com/debian/pve bookworm pve-no-subscription\n`);

    const unknown = apply(host("bullseye", {}), "no-subscription");
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /knows Proxmox VE 8 \(bookworm\) and 9 \(trixie\), not 'bullseye'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The layout docs/configuration.md offers for hardlinks: one `data` dataset holding downloads/ and media/, mounted at /data. */
function hardlinkLayout(config: Record<string, unknown>): void {
  const datasets = at(config, "homelab:storage", "datasets");
  delete datasets.media;
  delete datasets.downloads;
  datasets.data = { tier: "raid", path: "data", quotaGiB: 30400, uid: 1000, gid: 2000, mode: "2775", content: "media", backup: false };
  for (const name of ["qbittorrent", "sonarr", "radarr"]) Object.assign(at(config, "homelab:services", name), { mounts: { media: false, downloads: false, data: { path: "/data" } } });
  Object.assign(at(config, "homelab:services", "jellyfin"), { mounts: { media: false, data: { path: "/data", readOnly: true } } });
}

test("the plan warns that the example's separate downloads and media datasets make the *arr apps copy, and the shared-dataset layout hardlinks", async () => {
  const example = servicesReport(modelOf())[2];
  assert.equal(example?.title, "Hardlinks (*arr imports)");
  assert.deepEqual(example?.lines, ["sonarr", "radarr"].map((n) => `warning: ${n}: downloads (downloads, nvme) and media (media, raid) are separate mounts, so imports copy instead of hardlinking; mount one dataset holding both at the same path in ${n}, qbittorrent (docs/configuration.md: Hardlinks for the *arr apps)`));

  const config = exampleConfig();
  hardlinkLayout(config);
  assert.deepEqual(servicesReport(modelOf(config))[2]?.lines, ["sonarr: downloads and media share dataset data at /data: imports hardlink", "radarr: downloads and media share dataset data at /data: imports hardlink"]);
  const { resources } = await runProgram(config);
  for (const name of ["qbittorrent", "sonarr", "radarr"]) {
    const shared = (byName(resources, `${name}-container`).inputs.mountPoints as { volume: string; path: string; readOnly: boolean }[]).filter((m) => !m.volume.includes("/apps/"));
    assert.deepEqual(shared, [{ volume: "/mnt/raid/data", path: "/data", readOnly: false, backup: false }], name);
  }
  assert.ok((byName(resources, "jellyfin-container").inputs.mountPoints as { volume: string; readOnly: boolean }[]).some((m) => m.volume === "/mnt/raid/data" && m.readOnly));

  // The download client at another path breaks the import paths, and the plan says so.
  Object.assign(at(config, "homelab:services", "qbittorrent"), { mounts: { media: false, downloads: false, data: { path: "/srv" } } });
  assert.match(servicesReport(modelOf(config))[2]?.lines[0] ?? "", /^warning: sonarr: qbittorrent mounts data at \/srv, not \/data/);
});

test("a hardlink works within one bind mount and fails across two, even on the same filesystem", (t) => {
  const ln = requireTool(t, "ln", "coreutils");
  if (!ln) return;
  if (process.getuid?.() !== 0) {
    if (inCi()) throw new Error("bind mounts need root: required under CI=true");
    t.skip("SKIPPED: not root, cannot bind-mount");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "homelab-links-"));
  const mounts: string[] = [];
  const bind = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    assert.equal(run("mount", ["--bind", from, to]).status, 0);
    mounts.push(to);
  };
  try {
    mkdirSync(`${dir}/tier/data/downloads`, { recursive: true });
    mkdirSync(`${dir}/tier/data/media`, { recursive: true });
    writeFileSync(`${dir}/tier/data/downloads/episode.mkv`, "video");
    bind(`${dir}/tier/data/downloads`, `${dir}/ct/downloads`);
    bind(`${dir}/tier/data/media`, `${dir}/ct/media`);
    bind(`${dir}/tier/data`, `${dir}/ct/data`);
    const across = run(ln, [`${dir}/ct/downloads/episode.mkv`, `${dir}/ct/media/episode.mkv`]);
    assert.notEqual(across.status, 0);
    assert.match(across.stderr, /cross-device/i);
    const within = run(ln, [`${dir}/ct/data/downloads/episode.mkv`, `${dir}/ct/data/media/episode.mkv`]);
    assert.equal(within.status, 0, within.stderr);
  } finally {
    for (const m of mounts.reverse()) run("umount", [m]);
    rmSync(dir, { recursive: true, force: true });
  }
});
