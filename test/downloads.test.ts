import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Homelab, Service } from "../config";
import { catalog } from "../config/catalog";
import { servicesReport } from "../components/lxc-service/report";
import { appRecipe } from "../components/lxc-service/recipes";
import { planDatabases } from "../components/shared-postgres/databases";
import { renderPreloadScript } from "../components/shared-postgres/vectorchord";
import { sha256Check } from "../components/shared/shell";
import { exampleConfig, modelOf, validate } from "./harness";
import { requireTool, run } from "./tools";

type Obj = Record<string, unknown>;

const SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

function withInstall(service: string, install: Obj): Obj {
  const config = exampleConfig();
  const entry = (config["homelab:services"] as Record<string, Obj>)[service];
  assert.ok(entry, service);
  entry.install = install;
  return config;
}

const byName = (model: Homelab, name: string): Service => {
  const s = model.services.find((x) => x.name === name);
  assert.ok(s, name);
  return s;
};

const unverifiedLines = (model: Homelab): readonly string[] => servicesReport(model).find((s) => s.title === "Downloads without a checksum")?.lines ?? [];

test("a release download without a checksum is named in the plan's warnings with the key that would pin it", () => {
  const lines = unverifiedLines(modelOf());
  for (const app of ["sonarr", "radarr", "prowlarr"]) {
    assert.ok(
      lines.includes(`warning: ${app}: no checksum pinned for its ${catalog[app]?.install.version} release download (trusted on TLS alone); set homelab:services.${app}.install.sha256 to the SHA-256 of the release tarball`),
      lines.join("\n"),
    );
  }
  assert.ok(lines.some((l) => l.startsWith("warning: postgres: no checksum pinned for VectorChord 0.4.3's release package") && l.includes("set homelab:postgres.vectorchordSha256")), lines.join("\n"));
  // Traefik's checksum is pinned per release, so it is not among them.
  assert.ok(!lines.some((l) => l.includes("traefik")));
});

test("an *arr app's install.sha256 is verified by its recipe and silences its warning", () => {
  const model = modelOf(withInstall("sonarr", { method: "binary", version: catalog.sonarr?.install.version, sha256: SHA }));
  const script = appRecipe(byName(model, "sonarr"), { lanCidr: model.network.cidrText })?.script ?? "";
  assert.ok(script.includes(sha256Check(`'${SHA}'`, '"$work/release.tar.gz"')), script);
  // Verified before it is unpacked, and the stamp names the checksum so setting it later re-downloads.
  assert.ok(script.indexOf("sha256sum --check --strict") < script.indexOf("tar -xzf"));
  assert.match(script, new RegExp(`printf '%s\\\\n' '${catalog.sonarr?.install.version} ${SHA}' > /opt/sonarr.new/.homelab-version`));
  assert.ok(!unverifiedLines(model).some((l) => l.startsWith("warning: sonarr:")));
  const without = appRecipe(byName(modelOf(), "sonarr"), { lanCidr: model.network.cidrText })?.script ?? "";
  assert.doesNotMatch(without, /sha256sum --check/);
});

test("install.sha256 on an *arr app must be a SHA-256, and on Traefik is refused, naming the path", () => {
  const problems = (config: Obj) => {
    const r = validate(config);
    return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
  };
  const short = problems(withInstall("radarr", { method: "binary", version: catalog.radarr?.install.version, sha256: "abc" }));
  assert.ok(short.includes("homelab:services.radarr.install.sha256: 'abc' must be the release download's sha256 as 64 lower-case hex digits (sha256sum prints it)"), short.join("\n"));
  const traefik = problems(withInstall("traefik", { method: "binary", version: catalog.traefik?.install.version, sha256: SHA }));
  assert.ok(traefik.some((p) => p.startsWith("homelab:services.traefik.install: the traefik service is installed by its own component; remove sha256")), traefik.join("\n"));
});

test("homelab:postgres.vectorchordSha256 is verified before the package is installed", () => {
  const config = exampleConfig();
  (config["homelab:postgres"] as Obj).vectorchordSha256 = SHA;
  const model = modelOf(config);
  const server = byName(model, model.postgres.service);
  const script = renderPreloadScript(planDatabases(server, model.services, model.postgres), model.postgres.vectorchordVersion, model.postgres.vectorchordSha256);
  assert.ok(script.includes(sha256Check(`'${SHA}'`, '"$tmp/vchord.deb"')), script);
  assert.ok(script.indexOf("sha256sum --check --strict") < script.indexOf("apt-get install"));
  assert.ok(!unverifiedLines(model).some((l) => l.startsWith("warning: postgres:")));
});

test("the checksum step passes the file it was pinned for and fails on any other, with sha256sum's real verdict", (t) => {
  if (!requireTool(t, "sha256sum", "coreutils")) return;
  const dir = mkdtempSync(join(tmpdir(), "sha256-check-"));
  try {
    const file = join(dir, "release.tar.gz");
    writeFileSync(file, "the release\n");
    const good = createHash("sha256").update("the release\n").digest("hex");
    const check = (sha: string) => run("bash", ["-euo", "pipefail", "-c", sha256Check(`'${sha}'`, '"$1"'), "check", file]);
    assert.equal(check(good).status, 0);
    const bad = check(SHA);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout + bad.stderr, /FAILED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
