import assert from "node:assert/strict";
import { test } from "node:test";
import { catalog, majorOf } from "../config";
import { servicesReport } from "../components/lxc-service/report";
import { exampleConfig, modelOf, validate } from "./harness";

type Obj = Record<string, unknown>;

/** The example stack with one service's install block set as the stack file would write it. */
function withInstall(service: string, install: Obj): Obj {
  const config = exampleConfig();
  (config["homelab:services"] as Record<string, Obj>)[service]!.install = install;
  return config;
}

const problemsOf = (config: Obj): { path: string; message: string }[] => {
  const result = validate(config);
  return result.ok ? [] : [...result.problems];
};

const upgradeLines = (config: Obj): readonly string[] =>
  servicesReport(modelOf(config)).find((s) => s.title === "Major upgrades (install.from -> install.version)")?.lines ?? [];

test("the major of a version is its first number, whatever the app's tag looks like", () => {
  assert.equal(majorOf("v1.135.3"), 1);
  assert.equal(majorOf("31.0.6-apache"), 31);
  assert.equal(majorOf("4.0.20.3014"), 4);
  assert.equal(majorOf("2.53.*"), 2);
  assert.equal(majorOf("17"), 17);
  assert.equal(majorOf("latest"), undefined);
});

test("a jump over majors of a one-major-at-a-time app is refused, naming each release line to run first", () => {
  const problems = problemsOf(withInstall("nextcloud", { version: "35.0.1-apache", from: "31.0.6-apache" }));
  assert.deepEqual(problems, [
    {
      path: "homelab:services.nextcloud.install.version",
      message:
        "35.0.1-apache skips 3 majors after the running 31.0.6-apache (homelab:services.nextcloud.install.from), and nextcloud upgrades one major at a time: " +
        "set install.version to a 32.x release, then a 33.x release, then a 34.x release first, run pulumi up and set install.from to it after each step, then 35.0.1-apache; " +
        "back up nextcloud's data before each step",
    },
  ]);
});

test("the release line keeps the app's v prefix when one major is skipped", () => {
  const problems = problemsOf(withInstall("immich", { version: "v3.3.1", from: "v1.135.3" }));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.path, "homelab:services.immich.install.version");
  assert.equal(
    problems[0]?.message,
    "v3.3.1 skips a major after the running v1.135.3 (homelab:services.immich.install.from), and immich upgrades one major at a time: " +
      "set install.version to a v2.x release first, run pulumi up and set install.from to it after each step, then v3.3.1; back up immich's data before each step",
  );
});

test("an Immich still on the old v1.135.3 pin is refused the catalog's v3 pin and told to run v2 first", () => {
  const pin = catalog.immich?.install.version;
  assert.equal(pin, "v3.3.1");
  assert.deepEqual(problemsOf(withInstall("immich", { version: pin, from: "v1.135.3" })), [
    {
      path: "homelab:services.immich.install.version",
      message:
        "v3.3.1 skips a major after the running v1.135.3 (homelab:services.immich.install.from), and immich upgrades one major at a time: " +
        "set install.version to a v2.x release first, run pulumi up and set install.from to it after each step, then v3.3.1; back up immich's data before each step",
    },
  ]);
});

test("from a v2 release the step to Immich's v3 pin is accepted, and warned with the v3 migration guide and the media location", () => {
  const config = withInstall("immich", { from: "v2.7.5" });
  assert.deepEqual(problemsOf(config), []);
  const note = catalog.immich?.upgrade?.note ?? "";
  assert.match(note, /immich\.app\/blog\/v3-migration/);
  assert.match(note, /change-media-location/);
  assert.deepEqual(upgradeLines(config), [
    `warning: immich: runs v2.7.5 (homelab:services.immich.install.from), pins v3.3.1: a major upgrade (2 -> 3); back up immich's data first; ${note}`,
  ]);
});

test("one major at a time is accepted, and the plan warns with the app's own rule", () => {
  const config = withInstall("nextcloud", { version: "32.0.15-apache", from: "31.0.6-apache" });
  assert.deepEqual(problemsOf(config), []);
  assert.deepEqual(upgradeLines(config), [
    "warning: nextcloud: runs 31.0.6-apache (homelab:services.nextcloud.install.from), pins 32.0.15-apache: a major upgrade (31 -> 32); " +
      `back up nextcloud's data first; ${catalog.nextcloud?.upgrade?.note}`,
  ]);
});

