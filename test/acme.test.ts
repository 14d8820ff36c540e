import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { firewallMatrix } from "../components/firewall/matrix";
import { renderTraefikConfig } from "../components/tunnel-ingress/traefik-config";
import { renderTraefikUnit } from "../components/tunnel-ingress/traefik-unit";
import { dnsChallengePermissionIds, ZONE_SCOPE } from "../components/tunnel-ingress/dns-token";
import { componentReports } from "../src/reports";
import { ingressRoutes } from "../components/tunnel-ingress/routes";
import { at } from "./bad-inputs/types";
import { byName, exampleConfig, modelOf, ofType, runProgram } from "./harness";

type Obj = Record<string, unknown>;

/** The example as it is, with homelab:ingress.acme. */
const withAcme = (): Obj => exampleConfig();
/** The example without TLS on the LAN. */
const withoutAcme = (): Obj => {
  const config = exampleConfig();
  delete at(config, "homelab:ingress").acme;
  return config;
};

test("the DNS-01 token may edit DNS and read the zone, on the homelab's zone only, and its value is a secret", async () => {
  const { resources, session } = await runProgram(withAcme());
  const tokens = ofType(resources, "cloudflare:index/apiToken:ApiToken");
  assert.equal(tokens.length, 1);
  const token = tokens[0] ?? assert.fail();
  assert.deepEqual(token.inputs.policies, [
    {
      effect: "allow",
      permissionGroups: [{ id: "mock-permission-group-dns-write-zone" }, { id: "mock-permission-group-zone-read-zone" }],
      resources: JSON.stringify({ "com.cloudflare.api.account.zone.fedcba9876543210fedcba9876543210": "*" }),
    },
  ]);
  assert.ok(token.additionalSecretOutputs.includes("value"));
  // The ids come from Cloudflare's list of zone groups, asked for by scope only, never hard-coded.
  const lookups = session.invokes.filter((i) => i.token === "cloudflare:index/getApiTokenPermissionGroupsList:getApiTokenPermissionGroupsList");
  assert.deepEqual(lookups.map((i) => i.inputs), [{ scope: "com.cloudflare.api.account.zone" }]);
});

test("the token's permission groups are picked by exact name and zone scope, and a missing or doubled group stops the plan", () => {
  const group = (id: string, name: string, scope = ZONE_SCOPE) => ({ id, name, scopes: [scope] });
  const listed = [
    group("dns-read", "DNS Read"),
    group("dns-write-account", "DNS Write", "com.cloudflare.api.account"),
    group("dns-write", "DNS Write"),
    group("zone-read", "Zone Read"),
    group("zone-read-only", "Zone Read Only"),
  ];
  assert.deepEqual(dnsChallengePermissionIds(listed), [{ id: "dns-write" }, { id: "zone-read" }]);
  assert.throws(() => dnsChallengePermissionIds(listed.filter((g) => g.id !== "zone-read")), /no zone permission group named 'Zone Read'.*homelab:ingress\.acme/);
  assert.throws(() => dnsChallengePermissionIds([...listed, group("dns-write-2", "DNS Write")]), /2 zone permission groups named 'DNS Write'/);
});

