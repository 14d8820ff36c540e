import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { budgets, catalog, loadHomelab, SECRET_KEYS } from "../config";
import { codePointOrder } from "../config/order";
import { appSpecSchema } from "../config/schema";
import { exampleConfig, modelOf, ROOT, validate } from "./harness";

test("every catalog app is a complete, valid app spec", () => {
  for (const [name, spec] of Object.entries(catalog)) {
    const result = appSpecSchema.safeParse(spec);
    assert.ok(result.success, `${name}: ${result.success ? "" : result.error.message}`);
  }
});

test("a service entry gets its catalog defaults and overrides only what it names", () => {
  const config = exampleConfig();
  (config["homelab:services"] as Record<string, Record<string, unknown>>).n8n!.memoryMiB = 1536;
  const n8n = modelOf(config).services.find((s) => s.name === "n8n");
  assert.ok(n8n);
  assert.equal(n8n.memoryMiB, 1536, "override wins");
  assert.equal(n8n.cores, catalog.n8n?.cores, "default kept");
  assert.deepEqual(n8n.database, { name: "n8n", user: "n8n", pool: 10, extensions: ["uuid-ossp"] });
  assert.equal(n8n.routes[0]?.fqdn, "n8n.harmeetrai.com");
});

test("a nested override merges into the catalog's object instead of replacing it", () => {
  const config = exampleConfig();
  (config["homelab:services"] as Record<string, Record<string, unknown>>).immich!.datasets = { library: { quotaGiB: 8000 } };
  const model = modelOf(config);
  const library = model.datasets.find((d) => d.name === "immich-library");
  assert.equal(library?.quotaGiB, 8000);
  assert.equal(library?.tier, "raid", "tier still from the catalog");
  assert.equal(library?.hostPath, "/mnt/raid/apps/immich/library");
});

test("database: false keeps an app off the shared Postgres", () => {
  const config = exampleConfig();
  (config["homelab:services"] as Record<string, Record<string, unknown>>).vaultwarden!.database = false;
  assert.equal(modelOf(config).services.find((s) => s.name === "vaultwarden")?.database, undefined);
});

test("an app outside the catalog can be described in full", () => {
  const config = exampleConfig();
  (config["homelab:services"] as Record<string, unknown>).homebox = {
    vmId: 140,
    ip: "192.168.1.140",
    cores: 1,
    memoryMiB: 256,
    diskGiB: 4,
    user: { name: "homebox", uid: 1000, gid: 1000 },
    datasets: { data: { tier: "nvme", path: "/data", quotaGiB: 2, content: "state" } },
    web: { port: 7745, healthPath: "/api/v1/status", exposure: "protected" },
    statePaths: ["/data"],
    install: { method: "script", file: "test/fixtures/apps/demo/install.sh" },
  };
  const homebox = modelOf(config).services.find((s) => s.name === "homebox");
  assert.equal(homebox?.app, "homebox");
  assert.equal(homebox?.mounts[0]?.hostPath, "/mnt/nvme/apps/homebox/data");
  assert.equal(homebox?.unprivileged, true);
  assert.equal(homebox?.install.source?.kind, "script");
});

test("every problem is reported at once, each naming its config path", () => {
  const config = exampleConfig();
  const services = config["homelab:services"] as Record<string, Record<string, unknown>>;
  services.traefik!.vmId = 110;
  services.syncthing!.ip = "10.0.0.5";
  services.immich!.hostname = "Bad_Name";
  (config["homelab:backup"] as Record<string, unknown>).bucket = "x";
  const result = validate(config, ["homelab:resticPassword"]);
  assert.equal(result.ok, false);
  if (result.ok) return;
  const paths = result.problems.map((p) => p.path);
  for (const expected of [
    "homelab:services.traefik.vmId",
    "homelab:services.syncthing.ip",
    "homelab:services.immich.hostname",
    "homelab:backup.bucket",
    "homelab:resticPassword",
  ]) {
    assert.ok(paths.includes(expected), `missing ${expected} in ${paths.join(", ")}`);
  }
});