test("an app without the one-major rule may jump, but the plan still warns", () => {
  const config = withInstall("vaultwarden", { version: "3.0.0", from: "1.37.4" });
  assert.deepEqual(problemsOf(config), []);
  assert.deepEqual(upgradeLines(config), ["warning: vaultwarden: runs 1.37.4 (homelab:services.vaultwarden.install.from), pins 3.0.0: a major upgrade (1 -> 3)"]);
});

test("an n8n on 1.x takes the 2.x pin in one step, warned to back up and run the 2.0 migration report", () => {
  const pin = catalog.n8n?.install.version;
  assert.equal(pin, "2.42.5");
  const config = withInstall("n8n", { from: "1.97.1" });
  assert.deepEqual(problemsOf(config), []);
  assert.deepEqual(upgradeLines(config), [
    `warning: n8n: runs 1.97.1 (homelab:services.n8n.install.from), pins 2.42.5: a major upgrade (1 -> 2); back up n8n's data first; ${catalog.n8n?.upgrade?.note}`,
  ]);
  assert.match(catalog.n8n?.upgrade?.note ?? "", /docs\.n8n\.io\/release-notes\/v20-breaking-changes/);
  // A 3.x would have to wait for a 2.x run first.
  assert.equal(problemsOf(withInstall("n8n", { version: "3.0.0", from: "1.97.1" }))[0]?.path, "homelab:services.n8n.install.version");
});

test("an Uptime Kuma on 1.23.16 takes the 2.x pin in one step, warned to back up and let the kuma.db migration finish", () => {
  const config = withInstall("uptime-kuma", { from: "1.23.16" });
  assert.deepEqual(problemsOf(config), []);
  assert.deepEqual(upgradeLines(config), [
    `warning: uptime-kuma: runs 1.23.16 (homelab:services.uptime-kuma.install.from), pins 2.5.5: a major upgrade (1 -> 2); back up uptime-kuma's data first; ${catalog["uptime-kuma"]?.upgrade?.note}`,
  ]);
  assert.equal(problemsOf(withInstall("uptime-kuma", { version: "3.0.0", from: "1.23.16" }))[0]?.path, "homelab:services.uptime-kuma.install.version");
});

test("Jellyfin's jump from 10.10 to the 12.x pin is one step, not a skipped 11, and is warned with the 10.11 step", () => {
  const config = withInstall("jellyfin", { method: "vendor-apt", from: "10.10.7" });
  assert.equal(catalog.jellyfin?.install.version, "12.1");
  assert.equal(catalog.jellyfin?.upgrade?.oneMajorAtATime, undefined, "there is no 11.x to step through");
  assert.deepEqual(problemsOf(config), []);
  assert.deepEqual(upgradeLines(config), [
    `warning: jellyfin: runs 10.10.7 (homelab:services.jellyfin.install.from), pins 12.1: a major upgrade (10 -> 12); back up jellyfin's data first; ${catalog.jellyfin?.upgrade?.note}`,
  ]);
  assert.match(catalog.jellyfin?.upgrade?.note ?? "", /10\.11/);
});

test("a major downgrade is warned about; the same major is not", () => {
  const down = withInstall("vaultwarden", { version: "1.37.4", from: "2.0.0" });
  assert.deepEqual(upgradeLines(down), ["warning: vaultwarden: runs 2.0.0 (homelab:services.vaultwarden.install.from), pins 1.37.4: a major downgrade (2 -> 1)"]);
  assert.deepEqual(upgradeLines(withInstall("vaultwarden", { version: "1.37.4", from: "1.34.1" })), []);
  assert.deepEqual(upgradeLines(exampleConfig()), [], "a stack file without install.from has nothing to warn about");
});

test("a running version that is not a version is refused at install.from", () => {
  assert.deepEqual(problemsOf(withInstall("grafana", { version: "13.2.3", from: "latest" })), [
    { path: "homelab:services.grafana.install.from", message: "'latest' must be the version running now, starting with its number (like 13.2.3)" },
  ]);
});
