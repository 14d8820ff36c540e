import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Homelab, Service } from "../config";
import { traefikSha256 } from "../config/schema/ingress";
import { cloudflaredRecipe } from "../components/tunnel-ingress/cloudflared-recipe";
import { renderCloudflaredUnit } from "../components/tunnel-ingress/cloudflared-unit";
import { traefikArchiveUrl, traefikRecipe } from "../components/tunnel-ingress/traefik-recipe";
import { renderTraefikUnit } from "../components/tunnel-ingress/traefik-unit";
import type { Recipe } from "../components/lxc-service";
import { modelOf } from "./harness";
import { requireTool, run } from "./tools";

const byRole = (model: Homelab, role: string): Service => {
  const s = model.services.find((x) => x.role === role);
  assert.ok(s, `a ${role} service`);
  return s;
};

function recipes(): { traefik: Recipe; traefikAcme: Recipe; cloudflared: Recipe; model: Homelab } {
  const model = modelOf();
  const traefik = byRole(model, "traefik");
  const cloudflared = byRole(model, "cloudflared");
  const sha256 = model.ingress ? traefikSha256(model.ingress, traefik.install.version) : undefined;
  assert.ok(sha256);
  return {
    model,
    traefik: traefikRecipe({ version: traefik.install.version, sha256, user: traefik.user, unit: renderTraefikUnit(traefik.user) }),
    // With homelab:ingress.acme: its state directory and the token file among what restarts it.
    traefikAcme: traefikRecipe({ version: traefik.install.version, sha256, user: traefik.user, unit: renderTraefikUnit(traefik.user, true), acme: true }),
    cloudflared: cloudflaredRecipe({ version: cloudflared.install.version, user: cloudflared.user, unit: renderCloudflaredUnit(cloudflared.user, 2000) }),
  };
}

test("the Traefik and cloudflared recipes pass shellcheck as the bash the provisioning runs", (t) => {
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!shellcheck) return;
  const dir = mkdtempSync(join(tmpdir(), "ingress-recipes-"));
  try {
    for (const [name, recipe] of Object.entries(recipes()).filter(([k]) => k !== "model") as [string, Recipe][]) {
      const file = join(dir, `${name}.sh`);
      // The provisioning runs every recipe under bash with these options.
      writeFileSync(file, `#!/usr/bin/env bash\nset -euo pipefail\n${recipe.script}`);
      const result = run(shellcheck, ["--shell=bash", "--severity=style", file]);
      assert.equal(result.status, 0, `${name} recipe:\n${result.stdout}${result.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Traefik is the catalog's pinned v3 release, refused unless its archive matches the pinned SHA-256", () => {
  const { traefik, model } = recipes();
  const version = byRole(model, "traefik").install.version;
  assert.match(version, /^v3\./);
  assert.ok(traefik.script.includes(`version='${version}'`));
  assert.ok(traefik.script.includes(`url='${traefikArchiveUrl(version)}'`));
  assert.ok(traefik.script.includes("sha256='c3b2634fc5421626641e2f4256108c08078a9b2662f649d770af78e5e5d729a2'"));
  const check = traefik.script.indexOf("sha256sum --check --strict");
  assert.ok(check > 0 && check < traefik.script.indexOf("tar -xzf"), "the archive is verified before it is unpacked");
});

test("cloudflared comes from Cloudflare's signed apt repository at the pinned version, held there", () => {
  const { cloudflared, model } = recipes();
  const version = byRole(model, "cloudflared").install.version;
  assert.ok(cloudflared.script.includes(`version='${version}'`));
  assert.match(cloudflared.script, /apt-get install .*"cloudflared=\$version"/);
  assert.match(cloudflared.script, /apt-mark hold cloudflared/);
  assert.match(cloudflared.script, /signed-by=\/usr\/share\/keyrings\/cloudflare-main\.gpg\] https:\/\/pkg\.cloudflare\.com\/cloudflared any main/);
});

test("the recipe's checksum line accepts a matching archive and refuses a tampered one", (t) => {
  const sha256sum = requireTool(t, "sha256sum", "coreutils");
  if (!sha256sum) return;
  const dir = mkdtempSync(join(tmpdir(), "ingress-sha-"));
  try {
    const archive = join(dir, "traefik.tar.gz");
    writeFileSync(archive, "release bytes");
    const good = run(sha256sum, [archive]).stdout.split(" ")[0] ?? "";
    // The exact check line the recipe runs, against a local file instead of the download.
    const line = (recipes().traefik.script.split("\n").find((l) => l.includes("sha256sum --check")) ?? "").trim();
    assert.ok(line);
    const script = (sha: string): string => `set -euo pipefail\nsha256=${sha}\ntmp=${dir}\n${line}\n`;
    assert.equal(run("bash", ["-c", script(good)]).status, 0);
    writeFileSync(archive, "tampered bytes");
    assert.notEqual(run("bash", ["-c", script(good)]).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the Traefik and cloudflared units pass systemd-analyze verify without a warning", (t) => {
  const analyze = requireTool(t, "systemd-analyze", "systemd");
  if (!analyze) return;
  const model = modelOf();
  const dir = mkdtempSync(join(tmpdir(), "ingress-units-"));
  try {
    const units = {
      "traefik.service": renderTraefikUnit(byRole(model, "traefik").user),
      // With homelab:ingress.acme: the same unit, naming the DNS-01 token's file.
      "traefik-acme.service": renderTraefikUnit(byRole(model, "traefik").user, true),
      "cloudflared.service": renderCloudflaredUnit(byRole(model, "cloudflared").user, 2000),
    };
    for (const [name, text] of Object.entries(units)) {
      // The binaries exist only inside the containers; verify the unit against one that exists here.
      const local = text.replace(/^ExecStart=\S+/m, "ExecStart=/usr/bin/env");
      assert.notEqual(local, text);
      writeFileSync(join(dir, name), local);
    }
    const result = run(analyze, ["verify", ...Object.keys(units).map((n) => join(dir, n))]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.trim(), "", "no warning about any directive");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