test("problems of one section do not hide those of another", () => {
  const result = loadHomelab({ homelab: { domain: "Not A Domain", network: { cidr: "x" } }, presentSecrets: new Set() });
  assert.equal(result.ok, false);
  if (result.ok) return;
  const paths = new Set(result.problems.map((p) => p.path));
  for (const p of ["homelab:domain", "homelab:proxmox", "homelab:network.gateway", "homelab:storage", "homelab:services"]) assert.ok(paths.has(p), p);
});

test("the model is frozen, so no component can change what another reads", () => {
  const model = modelOf();
  assert.ok(Object.isFrozen(model));
  assert.ok(Object.isFrozen(model.services[0]));
  assert.throws(() => {
    (model.services as unknown as unknown[]).push({});
  });
});

test("the example homelab is the architecture's: 32 GB host, 1 TB NVMe, 48 TB RAID, 15+ services that fit", () => {
  const model = modelOf();
  assert.equal(model.domain, "harmeetrai.com");
  assert.equal(model.proxmox.ramMiB, 32768);
  assert.ok((model.tiers.nvme?.capacityGiB ?? 0) >= 900 && (model.tiers.nvme?.capacityGiB ?? 0) <= 1024);
  assert.ok((model.tiers.raid?.capacityGiB ?? 0) >= 40000 && (model.tiers.raid?.capacityGiB ?? 0) <= 48 * 1024);
  assert.ok(model.services.length >= 15);
  const apps = new Set(model.services.map((s) => s.app));
  for (const app of ["immich", "nextcloud", "n8n", "vaultwarden", "postgres", "traefik", "cloudflared", "prometheus", "grafana"]) assert.ok(apps.has(app), app);
  assert.ok(model.services.some((s) => s.routes.some((r) => r.subdomain === "alertmanager")), "alertmanager is served");
  const media = model.services.find((s) => s.app === "jellyfin");
  assert.ok(media?.mounts.some((m) => m.tier === "raid" && m.readOnly), "the media server reads media from RAID");
  const downloader = model.services.find((s) => s.app === "qbittorrent");
  assert.ok(downloader?.mounts.some((m) => m.tier === "nvme" && !m.readOnly && m.dataset === "downloads"), "the download client writes to NVMe");
  const b = budgets(model);
  assert.ok(b.ram.headroomMiB >= 0, "containers fit the host's RAM after its reserve");
  assert.ok(b.tiers.every((t) => t.headroomGiB >= 0), "datasets fit their tiers");
});

test("the stack file holds no secret values", () => {
  const text = readFileSync(join(ROOT, "Pulumi.homelab.yaml"), "utf8");
  const config = exampleConfig();
  for (const key of SECRET_KEYS) assert.equal(config[key], undefined, `${key} is in the stack file`);
  assert.doesNotMatch(text, /\bsecure:|\bpassword:|\bapiToken:|BEGIN [A-Z ]*PRIVATE KEY/);
});

test("unprivileged containers' datasets are owned by the shifted ids on the host", () => {
  const model = modelOf();
  for (const d of model.datasets) {
    assert.equal(d.hostUid, d.uid + 100000, d.name);
    assert.equal(d.hostGid, d.gid + 100000, d.name);
  }
});

test("the committed JSON Schema of the stack file is the one the zod schema generates", async () => {
  const { stackJsonSchema } = await import("../src/schema");
  const committed = JSON.parse(readFileSync(join(ROOT, "config/stack.schema.json"), "utf8")) as unknown;
  assert.deepEqual(committed, JSON.parse(JSON.stringify(stackJsonSchema())), "run `npm run schema` and commit the result");
  const config = (committed as { properties: { config: { properties: Record<string, unknown> } } }).properties.config.properties;
  for (const key of Object.keys(exampleConfig())) assert.ok(key in config, `${key} is not in the schema`);
});

test("rendering orders by code point, never by the machine's locale", () => {
  // "a-b" before "a_b" and "Z" before "a" by code point; a locale collation puts them the other way round.
  assert.deepEqual(["a_b", "a-b", "a", "Z"].sort(codePointOrder), ["Z", "a", "a-b", "a_b"]);
  const found = spawnSync("git", ["grep", "-l", "localeCompare(", "--", "components", "config", "src"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(found.stdout.trim(), "", "no renderer sorts with localeCompare");
});
