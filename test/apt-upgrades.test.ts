import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import type { Service } from "../config";
import { APT_INSTALL_FUNCTION, debianPinned } from "../components/lxc-service/recipes/shell-steps";
import { grafanaRecipeScript } from "../components/monitoring-stack/grafana-recipe";
import { cloudflaredRecipe } from "../components/tunnel-ingress/cloudflared-recipe";
import { modelOf } from "./harness";
import { requireTool } from "./tools";

/**
 * The real apt, simulating (`-s`) against a throwaway state: a local repository with two versions
 * of a package, and a dpkg status that says which one is installed and whether it is held. Nothing
 * is downloaded or installed; apt's resolver and its refusals (held packages, downgrades under -y)
 * are the real ones.
 */
interface AptWorld {
  /** A bash prelude defining `apt-get` as the real one, pointed at this state, simulating. */
  readonly shell: string;
  readonly run: (script: string) => { status: number | null; out: string };
  readonly cleanup: () => void;
}

const stanza = (pkg: string, version: string, extra: string): string =>
  `Package: ${pkg}\n${extra}Version: ${version}\nArchitecture: all\nMaintainer: homelab <root@localhost>\nDescription: stand-in\n`;

function aptWorld(t: TestContext, pkg: string, installed: { version: string; held: boolean }, pin?: string): AptWorld | undefined {
  const aptGet = requireTool(t, "apt-get", "apt");
  if (!aptGet) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "apt-world-"));
  for (const d of ["repo", "lists/partial", "cache/archives/partial", "preferences.d", "none"]) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    join(dir, "repo/Packages"),
    ["1.0.0", "2.0.0"].map((v) => `${stanza(pkg, v, `Filename: ./${pkg}_${v}_all.deb\nSize: 1000\n`)}\n`).join(""),
  );
  writeFileSync(join(dir, "status"), `${stanza(pkg, installed.version, `Status: ${installed.held ? "hold" : "install"} ok installed\n`)}\n`);
  writeFileSync(join(dir, "sources.list"), `deb [trusted=yes] file:${dir}/repo ./\n`);
  if (pin) writeFileSync(join(dir, "preferences.d/pin"), `Package: ${pkg}\nPin: version ${pin}\nPin-Priority: 1001\n`);
  const options = [
    `Dir::State::status=${dir}/status`,
    `Dir::State::Lists=${dir}/lists`,
    `Dir::Cache=${dir}/cache`,
    `Dir::Etc::sourcelist=${dir}/sources.list`,
    `Dir::Etc::sourceparts=${dir}/none`,
    `Dir::Etc::preferences=${dir}/none/preferences`,
    `Dir::Etc::preferencesparts=${dir}/preferences.d`,
    `Dir::Etc::parts=${dir}/none`,
    "Debug::NoLocking=1",
    "APT::Sandbox::User=root",
  ].flatMap((o) => ["-o", o]);
  const shell = `apt-get() { ${[aptGet, ...options].map((w) => `'${w}'`).join(" ")} -s "$@"; }\n`;
  const run = (script: string) => {
    const r = spawnSync("bash", ["-c", `set -euo pipefail\n${shell}${script}`], { encoding: "utf8" });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const update = spawnSync(aptGet, [...options, "update", "-q"], { encoding: "utf8" });
  assert.equal(update.status, 0, update.stderr);
  return { shell, run, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const grafana = (): Service => modelOf().services.find((s) => s.app === "grafana") as Service;

/** The recipe's own install line, for a pin set to `version`. */
const grafanaInstallLine = (version: string): string => {
  const s = grafana();
  const line = grafanaRecipeScript({ ...s, install: { ...s.install, version } }).split("\n").find((l) => /^apt-get install .*grafana=/.test(l));
  assert.ok(line, "Grafana's recipe installs grafana=<pin>");
  return line;
};

const HELD_REFUSAL = /Held packages were changed and -y was used without --allow-change-held-packages/;
const DOWNGRADE_REFUSAL = /Packages were downgraded and -y was used without --allow-downgrades/;
const withoutFlags = (line: string): string => line.replace(/ --allow-(downgrades|change-held-packages)/g, "");

test("a held Grafana moves to a bumped pin on the next run, which the install line without the hold flag would refuse", (t) => {
  const world = aptWorld(t, "grafana", { version: "1.0.0", held: true });
  if (!world) return;
  t.after(world.cleanup);
  const line = grafanaInstallLine("2.0.0");
  const bumped = world.run(line);
  assert.equal(bumped.status, 0, bumped.out);
  assert.match(bumped.out, /^Inst grafana \[1\.0\.0\] \(2\.0\.0 /m);
  const old = world.run(withoutFlags(line));
  assert.notEqual(old.status, 0);
  assert.match(old.out, HELD_REFUSAL);
});

test("a held Grafana goes back to an older pin (a rollback) on the next run", (t) => {
  const world = aptWorld(t, "grafana", { version: "2.0.0", held: true });
  if (!world) return;
  t.after(world.cleanup);
  const back = world.run(grafanaInstallLine("1.0.0"));
  assert.equal(back.status, 0, back.out);
  assert.match(back.out, /^Inst grafana \[2\.0\.0\] \(1\.0\.0 /m);
});

test("a held cloudflared moves to a bumped pin on the next run", (t) => {
  const world = aptWorld(t, "cloudflared", { version: "1.0.0", held: true });
  if (!world) return;
  t.after(world.cleanup);
  const script = cloudflaredRecipe({ version: "2.0.0", user: { name: "cloudflared", uid: 1000, gid: 1000 }, unit: "" }).script;
  const line = script.split("\n").find((l) => /^\s*apt-get install .*"cloudflared=\$version"/.test(l));
  assert.ok(line, "cloudflared's recipe installs cloudflared=$version");
  const bumped = world.run(`version=2.0.0\n${line}`);
  assert.equal(bumped.status, 0, bumped.out);
  assert.match(bumped.out, /^Inst cloudflared \[1\.0\.0\] \(2\.0\.0 /m);
});

/** A Debian-pinned install as the recipes render it, its preferences file written into the world's. */
const debianPinnedInstall = (glob: string): string =>
  debianPinned("stand-in", { syncthing: glob })
    .split("\n")
    .filter((l) => l.startsWith("apt_install "))
    .join("\n");

test("a Debian-pinned package follows its glob up, and back down, on the next run", (t) => {
  for (const [installed, glob] of [
    ["1.0.0", "2.*"],
    ["2.0.0", "1.*"],
  ] as const) {
    const world = aptWorld(t, "syncthing", { version: installed, held: false }, glob);
    if (!world) return;
    try {
      const install = debianPinnedInstall(glob);
      assert.match(install, /^apt_install syncthing$/);
      const moved = world.run(`${APT_INSTALL_FUNCTION}${install}`);
      assert.equal(moved.status, 0, moved.out);
      assert.match(moved.out, new RegExp(`^Inst syncthing \\[${installed.replace(/\./g, "\\.")}\\] \\(${glob[0]}\\.0\\.0 `, "m"));
      if (glob === "1.*") {
        const old = world.run(`${withoutFlags(APT_INSTALL_FUNCTION)}${install}`);
        assert.notEqual(old.status, 0);
        assert.match(old.out, DOWNGRADE_REFUSAL);
      }
    } finally {
      world.cleanup();
    }
  }
});
