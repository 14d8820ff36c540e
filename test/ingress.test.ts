import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { cloudflaredRecipe, cloudflaredTokenFile } from "../components/tunnel-ingress/cloudflared-recipe";
import { CLOUDFLARED_PATHS, renderCloudflaredUnit } from "../components/tunnel-ingress/cloudflared-unit";
import { dnsComment } from "../components/tunnel-ingress";
import type { RecordedResource } from "../src/mock-runtime";
import { byName, dependencyNames, exampleConfig, modelOf, ofType, PLACEHOLDER_MARK, runProgram, validate, type RunResult } from "./harness";
import { at } from "./bad-inputs/types";

const T = {
  tunnel: "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared",
  config: "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
  dns: "cloudflare:index/dnsRecord:DnsRecord",
  app: "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication",
  policy: "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy",
  bytes: "random:index/randomBytes:RandomBytes",
} as const;

interface Rule {
  hostname?: string;
  service: string;
  originRequest?: { httpHostHeader?: string; access?: { required?: boolean; teamName?: string; audTags?: string[] } };
}

const rulesOf = (resources: readonly RecordedResource[]): Rule[] => {
  const [config] = ofType(resources, T.config);
  assert.ok(config, "one tunnel configuration");
  return (config.inputs.config as { ingresses: Rule[] }).ingresses;
};

const routesOf = (config = exampleConfig()) => modelOf(config).services.flatMap((s) => s.routes.map((r) => ({ service: s, route: r })));

/** Every string leaf of the inputs with its dotted path. */
function leaves(value: unknown, path = ""): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, path ? `${path}.${i}` : String(i)));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [];
}

/** The example homelab under mocks, run once for the tests that only read it. */
let exampleRun: Promise<RunResult> | undefined;
const example = (): Promise<RunResult> => (exampleRun ??= runProgram());

const underSecret = (r: RecordedResource, path: string): boolean => r.secretPaths.some((s) => path === s || path.startsWith(`${s}.`));

test("one proxied CNAME to the tunnel per public or protected route, none for lan routes", async () => {
  const config = exampleConfig();
  const { resources, outputs } = await example();
  const records = ofType(resources, T.dns);
  const published = routesOf(config).filter(({ route }) => route.exposure !== "lan");
  assert.deepEqual(records.map((r) => r.inputs.name).sort(), published.map(({ route }) => route.fqdn).sort());
  const tunnelId = outputs.tunnelId;
  for (const r of records) {
    assert.equal(r.inputs.type, "CNAME");
    assert.equal(r.inputs.content, `${tunnelId}.cfargotunnel.com`);
    assert.equal(r.inputs.proxied, true);
    assert.equal(r.inputs.ttl, 1);
    const route = published.find(({ route }) => route.fqdn === r.inputs.name)?.route;
    assert.equal(r.inputs.comment, dnsComment(route?.exposure ?? "lan"), "the comment states the route's exposure");
    assert.equal(r.inputs.zoneId, "fedcba9876543210fedcba9876543210");
    assert.equal(r.deleteBeforeReplace, true, "a replacement never collides with the record it replaces");
  }
  const lan = routesOf(config).filter(({ route }) => route.exposure === "lan").map(({ route }) => route.fqdn);
  assert.deepEqual(lan.sort(), ["syncthing.harmeetrai.com", "torrent.harmeetrai.com"]);
  assert.ok(records.every((r) => !lan.includes(r.inputs.name as string)));
});

test("the tunnel is remote-managed, in the configured account, with a 32-byte random secret", async () => {
  const { resources } = await example();
  const [tunnel] = ofType(resources, T.tunnel);
  assert.ok(tunnel);
  assert.equal(tunnel.inputs.configSrc, "cloudflare");
  assert.equal(tunnel.inputs.accountId, "0123456789abcdef0123456789abcdef");
  assert.equal(tunnel.inputs.name, "homelab");
  assert.ok(tunnel.secretPaths.includes("tunnelSecret"), "tunnelSecret arrives as a secret");
  assert.equal(tunnel.deleteBeforeReplace, true, "tunnel names are unique per account");
  const [bytes] = ofType(resources, T.bytes);
  assert.ok(bytes);
  assert.equal(bytes.inputs.length, 32);
  assert.ok(dependencyNames(tunnel).includes(bytes.name));
});

