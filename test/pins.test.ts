import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { Service } from "../config";
import { catalog } from "../config/catalog";
import { TRAEFIK_RELEASE_SHA256 } from "../config/schema/ingress";
import { appRecipe } from "../components/lxc-service/recipes";
import { hostPackagesCommand } from "../components/proxmox-host/host-packages";
import { dockerEngine, DOCKER_PINS } from "../components/lxc-service/recipes/docker-engine";
import { grafanaRecipeScript } from "../components/monitoring-stack/grafana-recipe";
import { prometheusRecipeScript } from "../components/monitoring-stack/prometheus-recipe";
import { pveExporterInstallScript } from "../components/monitoring-stack/pve-exporter";
import { cloudflaredRecipe } from "../components/tunnel-ingress/cloudflared-recipe";
import { traefikRecipe } from "../components/tunnel-ingress/traefik-recipe";
import { PGDG_KEY_FINGERPRINT } from "../components/shared-postgres/recipe";
import { describeUpstream, describeVerification, main } from "../src/pins";
import { checkPins, githubLatestUrl, httpFetchJson, summarize, type FetchJson } from "../src/pins/check";
import { collectPins, type Pin } from "../src/pins/registry";
import { exampleConfig, modelOf } from "./harness";
import { compareVersions, crossesMajor, globMatches, newestOnLine, parseVersion, sameLine } from "../src/pins/versions";

const ROOT = join(__dirname, "..");
const responses = JSON.parse(readFileSync(join(__dirname, "fixtures", "pins", "responses.json"), "utf8")) as Record<string, unknown>;

/** Answers from the recorded responses; a URL without one fails like a 404 would. */
const recorded: FetchJson = async (url) => {
  if (!(url in responses)) throw new Error(`${url}: HTTP 404 (no recorded response)`);
  return structuredClone(responses[url]);
};

const pins = collectPins();
const pin = (id: string): Pin => {
  const p = pins.find((x) => x.id === id);
  assert.ok(p, `no pin ${id}`);
  return p;
};

test("every pin has a unique id, a verification and an upstream source", () => {
  assert.equal(new Set(pins.map((p) => p.id)).size, pins.length);
  for (const p of pins) {
    const v = p.verification;
    if (v.kind === "checksum") assert.match(v.value, v.algorithm === "sha256" ? /^[0-9a-f]{64}$/ : /^[0-9a-f]{128}$/, p.id);
    if (v.kind === "fingerprint") assert.match(v.value, /^[0-9A-F]{40}$/, p.id);
    if (v.kind === "debian-archive") assert.ok(v.packages.length > 0 && v.suite !== "", p.id);
    assert.ok(describeVerification(v).length > 0 && describeUpstream(p.upstream).length > 0, p.id);
    const u = p.upstream;
    if (u.kind === "github-releases") assert.match(u.repo, /^[\w.-]+\/[\w.-]+$/, p.id);
    if (u.kind === "docker-hub") assert.match(u.repository, /^[\w.-]+\/[\w.-]+$/, p.id);
  }
});

test("each pin's line in its file holds its version", () => {
  for (const p of pins) {
    const line = readFileSync(join(ROOT, p.file), "utf8").split("\n")[p.line - 1] ?? "";
    assert.ok(line.includes(p.version), `${p.id}: ${p.file}:${p.line} is '${line.trim()}', not ${p.version}`);
  }
});

