import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import type { Homelab } from "../config";
import { renderTraefikConfig } from "../components/tunnel-ingress/traefik-config";
import { TRAEFIK_PATHS } from "../components/tunnel-ingress/traefik-paths";
import { DASHBOARD_LAN_ROUTER, MIDDLEWARES } from "../components/tunnel-ingress/traefik-routes";
import type { RecordedResource } from "../src/mock-runtime";
import { at } from "./bad-inputs/types";
import { exampleConfig, modelOf, ofType, runProgram } from "./harness";

interface Router {
  rule: string;
  entryPoints: string[];
  service: string;
  middlewares: string[];
}
interface Service {
  loadBalancer: { servers: { url: string }[]; passHostHeader: boolean; healthCheck: { path: string; hostname: string; interval: string; timeout: string } };
}
interface Dynamic {
  http: { routers: Record<string, Router>; services: Record<string, Service>; middlewares: Record<string, Record<string, unknown>> };
}

const configOf = (model: Homelab) => {
  const byRole = (role: string) => {
    const s = model.services.find((x) => x.role === role);
    assert.ok(s, `a ${role} service`);
    return s;
  };
  return renderTraefikConfig({ services: model.services, traefik: byRole("traefik"), cloudflared: byRole("cloudflared"), network: model.network });
};

const dynamicOf = (model: Homelab): Dynamic => parse(configOf(model).dynamicConfig) as Dynamic;
/** The routers that serve a hostname: all but the dashboard's own on the ping entrypoint. */
const hostRouters = (d: Dynamic): Router[] => Object.entries(d.http.routers).filter(([name]) => name !== DASHBOARD_LAN_ROUTER).map(([, r]) => r);
const hostOf = (rule: string): string => {
  const m = /^Host\(`([^`]+)`\)$/.exec(rule);
  assert.ok(m, `rule ${rule} is a single Host() match`);
  return m[1] as string;
};

test("every router's service and middlewares exist, and no two routers share a rule", () => {
  const dynamic = dynamicOf(modelOf());
  const { http } = dynamic;
  const routers = Object.values(http.routers);
  assert.ok(routers.length > 0);
  for (const r of routers) {
    assert.ok(r.service === "api@internal" || r.service in http.services, `service ${r.service} is declared`);
    for (const m of r.middlewares) assert.ok(m in http.middlewares, `middleware ${m} is declared`);
    assert.ok(r.middlewares.includes(MIDDLEWARES.securityHeaders));
  }
  for (const r of hostRouters(dynamic)) assert.deepEqual(r.entryPoints, ["web"], "hostname routers listen only on the web entrypoint, never metrics or ping");
  assert.equal(new Set(routers.map((r) => r.rule)).size, routers.length);
  const used = new Set(routers.map((r) => r.service));
  assert.deepEqual(Object.keys(http.services).filter((s) => !used.has(s)), [], "no service without a router");
});

test("every backend is a declared service's address and routed port, health-checked on its health path", () => {
  const model = modelOf();
  const dynamic = dynamicOf(model);
  const { http } = dynamic;
  const declared = new Map(model.services.flatMap((s) => s.routes.map((r) => [r.fqdn, { ip: s.ip, port: r.port, healthPath: r.healthPath, role: s.role }])));
  for (const router of hostRouters(dynamic)) {
    const route = declared.get(hostOf(router.rule));
    assert.ok(route, `router ${router.rule} serves a declared route`);
    if (route.role === "traefik") {
      assert.equal(router.service, "api@internal", "the dashboard is Traefik's own API");
      continue;
    }
    const service = http.services[router.service];
    assert.ok(service);
    assert.deepEqual(service.loadBalancer.servers, [{ url: `http://${route.ip}:${route.port}` }]);
    assert.equal(service.loadBalancer.healthCheck.path, route.healthPath);
    assert.equal(service.loadBalancer.healthCheck.hostname, hostOf(router.rule));
    assert.equal(service.loadBalancer.passHostHeader, true);
  }
  const serverUrls = Object.values(http.services).flatMap((s) => s.loadBalancer.servers.map((x) => x.url));
  const allowed = new Set(model.services.flatMap((s) => s.routes.map((r) => `http://${s.ip}:${r.port}`)));
  assert.deepEqual(serverUrls.filter((u) => !allowed.has(u)), []);
  assert.equal(http.services.photos?.loadBalancer.servers[0]?.url, "http://192.168.1.120:2283");
});

test("lan routers, and only they, are limited to the admin networks", () => {
  const config = exampleConfig();
  at(config, "homelab:network").adminCidrs = ["192.168.1.0/26", "10.8.0.0/24"];
  const model = modelOf(config);
  const dynamic = dynamicOf(model);
  const { http } = dynamic;
  assert.deepEqual(http.middlewares[MIDDLEWARES.lanOnly], { ipAllowList: { sourceRange: ["192.168.1.0/26", "10.8.0.0/24"] } });
  const lan = new Set(model.services.flatMap((s) => s.routes.filter((r) => r.exposure === "lan").map((r) => r.fqdn)));
  for (const r of hostRouters(dynamic)) {
    assert.equal(r.middlewares.includes(MIDDLEWARES.lanOnly), lan.has(hostOf(r.rule)), r.rule);
  }
});