test("one tunnel rule per published hostname, each to Traefik keeping its Host header, and the 404 catch-all last", async () => {
  const config = exampleConfig();
  const { resources } = await example();
  const rules = rulesOf(resources);
  const traefikIp = modelOf(config).services.find((s) => s.role === "traefik")?.ip;
  const published = routesOf(config).filter(({ route }) => route.exposure !== "lan").map(({ route }) => route.fqdn);
  assert.deepEqual(rules.at(-1), { service: "http_status:404" });
  assert.equal(rules.filter((r) => r.hostname === undefined).length, 1, "only the catch-all matches every hostname");
  const named = rules.slice(0, -1);
  assert.deepEqual(named.map((r) => r.hostname).sort(), published.sort());
  assert.equal(new Set(named.map((r) => r.hostname)).size, named.length);
  for (const r of named) {
    assert.equal(r.service, `http://${traefikIp}:80`);
    assert.equal(r.originRequest?.httpHostHeader, r.hostname);
  }
  const [tunnelConfig] = ofType(resources, T.config);
  assert.ok(tunnelConfig && dependencyNames(tunnelConfig).includes("ingress-tunnel"));
});

test("each protected route gets its own Access application and allow policy, in place before its DNS record and tunnel rule", async () => {
  const config = exampleConfig();
  at(config, "homelab:ingress", "access").emailDomains = ["family.example.org"];
  const { resources } = await runProgram(config);
  const guarded = routesOf(config).filter(({ route }) => route.exposure === "protected");
  assert.deepEqual(
    guarded.map(({ route }) => route.subdomain).sort(),
    ["alertmanager", "grafana", "jellyfin", "n8n", "photos", "prometheus", "prowlarr", "radarr", "sonarr", "status", "traefik"],
    "admin interfaces default to protected, and public setup wizards are held behind Access",
  );
  const apps = ofType(resources, T.app);
  const policies = ofType(resources, T.policy);
  assert.equal(apps.length, guarded.length);
  assert.equal(policies.length, guarded.length);
  const [tunnelConfig] = ofType(resources, T.config);
  assert.ok(tunnelConfig);
  for (const { route } of guarded) {
    const app = byName(resources, `ingress-access-${route.subdomain}`);
    const policy = byName(resources, `ingress-access-policy-${route.subdomain}`);
    assert.equal(app.inputs.type, "self_hosted");
    assert.equal(app.inputs.domain, route.fqdn);
    assert.deepEqual(app.inputs.destinations, [{ type: "public", uri: route.fqdn }]);
    assert.equal(app.inputs.accountId, "0123456789abcdef0123456789abcdef");
    assert.equal(app.inputs.sessionDuration, "24h");
    assert.deepEqual(app.inputs.policies, [{ id: `${policy.name}-id`, precedence: 1 }]);
    assert.ok(dependencyNames(app).includes(policy.name));
    assert.equal(policy.inputs.decision, "allow");
    assert.deepEqual(policy.inputs.includes, [{ email: { email: "harmeet@harmeetrai.com" } }, { emailDomain: { domain: "family.example.org" } }]);
    assert.ok(dependencyNames(byName(resources, `ingress-dns-${route.subdomain}`)).includes(app.name), "DNS waits for Access");
    assert.ok(dependencyNames(tunnelConfig).includes(app.name), "the tunnel rule waits for Access");
  }
  const guardedNames = new Set(guarded.map(({ route }) => route.fqdn));
  assert.ok(apps.every((a) => guardedNames.has(a.inputs.domain as string)), "no Access app for a public or lan route");
});

test("cloudflared requires the Access token of its own application on every protected hostname, and on no other", async () => {
  const config = exampleConfig();
  const { resources } = await example();
  const rules = rulesOf(resources).slice(0, -1);
  const guarded = new Set(routesOf(config).filter(({ route }) => route.exposure === "protected").map(({ route }) => route.fqdn));
  assert.ok(guarded.size > 0);
  for (const rule of rules) {
    const access = rule.originRequest?.access;
    if (!guarded.has(rule.hostname ?? "")) {
      assert.equal(access, undefined, `${rule.hostname} is public: no origin check`);
      continue;
    }
    const app = ofType(resources, T.app).find((a) => a.inputs.domain === rule.hostname);
    assert.ok(app, `${rule.hostname} has an Access application`);
    assert.deepEqual(access, { required: true, teamName: "harmeetrai", audTags: [`aud-${app.name}`] }, `${rule.hostname} checks its own application's audience`);
  }
  assert.equal(rules.filter((r) => r.originRequest?.access).length, guarded.size);
});

test("a protected route without a Zero Trust team name is refused before anything is provisioned", () => {
  const config = exampleConfig();
  delete at(config, "homelab:ingress", "access").teamName;
  const result = validate(config);
  assert.equal(result.ok, false);
  const problem = result.ok ? undefined : result.problems.find((p) => p.path === "homelab:ingress.access.teamName");
  assert.ok(problem, "the problem names homelab:ingress.access.teamName");
  assert.match(problem.message, /grafana\.harmeetrai\.com/);
  assert.match(problem.message, /cloudflareaccess\.com/);
});