test("the token reaches Traefik as a 0600 file of its user, through stdin with logging off; the unit names only the path", async () => {
  const { resources } = await runProgram(withAcme());
  const steps = resources.filter((r) => r.name.startsWith("traefik-secret-"));
  const step = steps.find((r) => String(r.inputs.create).includes("/etc/traefik/cloudflare-dns-token")) ?? assert.fail(`no secret step writes the token: ${steps.map((s) => s.name).join(", ")}`);
  assert.equal(step.inputs.stdin, "mock-api-token-ingress-acme-dns");
  assert.ok(step.secretPaths.includes("stdin"), "the token is a secret input");
  assert.equal(step.inputs.logging, "none");
  assert.match(String(step.inputs.create), /0600/);
  assert.match(String(step.inputs.create), /traefik:traefik/);
  assert.doesNotMatch(String(step.inputs.create), /mock-api-token/, "never on the command line");
  const model = modelOf(withAcme());
  const traefik = model.services.find((s) => s.name === "traefik") ?? assert.fail();
  const unit = renderTraefikUnit(traefik.user, true);
  assert.match(unit, /^Environment=CF_DNS_API_TOKEN_FILE=\/etc\/traefik\/cloudflare-dns-token$/m);
  assert.doesNotMatch(renderTraefikUnit(traefik.user), /CF_DNS_API_TOKEN/);
  // A new token restarts Traefik (lego reads the file when it starts), and its state directory is its own.
  const provision = String(byName(resources, "traefik-provision").inputs.stdin);
  assert.match(provision, /\/etc\/traefik\/cloudflare-dns-token/);
  assert.match(provision, /^install -d -m 0700 -o 'traefik' -g 'traefik' '\/var\/lib\/traefik'$/m);
});

test("Traefik gets a websecure entrypoint and a Let's Encrypt resolver answering DNS-01 through Cloudflare; staging switches the CA", () => {
  const render = (config: Obj) => {
    const model = modelOf(config);
    const byName_ = (n: string) => model.services.find((s) => s.name === n) ?? assert.fail(n);
    const ingress = model.ingress ?? assert.fail();
    return renderTraefikConfig({
      services: model.services,
      traefik: byName_("traefik"),
      cloudflared: byName_("cloudflared"),
      network: model.network,
      ...(ingress.acme ? { acme: { ...ingress.acme, domain: model.domain } } : {}),
    });
  };
  const staticConfig = parse(render(withAcme()).staticConfig) as { entryPoints: Record<string, { address: string }>; certificatesResolvers: Record<string, { acme: Obj }> };
  assert.equal(staticConfig.entryPoints.websecure?.address, ":443");
  assert.deepEqual(staticConfig.certificatesResolvers, {
    letsencrypt: {
      acme: { email: "harmeet@harmeetrai.com", storage: "/var/lib/traefik/acme.json", caServer: "https://acme-v02.api.letsencrypt.org/directory", dnsChallenge: { provider: "cloudflare" } },
    },
  });
  const staging = withAcme();
  at(staging, "homelab:ingress", "acme").staging = true;
  const stagingStatic = parse(render(staging).staticConfig) as { certificatesResolvers: { letsencrypt: { acme: { caServer: string } } } };
  assert.equal(stagingStatic.certificatesResolvers.letsencrypt.acme.caServer, "https://acme-staging-v02.api.letsencrypt.org/directory");
  const plain = parse(render(withoutAcme()).staticConfig) as Obj & { entryPoints: Obj };
  assert.equal(plain.certificatesResolvers, undefined);
  assert.equal(plain.entryPoints.websecure, undefined);
});