test("the tunnel rules and the Traefik routers cover the same hostnames; lan hostnames only have a router", async () => {
  const config = exampleConfig();
  const model = modelOf(config);
  const { resources } = await runProgram(config);
  const [tunnelConfig] = ofType(resources, "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig") as RecordedResource[];
  assert.ok(tunnelConfig);
  const tunnelHosts = (tunnelConfig.inputs.config as { ingresses: { hostname?: string }[] }).ingresses.flatMap((r) => (r.hostname ? [r.hostname] : []));
  const routerHosts = hostRouters(dynamicOf(model)).map((r) => hostOf(r.rule));
  const lan = model.services.flatMap((s) => s.routes.filter((r) => r.exposure === "lan").map((r) => r.fqdn));
  assert.deepEqual([...tunnelHosts].sort(), routerHosts.filter((h) => !lan.includes(h)).sort());
  assert.deepEqual(routerHosts.filter((h) => !tunnelHosts.includes(h)).sort(), [...lan].sort());
  assert.equal(routerHosts.length, model.services.flatMap((s) => s.routes).length, "one router per hostname");
});

test("the dashboard is Traefik's API, on its hostname and on :8080 for the admin networks only", () => {
  const model = modelOf();
  const { http } = dynamicOf(model);
  const traefik = model.services.find((s) => s.role === "traefik");
  const [route] = traefik?.routes ?? [];
  assert.ok(route);
  assert.equal(route.port, 8080);
  assert.equal(route.exposure, "protected", "the dashboard is an admin interface");
  assert.equal(http.routers[route.subdomain]?.service, "api@internal");
  assert.deepEqual(http.routers[DASHBOARD_LAN_ROUTER], {
    rule: "PathPrefix(`/api`) || PathPrefix(`/dashboard`)",
    entryPoints: ["traefik"],
    service: "api@internal",
    middlewares: [MIDDLEWARES.lanOnly, MIDDLEWARES.securityHeaders],
  });
});

test("the static configuration has the web, ping and metrics entrypoints, the dashboard API and a watched file provider", () => {
  const model = modelOf();
  const s = parse(configOf(model).staticConfig) as Record<string, Record<string, unknown>>;
  const cloudflared = model.services.find((x) => x.role === "cloudflared");
  assert.deepEqual(s.entryPoints, {
    web: { address: ":80", forwardedHeaders: { trustedIPs: [`${cloudflared?.ip}/32`] } },
    traefik: { address: ":8080" },
    metrics: { address: ":8082" },
  });
  assert.deepEqual(s.ping, { entryPoint: "traefik" });
  assert.deepEqual(s.api, { dashboard: true, insecure: false });
  assert.equal((s.metrics?.prometheus as { entryPoint: string }).entryPoint, "metrics");
  assert.deepEqual(s.providers, { file: { directory: TRAEFIK_PATHS.dynamicDir, watch: true } });
  const traefik = model.services.find((x) => x.role === "traefik");
  assert.deepEqual(traefik?.metrics.map((m) => m.port), [8082], "Prometheus scrapes the metrics entrypoint");
});

test("rendering is deterministic and independent of the stack file's service order", () => {
  const config = exampleConfig();
  const a = configOf(modelOf(config));
  assert.deepEqual(configOf(modelOf(config)), a);
  const services = at(config, "homelab:services");
  const reversed = Object.fromEntries(Object.entries(services).reverse());
  config["homelab:services"] = reversed;
  assert.deepEqual(configOf(modelOf(config)), a);
});

test("adding a service adds exactly its router and its service to Traefik", () => {
  const before = dynamicOf(modelOf());
  const config = exampleConfig();
  at(config, "homelab:services").wiki = { app: "uptime-kuma", vmId: 131, ip: "192.168.1.131", web: { exposure: "public" } };
  const after = dynamicOf(modelOf(config));
  const added = (a: Record<string, unknown>, b: Record<string, unknown>): string[] => Object.keys(b).filter((k) => !(k in a));
  assert.deepEqual(added(before.http.routers, after.http.routers), ["wiki"]);
  assert.deepEqual(added(before.http.services, after.http.services), ["wiki"]);
  assert.deepEqual(after.http.middlewares, before.http.middlewares);
  for (const [name, router] of Object.entries(before.http.routers)) assert.deepEqual(after.http.routers[name], router);
  assert.equal(after.http.routers.wiki?.rule, "Host(`wiki.harmeetrai.com`)");
  assert.deepEqual(after.http.services.wiki?.loadBalancer.servers, [{ url: "http://192.168.1.131:3001" }]);
});
