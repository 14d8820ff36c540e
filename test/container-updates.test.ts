import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { renderUpdatesScript, UPDATE_METRICS, updatesInstallCommand, updatesRemoveCommand } from "../components/proxmox-host/container-updates";
import { byName, dependencyNames, runProgram } from "./harness";
import { requireTool } from "./tools";

/** `pct` as the host answers: two running containers (one with updates and a pending restart), one stopped, one that fails. */
const PCT_STUB = `#!/bin/bash
case "$1" in
  list) printf '%s\\n' 'VMID       Status     Lock         Name' '104        running                 syncthing' '105        stopped                 jellyfin' '110        running                 postgres' '120        running                 broken' ;;
  config) case "$2" in 104) echo 'hostname: syncthing' ;; 110) echo 'hostname: postgres' ;; 120) echo 'hostname: broken' ;; esac ;;
  exec)
    id="$2"; shift 3
    [ "$id" = 105 ] && { echo "container $id is stopped" >&2; exit 1; }
    [ "$id" = 120 ] && exit 255
    case "$1" in
      apt-get) if [ "$id" = 104 ]; then
          echo 'Inst libc6 [2.41-12] (2.41-12+deb13u1 Debian-Security:13/stable-security [amd64])'
          echo 'Conf libc6 (2.41-12+deb13u1 Debian-Security:13/stable-security [amd64])'
          echo 'Inst openssl [3.5.1-1] (3.5.1-1+deb13u1 Debian-Security:13/stable-security [amd64])'
          echo 'Inst tzdata [2025b-4] (2025b-4+deb13u1 Debian:13.2/stable [all])'
        fi ;;
      test) [ "$id" = 104 ] ;;
    esac ;;
esac
`;

test("the host's collector writes each running container's pending security updates and reboot-required, and leaves out one that cannot answer", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "container-updates-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "pct"), PCT_STUB);
  chmodSync(join(dir, "pct"), 0o755);
  const out = join(dir, "textfile");
  const r = spawnSync("bash", ["-c", renderUpdatesScript()], { encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, HOMELAB_TEXTFILE_DIR: out } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(out), ["homelab_container_updates.prom"], "no temporary file is left behind");
  const prom = readFileSync(join(out, "homelab_container_updates.prom"), "utf8");
  const samples = prom.split("\n").filter((l) => l && !l.startsWith("#"));
  assert.deepEqual(samples, [
    `${UPDATE_METRICS.pending}{vmid="104",service="syncthing"} 2`,
    `${UPDATE_METRICS.rebootRequired}{vmid="104",service="syncthing"} 1`,
    `${UPDATE_METRICS.pending}{vmid="110",service="postgres"} 0`,
    `${UPDATE_METRICS.rebootRequired}{vmid="110",service="postgres"} 0`,
  ]);
  const promtool = requireTool(t, "promtool", "prometheus");
  if (!promtool) return;
  const check = spawnSync(promtool, ["check", "metrics"], { input: prom, encoding: "utf8" });
  assert.equal(check.status, 0, check.stdout + check.stderr);
});

test("the collector, its installer and its removal pass shellcheck", (t) => {
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!shellcheck) return;
  const dir = mkdtempSync(join(tmpdir(), "container-updates-sc-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = { "collector.sh": renderUpdatesScript(), "install.sh": `#!/bin/bash\n${updatesInstallCommand()}`, "remove.sh": `#!/bin/bash\n${updatesRemoveCommand}\n` };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync(shellcheck, ["--severity=style", ...Object.keys(files).map((f) => join(dir, f))], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("a host with node-exporter installs the collector and its hourly timer after the host packages", async () => {
  const { resources } = await runProgram();
  const updates = byName(resources, "pve-container-updates");
  assert.equal(updates.inputs.create, updatesInstallCommand());
  assert.match(String(updates.inputs.create), /systemctl enable --now homelab-container-updates\.timer/);
  assert.ok(dependencyNames(updates).includes("pve-packages"));
});