test("the pins are the code's own values: every catalog app, the Docker set, Traefik's checksum, PGDG's key", () => {
  for (const [app, spec] of Object.entries(catalog)) assert.equal(pin(`catalog.${app}`).version, spec.install.version, app);
  for (const [pkg, glob] of Object.entries(DOCKER_PINS)) assert.equal(pin(`debian.${pkg}`).version, glob, pkg);
  const traefik = pin("catalog.traefik");
  assert.deepEqual(traefik.verification, { kind: "checksum", algorithm: "sha256", value: TRAEFIK_RELEASE_SHA256[traefik.version] });
  assert.deepEqual(pin("postgres.pgdg-key").verification, { kind: "fingerprint", value: PGDG_KEY_FINGERPRINT });
  // Debian's own packages are verified by the signed archive, not by something the code pins.
  for (const [app, spec] of Object.entries(catalog)) {
    if (spec.install.method === "debian") assert.equal(pin(`catalog.${app}`).verification.kind, "debian-archive", app);
  }
});

test("versions compare by their numbers, with v prefixes, four parts and image-tag variants", () => {
  assert.deepEqual(parseVersion("v3.7.12"), { parts: [3, 7, 12], suffix: "" });
  assert.deepEqual(parseVersion("31.0.6-apache"), { parts: [31, 0, 6], suffix: "-apache" });
  assert.deepEqual(parseVersion("n8n@1.97.1"), { parts: [1, 97, 1], suffix: "" });
  assert.equal(compareVersions("v3.7.13", "v3.7.12"), 1);
  assert.equal(compareVersions("3.7.12", "v3.7.12"), 0);
  assert.equal(compareVersions("3.10.0", "3.9.9"), 1, "numbers, not strings");
  assert.equal(compareVersions("4.0.15.2941", "4.0.15.10000"), -1, "the fourth part counts");
  assert.equal(compareVersions("1.2", "1.2.0"), 0);
  assert.equal(compareVersions("latest", "1.0.0"), undefined);
  assert.ok(sameLine("31.0.6-apache", "32.0.1-apache"));
  for (const other of ["32.0.1-fpm", "32-apache", "33.0.0rc1-apache", "latest", "32.0.1"]) assert.ok(!sameLine("31.0.6-apache", other), other);
  assert.ok(!sameLine("1.97.1", "2.1.0-beta.2"), "a pre-release is not a release");
  assert.equal(newestOnLine("31.0.6-apache", ["32.0-apache", "31.0.12-apache", "32.0.1-apache", "33.0.0rc1-apache"]), "32.0.1-apache");
  assert.equal(newestOnLine("1.2.3", ["latest", "next"]), undefined);
  assert.ok(crossesMajor("1.34.1", "2.0.0") && !crossesMajor("v3.7.12", "v3.7.13"));
});

test("a Debian glob matches exactly what the recipes' check_version accepts in bash", () => {
  const cases: [string, string][] = [
    ["2.53.*", "2.53.3+ds1-2"],
    ["2.53.*", "2.54.0+ds1-1"],
    ["2.53.*", "2.530.1-1"],
    ["2.53.*", "1:2.53.3-1"],
    ["26.1.*", "26.1.5+dfsg1-9+deb13u1+b1"],
    ["1.29.*", "1.29.5~ds1-2"],
    ["1.1.*", "1.10.0-1"],
    ["17.*", "17.12-0+deb13u1"],
    ["5.1.?-2", "5.1.0-2"],
    ["5.1.[0-2]-*", "5.1.3-1"],
  ];
  for (const [glob, version] of cases) {
    // The same test as CHECK_VERSION_FUNCTION: the epoch is stripped, the pin is an unquoted glob.
    const bash = spawnSync("bash", ["-c", 'have="$1"; [[ "${have#*:}" == $2 ]]', "check", version, glob]);
    assert.equal(globMatches(glob, version), bash.status === 0, `${glob} vs ${version}`);
  }
});