test("every hostname, lan ones included, gets a websecure router with the resolver and the wildcard; the web routers stay as they were", () => {
  const model = modelOf(withAcme());
  const svc = (n: string) => model.services.find((s) => s.name === n) ?? assert.fail(n);
  const input = { services: model.services, traefik: svc("traefik"), cloudflared: svc("cloudflared"), network: model.network };
  type Routers = Record<string, { rule: string; entryPoints: string[]; service: string; middlewares: string[]; tls?: { certResolver: string; domains: { main: string; sans: string[] }[] } }>;
  const dynamic = parse(renderTraefikConfig({ ...input, acme: { email: "harmeet@harmeetrai.com", staging: false, domain: model.domain } }).dynamicConfig) as { http: { routers: Routers; middlewares: Obj } };
  const tls = dynamic.http.routers;
  const middlewares = dynamic.http.middlewares;
  const plain = (parse(renderTraefikConfig(input).dynamicConfig) as { http: { routers: Routers } }).http.routers;
  const routes = ingressRoutes(model.services);
  assert.ok(routes.some((r) => r.exposure === "lan") && routes.some((r) => r.exposure === "protected"));
  for (const r of routes) {
    assert.deepEqual(tls[r.subdomain], plain[r.subdomain], `${r.subdomain} on web is unchanged`);
    const twin = tls[`${r.subdomain}_tls`] ?? assert.fail(`no websecure router for ${r.fqdn}`);
    assert.equal(twin.rule, `Host(\`${r.fqdn}\`)`);
    assert.deepEqual(twin.entryPoints, ["websecure"]);
    assert.equal(twin.service, plain[r.subdomain]?.service);
    // Only the LAN reaches websecure: a protected hostname is not served around Access to anyone else.
    assert.ok(twin.middlewares.includes("lan-only"), `${r.subdomain}: ${twin.middlewares.join(", ")}`);
    for (const m of twin.middlewares) assert.ok(m in middlewares, `${r.subdomain}_tls: middleware ${m} is declared`);
    assert.deepEqual(twin.tls, { certResolver: "letsencrypt", domains: [{ main: "*.harmeetrai.com", sans: ["harmeetrai.com"] }] });
  }
  assert.equal(Object.keys(plain).filter((k) => k.endsWith("_tls")).length, 0);
});

test("the admin networks may reach Traefik on 443, and only with acme", () => {
  const flows = (config: Obj) => firewallMatrix(modelOf(config)).guests.find((g) => g.service === "traefik")?.flows ?? [];
  const tls = flows(withAcme()).filter((f) => f.port === 443);
  assert.deepEqual(tls.map((f) => [f.from.name, f.from.addresses, f.proto]), [["admin networks", ["192.168.1.0/24"], "tcp"]]);
  assert.match(tls[0]?.why ?? "", /^TLS for \d+ hostnames on the LAN/);
  assert.equal(flows(withoutAcme()).filter((f) => f.port === 443).length, 0);
});

test("the plan shows the resolver, its CA and every hostname it certifies, lan ones included, and nothing without acme", () => {
  const tlsSection = (config: Obj) => componentReports(modelOf(config)).find((s) => s.title === "TLS on the LAN (ACME)");
  const model = modelOf(withAcme());
  const section = tlsSection(withAcme()) ?? assert.fail("no TLS section in the plan");
  const text = section.lines.join("\n");
  assert.match(text, /letsencrypt\s+Let's Encrypt\s+\*\.harmeetrai\.com, harmeetrai\.com\s+DNS-01 through Cloudflare\s+DNS Write \+ Zone Read on zone fedcba9876543210fedcba9876543210 only/);
  const routes = ingressRoutes(model.services);
  const lan = routes.filter((r) => r.exposure === "lan");
  assert.ok(lan.length > 0, "the example has lan routes");
  for (const r of routes) assert.ok(text.includes(r.fqdn), `${r.fqdn} is listed`);
  assert.match(text, new RegExp(`^${routes.length} hostnames on https://<hostname> at 192\\.168\\.1\\.\\d+:443 for the admin networks: `, "m"));
  assert.match(text, /account harmeet@harmeetrai\.com; certificates kept in \/var\/lib\/traefik\/acme\.json \(0600\)/);
  const staging = withAcme();
  at(staging, "homelab:ingress", "acme").staging = true;
  assert.match(tlsSection(staging)?.lines.join("\n") ?? "", /Let's Encrypt staging \(untrusted\)/);
  assert.equal(tlsSection(withoutAcme()), undefined);
});

test("without acme there is no token and no token file", async () => {
  const { resources, session } = await runProgram(withoutAcme());
  assert.equal(ofType(resources, "cloudflare:index/apiToken:ApiToken").length, 0);
  assert.ok(!resources.some((r) => String(r.inputs.create ?? "").includes("cloudflare-dns-token")));
  assert.equal(session.invokes.filter((i) => i.token.includes("getApiTokenPermissionGroupsList")).length, 0);
});
