import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { renderRecipeScript } from "../components/lxc-service/push-files";
import { renderSecurityUpdatesConfig, SECURITY_ORIGINS, SECURITY_UPDATES_CONF, securityUpdatesStep } from "../components/lxc-service/recipes/security-updates";
import { requireTool } from "./tools";

/** Debian's unattended-upgrades 2.12 configuration, as its package ships it (fixtures/unattended-upgrades/README.md). */
const SHIPPED = join(__dirname, "fixtures/unattended-upgrades");

/**
 * The configuration a container's unattended-upgrades reads: Debian's shipped files in
 * /etc/apt/apt.conf.d, with or without the homelab's, parsed by the real apt-config (the same
 * parser, apt_pkg's, that unattended-upgrades loads its options through).
 */
function aptConfigDump(t: TestContext, withHomelab: boolean): string | undefined {
  const aptConfig = requireTool(t, "apt-config", "apt");
  if (!aptConfig) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "apt-conf-"));
  try {
    for (const f of ["20auto-upgrades", "50unattended-upgrades"]) copyFileSync(join(SHIPPED, f), join(dir, f));
    if (withHomelab) writeFileSync(join(dir, SECURITY_UPDATES_CONF.split("/").pop() as string), renderSecurityUpdatesConfig());
    writeFileSync(join(dir, "main.conf"), `Dir::Etc::main "/dev/null";\nDir::Etc::parts "${dir}";\n`);
    const r = spawnSync(aptConfig, ["dump"], { encoding: "utf8", env: { ...process.env, APT_CONFIG: join(dir, "main.conf") } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "", "apt reads the files without a warning");
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const origins = (dump: string): string[] => [...dump.matchAll(/^Unattended-Upgrade::Origins-Pattern:: "(.*)";$/gm)].map((m) => m[1] as string);
const value = (dump: string, key: string): string | undefined => new RegExp(`^${key.replace(/:/g, "\\:")} "(.*)";$`, "m").exec(dump)?.[1];

test("with the homelab's file beside Debian's, unattended-upgrades takes Debian's security origin and nothing else", (t) => {
  const dump = aptConfigDump(t, true);
  if (!dump) return;
  assert.deepEqual(origins(dump), [...SECURITY_ORIGINS]);
  assert.ok(origins(dump).every((o) => o.endsWith("label=Debian-Security")));
  assert.equal(value(dump, "APT::Periodic::Update-Package-Lists"), "1");
  assert.equal(value(dump, "APT::Periodic::Unattended-Upgrade"), "1");
  assert.equal(value(dump, "Unattended-Upgrade::Automatic-Reboot"), "false");
});

test("Debian's file alone would also take the point release, which is why the homelab's clears the list", (t) => {
  const dump = aptConfigDump(t, false);
  if (!dump) return;
  assert.ok(origins(dump).includes("origin=Debian,codename=${distro_codename},label=Debian"));
  for (const o of SECURITY_ORIGINS) assert.ok(origins(dump).includes(o), `${o} is Debian's own pattern, spelled as Debian spells it`);
});

test("every option the homelab sets is one Debian's shipped files name", () => {
  const shipped = ["20auto-upgrades", "50unattended-upgrades"].map((f) => readFileSync(join(SHIPPED, f), "utf8")).join("\n");
  const keys = [...renderSecurityUpdatesConfig().matchAll(/^(?:#clear )?([A-Za-z-]+(?:::[A-Za-z-]+)+)/gm)].map((m) => m[1] as string);
  assert.deepEqual([...new Set(keys)].sort(), ["APT::Periodic::Unattended-Upgrade", "APT::Periodic::Update-Package-Lists", "Unattended-Upgrade::Automatic-Reboot", "Unattended-Upgrade::Origins-Pattern"]);
  for (const k of keys) assert.ok(shipped.includes(`${k} `), `${k} appears in Debian's shipped configuration`);
});

test("every recipe starts with the security-updates step, after the wait for the container", () => {
  const script = renderRecipeScript("echo recipe");
  const step = script.indexOf(securityUpdatesStep());
  assert.ok(step > script.indexOf("getent hosts"), "after the wait for DNS");
  assert.ok(step >= 0 && step < script.indexOf("echo recipe"), "before the recipe");
});

/** Runs the step with apt, dpkg, debconf and systemd as stubs that log their calls; the config goes to a temporary path. */
function runStep(dir: string, installed: boolean): { status: number | null; calls: string[]; stderr: string } {
  const conf = join(dir, "52homelab-security-updates");
  const log = join(dir, "calls");
  writeFileSync(log, "");
  const stubs = `dpkg-query() { ${installed ? "printf 'install ok installed'" : "return 1"}; }
apt-get() { echo "apt-get $*" >> ${log}; }
debconf-set-selections() { echo "debconf-set-selections $(cat)" >> ${log}; }
systemctl() { echo "systemctl $*" >> ${log}; }
`;
  const script = `set -euo pipefail\n${stubs}${securityUpdatesStep().replaceAll(SECURITY_UPDATES_CONF, conf)}`;
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8" });
  return { status: r.status, calls: readFileSync(log, "utf8").trim().split("\n").filter(Boolean), stderr: r.stderr };
}

test("the step installs unattended-upgrades once, writes its file only when it differs, and enables apt's daily timers", () => {
  const dir = mkdtempSync(join(tmpdir(), "security-step-"));
  try {
    const conf = join(dir, "52homelab-security-updates");
    const first = runStep(dir, false);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(first.calls, [
      "debconf-set-selections unattended-upgrades unattended-upgrades/enable_auto_updates boolean true",
      "apt-get update -qq",
      "apt-get install -y -qq --no-install-recommends unattended-upgrades",
      "systemctl enable --quiet --now apt-daily.timer apt-daily-upgrade.timer",
    ]);
    assert.equal(readFileSync(conf, "utf8"), renderSecurityUpdatesConfig());
    const written = statSync(conf).mtimeMs;
    const second = runStep(dir, true);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(second.calls, ["systemctl enable --quiet --now apt-daily.timer apt-daily-upgrade.timer"]);
    assert.equal(statSync(conf).mtimeMs, written, "an unchanged file is not rewritten");
    writeFileSync(conf, "// edited by hand\n");
    assert.equal(runStep(dir, true).status, 0);
    assert.equal(readFileSync(conf, "utf8"), renderSecurityUpdatesConfig(), "a drifted file is put back");
    assert.ok(existsSync(conf));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