test("--check against recorded responses gives every pin a status and no errors", async () => {
  const results = await checkPins(pins, recorded);
  assert.deepEqual(results.map((r) => r.id), pins.map((p) => p.id));
  assert.deepEqual(results.filter((r) => r.status === "error"), []);
  for (const r of results) {
    const p = pin(r.id);
    if (p.upstream.kind === "manual") assert.equal(r.status, "unchecked", r.id);
    else assert.ok(r.latest !== undefined, `${r.id} has no latest`);
    if (r.status === "behind" && p.upstream.kind !== "debian") assert.equal(compareVersions(r.latest ?? "", r.version), 1, r.id);
    if (r.status === "current" && p.upstream.kind === "debian") assert.ok(globMatches(/[*?[]/.test(r.version) ? r.version : `${r.version}.*`, r.latest ?? ""), r.id);
  }
});

const probe = (over: Partial<Pin> & Pick<Pin, "version" | "upstream">): Pin => ({
  id: "probe",
  file: "config/catalog.ts",
  line: 1,
  verification: { kind: "tls-only", what: "test" },
  ...over,
});

test("a recorded newer release is reported as behind, and the recorded one itself as current", async () => {
  const traefik = { kind: "github-releases", repo: "traefik/traefik" } as const;
  const recordedTag = (responses[githubLatestUrl(traefik.repo)] as { tag_name: string }).tag_name;
  const [older, same] = await checkPins([probe({ version: "v3.7.12", upstream: traefik }), probe({ version: recordedTag, upstream: traefik })], recorded);
  assert.equal(recordedTag, "v3.7.13");
  assert.equal(older?.status, "behind");
  assert.equal(older?.latest, "v3.7.13");
  assert.equal(same?.status, "current");

  const [sonarr, nextcloud, n8n, kuma] = await checkPins(
    [
      probe({ version: "4.0.15.2941", upstream: { kind: "github-releases", repo: "Sonarr/Sonarr" } }),
      probe({ version: "31.0.6-apache", upstream: { kind: "docker-hub", repository: "library/nextcloud" } }),
      probe({ version: "1.97.1", upstream: { kind: "docker-hub", repository: "n8nio/n8n" } }),
      probe({ version: "1.23.16", upstream: { kind: "docker-hub", repository: "louislam/uptime-kuma" } }),
    ],
    recorded,
  );
  assert.deepEqual([sonarr?.status, sonarr?.latest], ["behind", "v4.0.19.2979"]);
  // 32.0.1-apache is on the second page of tags: the check follows `next`.
  assert.deepEqual([nextcloud?.status, nextcloud?.latest], ["behind", "32.0.1-apache"]);
  assert.match(nextcloud?.detail ?? "", /new major/);
  assert.deepEqual([n8n?.status, n8n?.latest], ["behind", "2.0.3"], "the beta tag is not taken");
  assert.deepEqual([kuma?.status, kuma?.latest], ["behind", "2.0.2"]);
});

test("a Debian glob is current while the release's version matches it, and behind once it does not", async () => {
  const prometheus = { kind: "debian", source: "prometheus", suite: "trixie" } as const;
  const [inside, outside, gone] = await checkPins(
    [probe({ version: "2.53.*", upstream: prometheus }), probe({ version: "2.52.*", upstream: prometheus }), probe({ version: "15", upstream: { kind: "debian", source: "postgresql-15", suite: "trixie" } })],
    recorded,
  );
  // sid's 2.53.5 is not trixie's: the release the recipes install from is what counts.
  assert.deepEqual([inside?.status, inside?.latest], ["current", "2.53.3+ds1-2"]);
  assert.equal(outside?.status, "behind");
  assert.match(outside?.detail ?? "", /outside 2\.52\.\*/);
  assert.equal(gone?.status, "behind");
  assert.match(gone?.detail ?? "", /no longer has postgresql-15/);
});

test("the command exits 0 when pins are behind and 1 only when a check failed, with a summary", async () => {
  let out = "";
  assert.equal(await main(["--check"], recorded, (t) => (out += t)), 0);
  const counts = summarize(await checkPins(pins, recorded));
  assert.ok(counts.behind > 0, "the recorded responses hold newer releases");
  assert.ok(out.includes(`${pins.length} pins: ${counts.current} current, ${counts.behind} behind, ${counts.unchecked} not checkable online, 0 errors`), out);

  const failing: FetchJson = async (url) => {
    if (url.startsWith("https://pypi.org/")) throw new Error(`${url}: HTTP 503`);
    return recorded(url);
  };
  let failed = "";
  assert.equal(await main(["--check", "--json"], failing, (t) => (failed += t)), 1);
  const report = JSON.parse(failed) as { results: { id: string; status: string; detail: string }[]; summary: { error: number } };
  assert.equal(report.summary.error, 1);
  const error = report.results.find((r) => r.status === "error");
  assert.equal(error?.id, "monitoring.pve-exporter");
  assert.match(error?.detail ?? "", /HTTP 503/);
});

test("npm run pins -- --json lists the same pins the table shows", async () => {
  let json = "";
  let text = "";
  assert.equal(await main(["--json"], recorded, (t) => (json += t)), 0);
  assert.equal(await main([], recorded, (t) => (text += t)), 0);
  const listed = (JSON.parse(json) as { pins: Pin[] }).pins;
  assert.deepEqual(listed, pins);
  for (const p of listed) assert.match(text, new RegExp(`^${p.id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+${p.version.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s`, "m"));
  await assert.rejects(main(["--frobnicate"], recorded, () => undefined), /unknown argument '--frobnicate'/);
});

/** Every install script the report's catalog and Debian pins stand for, rendered from the example stack. */
function installScripts(): Map<string, string> {
  const model = modelOf(exampleConfig());
  const scripts = new Map<string, string>();
  for (const s of model.services) {
    // A claimed app's recipe takes the admin LxcService generates; its value plays no part in the pins.
    const admin = s.firstBoot === "claimed" ? { admin: { user: "admin", password: pulumi.secret("generated-at-converge") } } : {};
    const recipe = appRecipe(s, { lanCidr: model.network.cidrText, ...admin });
    // The compose file travels beside the script: what it pins counts too.
    if (recipe) scripts.set(`catalog.${s.app}`, [recipe.script, ...recipe.files.map((f) => (typeof f.content === "string" ? f.content : ""))].join("\n"));
  }
  const byRole = (role: string): Service => {
    const s = model.services.find((x) => x.role === role);
    assert.ok(s, role);
    return s;
  };
  const traefik = byRole("traefik");
  const sha = TRAEFIK_RELEASE_SHA256[traefik.install.version] ?? "";
  scripts.set("catalog.traefik", traefikRecipe({ version: traefik.install.version, sha256: sha, user: traefik.user, unit: "" }).script);
  const cloudflared = byRole("cloudflared");
  scripts.set("catalog.cloudflared", cloudflaredRecipe({ version: cloudflared.install.version, user: cloudflared.user, unit: "" }).script);
  scripts.set("catalog.grafana", grafanaRecipeScript(byRole("grafana")));
  const prometheus = prometheusRecipeScript(byRole("prometheus"));
  scripts.set("catalog.prometheus", prometheus);
  scripts.set("debian.prometheus-alertmanager", prometheus);
  scripts.set("debian.prometheus-blackbox-exporter", prometheus);
  for (const pkg of Object.keys(DOCKER_PINS)) scripts.set(`debian.${pkg}`, dockerEngine());
  scripts.set("monitoring.pve-exporter", pveExporterInstallScript());
  return scripts;
}

test("the verification each pin reports is what its install script does", () => {
  const scripts = installScripts();
  for (const [id, script] of scripts) {
    const p = pin(id);
    const v = p.verification;
    // A pinned signing key is checked with gpg before it is trusted; the report must say so, or not.
    assert.equal(/gpg --show-keys/.test(script), v.kind === "fingerprint", `${id}: fingerprint check in the script vs '${v.kind}' in the report`);
    assert.equal(/sha(256|512)sum --check/.test(script), v.kind === "checksum", `${id}: checksum check in the script vs '${v.kind}' in the report`);
    if (v.kind === "checksum") assert.ok(script.includes(v.value), id);
    if (v.kind === "fingerprint") assert.ok(script.includes(`'^fpr:::::::::${v.value}:'`), `${id} checks the key for fingerprint ${v.value}`);
    if (v.kind === "debian-archive" && /[*?[]/.test(p.version)) {
      for (const pkg of v.packages) assert.match(script, new RegExp(`check_version ${pkg.replace(/\./g, "\\.")} '${p.version.replace(/[.*]/g, "\\$&")}'`), id);
    }
    if (v.kind === "tls-only") assert.doesNotMatch(script, /@sha256:|--require-hashes|--hash=/, `${id} pins more than the report says`);
    if (v.kind === "tls-only" && p.upstream.kind === "docker-hub") assert.ok(script.includes(`:${p.version}`), `${id}: the compose file runs tag ${p.version}`);
  }
  // Every catalog app's install was looked at (postgres has its own component, checked by the majors above).
  for (const app of Object.keys(catalog).filter((a) => a !== "postgres")) assert.ok(scripts.has(`catalog.${app}`), app);
});

test("no pin is left out: every Debian glob and image tag the install scripts use is a listed pin", () => {
  const scripts = [...installScripts().values(), hostPackagesCommand(["restic", "sqlite3", "prometheus-node-exporter"], "no-subscription")];
  const versions = new Set(pins.map((p) => p.version));
  let globs = 0;
  let images = 0;
  for (const script of scripts) {
    for (const m of script.matchAll(/check_version ([a-z0-9.+-]+) '([^']+)'/g)) {
      globs++;
      const debian = pins.some((p) => p.version === m[2] && p.verification.kind === "debian-archive" && p.verification.packages.includes(m[1] ?? ""));
      // A vendor repository's release line with its point releases (Jellyfin's `12.1[.+]*`): the listed pin is the line.
      const vendorLine = pins.some((p) => m[2] === `${p.version}[.+]*` && p.id === `catalog.${(m[1] ?? "").split("-")[0]}`);
      assert.ok(debian || vendorLine, `${m[1]} ${m[2]} is pinned but not listed`);
    }
    for (const m of script.matchAll(/image: "?([a-z0-9.\/-]+):([A-Za-z0-9._-]+)"?/g)) {
      images++;
      assert.ok(versions.has(m[2] ?? ""), `image ${m[1]}:${m[2]} is pinned but not listed`);
    }
  }
  assert.ok(globs >= Object.keys(DOCKER_PINS).length && images >= 5, `found ${globs} globs and ${images} images`);
});

test("the real client returns the parsed body, and names the URL with the status or the cause when it fails", async () => {
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers["user-agent"]);
    if (req.url === "/ok") res.writeHead(200, { "Content-Type": "application/json" }).end('{"info":{"version":"3.10.0"}}');
    else res.writeHead(404, { "Content-Type": "application/json" }).end('{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const fetchJson = httpFetchJson({});
    assert.deepEqual(await fetchJson(`http://127.0.0.1:${port}/ok`), { info: { version: "3.10.0" } });
    await assert.rejects(fetchJson(`http://127.0.0.1:${port}/missing`), new RegExp(`^Error: http://127\\.0\\.0\\.1:${port}/missing: HTTP 404$`));
    assert.deepEqual(seen, ["homelab-pins-check", "homelab-pins-check"], "GitHub refuses requests without a User-Agent");
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  // A port that was free a moment ago and has no listener now.
  const probeServer = createServer();
  await new Promise<void>((resolve) => probeServer.listen(0, "127.0.0.1", resolve));
  const closedPort = (probeServer.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probeServer.close(() => resolve()));
  await assert.rejects(httpFetchJson({})(`http://127.0.0.1:${closedPort}/gone`), /^Error: http:\/\/127\.0\.0\.1:\d+\/gone: .*ECONNREFUSED/);
});