test("the tunnel secret and connector token never appear in a plain input", async () => {
  const { resources, session } = await example();
  const tokenInvoke = session.invokes.find((i) => i.token.endsWith("getZeroTrustTunnelCloudflaredToken"));
  assert.ok(tokenInvoke, "the connector token is read from Cloudflare");
  assert.deepEqual(tokenInvoke.inputs, { accountId: "0123456789abcdef0123456789abcdef", tunnelId: "ingress-tunnel-id" });
  const [tunnel] = ofType(resources, T.tunnel);
  const secretValue = tunnel?.inputs.tunnelSecret;
  assert.equal(typeof secretValue, "string");
  const secrets = [secretValue as string, "mock-connector-token", PLACEHOLDER_MARK];
  for (const r of resources) {
    for (const [path, value] of leaves(r.inputs)) {
      if (secrets.some((s) => value.includes(s))) assert.ok(underSecret(r, path), `${r.name}.${path} holds a secret in plain text`);
    }
  }
});

test("the connector token travels as a secret 0600 root-only env file, never in the script or the unit", async () => {
  const token = "eyJhIjoi-connector-token";
  const file = cloudflaredTokenFile(token);
  assert.equal(file.path, CLOUDFLARED_PATHS.tokenEnv);
  assert.equal(file.mode, "0600");
  assert.equal(file.owner, "root:root");
  assert.equal(file.secret, true);
  const content = pulumi.output(file.content);
  assert.equal(await pulumi.isSecret(content), true, "the content stays a Pulumi secret even from a plain input");
  assert.equal(await new Promise((resolve) => content.apply(resolve)), `TUNNEL_TOKEN=${token}\n`);
  const unit = renderCloudflaredUnit({ name: "cloudflared", uid: 1000, gid: 1000 }, 2000);
  const recipe = cloudflaredRecipe({ version: "2026.10.0", user: { name: "cloudflared", uid: 1000, gid: 1000 }, unit });
  assert.match(unit, /^ExecStart=\/usr\/bin\/cloudflared tunnel --no-autoupdate --metrics 0\.0\.0\.0:2000 run$/m);
  assert.match(unit, new RegExp(`^EnvironmentFile=${CLOUDFLARED_PATHS.tokenEnv}$`, "m"));
  assert.doesNotMatch(unit, /--token|TUNNEL_TOKEN/);
  assert.doesNotMatch(recipe.script, /--token|TUNNEL_TOKEN/);
  assert.ok(recipe.files.every((f) => f.path !== CLOUDFLARED_PATHS.tokenEnv), "the recipe carries no token");
});

test("the stack outputs the tunnel id and one https URL per published hostname", async () => {
  const config = exampleConfig();
  const { outputs } = await example();
  const tunnelId = outputs.tunnelId;
  assert.equal(tunnelId, "ingress-tunnel-id");
  const urls = outputs.urls as Record<string, string>;
  assert.equal(urls.photos, "https://photos.harmeetrai.com");
  assert.equal(urls.grafana, "https://grafana.harmeetrai.com");
  assert.equal(urls.torrent, undefined, "lan routes are not published");
  assert.equal(Object.keys(urls).length, routesOf(config).filter(({ route }) => route.exposure !== "lan").length);
});

test("adding a public service adds its DNS record and its tunnel rule, and no other Cloudflare resource", async () => {
  const before = await example();
  const config = exampleConfig();
  at(config, "homelab:services").wiki = { app: "uptime-kuma", vmId: 131, ip: "192.168.1.131", web: { exposure: "public" }, setupDone: true };
  const after = await runProgram(config);
  const cloudflareNames = (rs: readonly RecordedResource[]): Set<string> => new Set(rs.filter((r) => r.type.startsWith("cloudflare:index/")).map((r) => r.name));
  const added = [...cloudflareNames(after.resources)].filter((n) => !cloudflareNames(before.resources).has(n));
  assert.deepEqual(added, ["ingress-dns-wiki"]);
  const hostnames = (rs: readonly RecordedResource[]): string[] => rulesOf(rs).flatMap((r) => (r.hostname ? [r.hostname] : []));
  const newRules = hostnames(after.resources).filter((h) => !hostnames(before.resources).includes(h));
  assert.deepEqual(newRules, ["wiki.harmeetrai.com"]);
  assert.equal(rulesOf(after.resources).length, rulesOf(before.resources).length + 1);
});

test("turning a route to lan removes its DNS record, tunnel rule and Access application", async () => {
  const config = exampleConfig();
  at(config, "homelab:services", "grafana").web = { exposure: "lan" };
  const { resources } = await runProgram(config);
  assert.ok(!ofType(resources, T.dns).some((r) => r.inputs.name === "grafana.harmeetrai.com"));
  assert.ok(!rulesOf(resources).some((r) => r.hostname === "grafana.harmeetrai.com"));
  assert.ok(!ofType(resources, T.app).some((r) => r.inputs.domain === "grafana.harmeetrai.com"));
});
