import assert from "node:assert/strict";
import { test } from "node:test";
import { canReach, type FirewallView, type RuleView } from "../components/firewall/evaluate";
import { firewallMatrix, HOST, type Flow } from "../components/firewall/matrix";
import { firewallReport } from "../components/firewall/report";
import { ingressRoutes, protectedRoutes } from "../components/tunnel-ingress/routes";
import { cidrContains, intToIp, ipToInt, isIpv4, parseCidr } from "../config/net";
import type { Homelab } from "../config";
import type { RecordedResource } from "../src/mock-runtime";
import { at } from "./bad-inputs/types";
import { dependencyNames, exampleConfig, modelOf, ofType, runProgram } from "./harness";

const T = {
  container: "proxmoxve:index/containerLegacy:ContainerLegacy",
  rules: "proxmoxve:firewall/rulesLegacy:RulesLegacy",
  options: "proxmoxve:firewall/optionsLegacy:OptionsLegacy",
  node: "proxmoxve:node/firewallLegacy:FirewallLegacy",
  datacenter: "proxmoxve:cluster/firewallLegacy:FirewallLegacy",
  tunnelConfig: "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
  accessApp: "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication",
} as const;

/** Addresses the tests speak from: admin networks and the operator narrowed away from the containers. */
const ADMIN_CIDR = "192.168.1.192/27";
const ADMIN = "192.168.1.195";
const OPERATOR = "192.168.1.200";
/** A phone on the LAN and an address on the internet: outside every admin network. */
const OUTSIDERS = ["192.168.1.50", "203.0.113.7"] as const;

function enforcedConfig(): Record<string, unknown> {
  const config = exampleConfig();
  const network = config["homelab:network"] as Record<string, unknown>;
  network.adminCidrs = [ADMIN_CIDR];
  network.operatorCidrs = [`${OPERATOR}/32`];
  network.datacenterFirewall = true;
  // The download clients' API is for the *arr apps that hand them work, and no one else.
  at(config, "homelab:services", "qbittorrent").allowFrom = ["sonarr", "radarr"];
  return config;
}

/** The enforced example, run once under mocks and shared: the tests only read what it registered. */
let enforcedRun: Promise<{ model: Homelab; resources: RecordedResource[] }> | undefined;
const enforced = (): Promise<{ model: Homelab; resources: RecordedResource[] }> => {
  const config = enforcedConfig();
  enforcedRun ??= runProgram(config).then(({ resources }) => ({ model: modelOf(config), resources }));
  return enforcedRun;
};

const one = (resources: readonly RecordedResource[], type: string, where: (r: RecordedResource) => boolean, what: string): RecordedResource => {
  const found = ofType(resources, type).filter(where);
  assert.equal(found.length, 1, `exactly one ${what}, got ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0] as RecordedResource;
};

/** The firewall as Proxmox would hold it, read back from what the program registered. */
function viewOf(resources: readonly RecordedResource[], hostIp: string): FirewallView {
  const rulesOf = (r: RecordedResource | undefined): RuleView[] => (r?.inputs.rules ?? []) as RuleView[];
  const [datacenter] = ofType(resources, T.datacenter);
  const [node] = ofType(resources, T.node);
  const guests = ofType(resources, T.container).map((c) => {
    const vmId = c.inputs.vmId as number;
    const address = (c.inputs.initialization as { ipConfigs: { ipv4: { address: string } }[] }).ipConfigs[0]?.ipv4.address ?? "";
    const nics = c.inputs.networkInterfaces as { firewall?: boolean }[];
    return {
      vmId,
      ip: address.split("/")[0] ?? "",
      nicFirewall: nics.every((n) => n.firewall === true),
      options: ofType(resources, T.options).find((o) => o.inputs.containerId === vmId)?.inputs,
      rules: rulesOf(ofType(resources, T.rules).find((r) => r.inputs.containerId === vmId)),
    };
  });
  const hostRules = ofType(resources, T.rules).find((r) => r.inputs.containerId === undefined && r.inputs.vmId === undefined);
  return { datacenter: datacenter?.inputs, guests, host: { ip: hostIp, options: node?.inputs, rules: rulesOf(hostRules) } };
}

/** An address inside a source list entry: the address itself, or the first host of a network. */
const representative = (entry: string): string => (isIpv4(entry) ? entry : intToIp((parseCidr(entry, { min: 0, max: 32 })?.network ?? 0) + 1));
const inSources = (flow: Flow, ip: string): boolean => flow.from.addresses.some((a) => (isIpv4(a) ? a === ip : cidrContains(parseCidr(a, { min: 0, max: 32 }) ?? { network: 0, prefix: 32 }, ip)));

test("from outside the admin networks no port of the homelab answers: a protected hostname is reached only through the tunnel, behind Access", async () => {
  const { model, resources } = await enforced();
  const view = viewOf(resources, model.proxmox.sshAddress);
  assert.equal(view.datacenter?.enabled, true, "the datacenter switch is on in this stack");
  const ports = new Set<number>([22, 80, 443, 5432, 8006, 9100]);
  for (const s of model.services) for (const p of [...s.routes.map((r) => r.port), ...s.metrics.map((m) => m.port)]) ports.add(p);
  for (const g of view.guests) for (const r of g.rules) ports.add(Number(r.dport));
  const destinations = [model.proxmox.sshAddress, ...view.guests.map((g) => g.ip)];
  for (const outsider of OUTSIDERS) {
    for (const dest of destinations) for (const port of ports) assert.equal(canReach(view, outsider, dest, port), false, `${outsider} reaches ${dest}:${port}`);
  }
  // So the only way in is the connection cloudflared opens itself: the tunnel, whose every protected
  // hostname goes to Traefik and has an Access application in front of it at Cloudflare.
  const traefik = model.services.find((s) => s.role === "traefik");
  assert.ok(traefik);
  const ingresses = (one(resources, T.tunnelConfig, () => true, "tunnel configuration").inputs.config as { ingresses: { hostname?: string; service: string }[] }).ingresses;
  const guarded = new Set(ofType(resources, T.accessApp).map((a) => a.inputs.domain));
  const shielded = protectedRoutes(ingressRoutes(model.services));
  assert.ok(shielded.length >= 8, "the example has protected hostnames to prove this on");
  for (const r of shielded) {
    assert.ok(guarded.has(r.fqdn), `${r.fqdn} has an Access application`);
    assert.deepEqual(ingresses.filter((i) => i.hostname === r.fqdn).map((i) => i.service), [`http://${traefik.ip}:80`]);
  }
});

test("every container drops inbound by default, lets everything out, and carries exactly the matrix's rules", async () => {
  const { model, resources } = await enforced();
  const matrix = firewallMatrix(model);
  const containers = ofType(resources, T.container);
  assert.equal(matrix.guests.length, containers.length);
  for (const c of containers) {
    const vmId = c.inputs.vmId as number;
    const options = one(resources, T.options, (o) => o.inputs.containerId === vmId, `options for ${vmId}`);
    assert.equal(options.inputs.enabled, true);
    assert.equal(options.inputs.inputPolicy, "DROP");
    assert.equal(options.inputs.outputPolicy, "ACCEPT");
    assert.equal(options.inputs.ipfilter, true, "a container cannot send with another container's address");
    const rules = one(resources, T.rules, (r) => r.inputs.containerId === vmId, `rules for ${vmId}`);
    assert.ok(dependencyNames(options).includes(rules.name), "a container's rules are in before its DROP policy is");
    const registered = (rules.inputs.rules as RuleView[]).map((r) => `${r.type} ${r.action} ${r.source} ${r.proto}/${r.dport}`).sort();
    const guest = matrix.guests.find((g) => g.vmId === vmId);
    assert.ok(guest, `container ${vmId} is in the matrix`);
    assert.deepEqual(registered, guest.flows.map((f) => `in ACCEPT ${f.from.addresses.join(",")} ${f.proto}/${f.port}`).sort());
    for (const r of [options, rules]) assert.equal(r.protect, false, "firewall settings are configuration, not data");
  }
});

test("the evaluator over the registered rules allows exactly the matrix, for every source, container and port", async () => {
  const { model, resources } = await enforced();
  const view = viewOf(resources, model.proxmox.sshAddress);
  const matrix = firewallMatrix(model);
  const flows = [...matrix.host.flows, ...matrix.guests.flatMap((g) => g.flows)];
  const sources = [...new Set([model.proxmox.sshAddress, ...view.guests.map((g) => g.ip), ADMIN, OPERATOR, ...OUTSIDERS, ...flows.flatMap((f) => f.from.addresses.map(representative))])];
  const ports = [...new Set([22, 80, 5432, 8006, ...flows.map((f) => f.port)])];
  let allowed = 0;
  for (const dest of [model.proxmox.sshAddress, ...view.guests.map((g) => g.ip)]) {
    for (const port of ports) {
      for (const source of sources) {
        if (source === dest) continue;
        const expected = flows.some((f) => f.toIp === dest && f.port === port && inSources(f, source));
        assert.equal(canReach(view, source, dest, port), expected, `${source} -> ${dest}:${port}`);
        if (expected) allowed++;
      }
    }
  }
  assert.ok(allowed > flows.length, "every flow was exercised from at least one of its sources");
});

test("the paths the homelab needs are open and their neighbours are not", async () => {
  const { model, resources } = await enforced();
  const view = viewOf(resources, model.proxmox.sshAddress);
  const ip = (name: string): string => model.services.find((s) => s.name === name)?.ip ?? assert.fail(`no service ${name}`);
  const host = model.proxmox.sshAddress;
  const cases: [string, string, number, boolean][] = [
    [ip("cloudflared"), ip("traefik"), 80, true],
    [OUTSIDERS[0], ip("traefik"), 80, false],
    [ADMIN, ip("traefik"), 80, true],
    [ip("traefik"), ip("immich"), 2283, true],
    [ip("cloudflared"), ip("immich"), 2283, false],
    [ADMIN, ip("immich"), 2283, false],
    [ADMIN, ip("qbittorrent"), 8080, true],
    [ip("sonarr"), ip("qbittorrent"), 8080, true],
    [ip("radarr"), ip("qbittorrent"), 8080, true],
    [ip("prowlarr"), ip("qbittorrent"), 8080, false],
    [ip("sonarr"), ip("qbittorrent"), 22, false],
    [ip("qbittorrent"), ip("sonarr"), 8989, false],
    [ip("n8n"), ip("postgres"), 5432, true],
    [ip("jellyfin"), ip("postgres"), 5432, false],
    [OPERATOR, ip("postgres"), 5432, true],
    [host, ip("postgres"), 5432, true],
    [ADMIN, ip("postgres"), 5432, false],
    [ip("prometheus"), ip("postgres"), 9187, true],
    [ip("traefik"), ip("postgres"), 9187, false],
    [ip("grafana"), ip("prometheus"), 9090, true],
    [ip("n8n"), ip("prometheus"), 9090, false],
    [OPERATOR, ip("immich"), 22, true],
    [ADMIN, ip("immich"), 22, false],
    [OPERATOR, host, 8006, true],
    [OPERATOR, host, 22, true],
    [ADMIN, host, 8006, true],
    [ip("prometheus"), host, 9100, true],
    [ip("prometheus"), host, 8006, true],
    [ip("prometheus"), host, 22, false],
    [ip("immich"), host, 8006, false],
  ];
  for (const [from, to, port, expected] of cases) assert.equal(canReach(view, from, to, port), expected, `${from} -> ${to}:${port}`);
});

test("the datacenter switch is left alone by default, which leaves the rules inert; when asked for, it comes last", async () => {
  const model = modelOf();
  const plain = await runProgram();
  assert.equal(ofType(plain.resources, T.datacenter).length, 0, "an existing datacenter firewall is never turned off");
  assert.ok(ofType(plain.resources, T.rules).length > model.services.length, "the rules are written all the same");
  assert.equal(canReach(viewOf(plain.resources, model.proxmox.sshAddress), OUTSIDERS[0], model.services[0]?.ip ?? "", 5432), true, "and the evaluator does not pretend they are in effect");

  const { resources } = await enforced();
  const datacenter = one(resources, T.datacenter, () => true, "datacenter firewall");
  assert.equal(datacenter.inputs.enabled, true);
  assert.equal(datacenter.inputs.inputPolicy, "DROP");
  assert.equal(datacenter.inputs.outputPolicy, "ACCEPT");
  const before = new Set(dependencyNames(datacenter));
  for (const r of [...ofType(resources, T.rules), ...ofType(resources, T.options), ...ofType(resources, T.node)]) {
    assert.ok(before.has(r.name), `${r.name} is in place before the switch`);
  }
  const node = one(resources, T.node, () => true, "host firewall options");
  assert.equal(node.inputs.enabled, true);
  assert.ok(String(node.provider).includes("proxmox"), "on the Proxmox provider");
});

test("an empty list of admin networks opens nothing to anyone: no rule ever has an empty source", async () => {
  const config = exampleConfig();
  const network = config["homelab:network"] as Record<string, unknown>;
  network.adminCidrs = [];
  network.operatorCidrs = [`${OPERATOR}/32`];
  const matrix = firewallMatrix(modelOf(config));
  const { resources } = await runProgram(config);
  const rules = ofType(resources, T.rules).flatMap((r) => r.inputs.rules as RuleView[]);
  assert.ok(rules.length > 0);
  for (const r of rules) assert.match(r.source ?? "", /^\d/, `a rule without a source would accept anyone: ${JSON.stringify(r)}`);
  const qbittorrent = matrix.guests.find((g) => g.service === "qbittorrent");
  assert.deepEqual([...new Set(qbittorrent?.flows.map((f) => f.from.name))].sort(), ["operator networks", "prometheus", "radarr", "sonarr", "traefik"], "its lan route is open to no admin network");
  assert.deepEqual(matrix.host.flows.filter((f) => f.port === 8006 && f.from.name !== "prometheus").map((f) => f.from.addresses), [[`${OPERATOR}/32`]]);
});

test("the plan prints the matrix: source, destination, port, protocol and why", () => {
  const model = modelOf(enforcedConfig());
  const [section] = firewallReport(model);
  assert.ok(section);
  const text = section.lines.join("\n");
  assert.match(section.lines[0] ?? "", /^source\s+addresses\s+destination\s+address\s+port\s+proto\s+why$/);
  assert.match(text, /cloudflared\s+192\.168\.1\.112\s+traefik\s+192\.168\.1\.111\s+80\s+tcp\s+tunnel to Traefik/);
  assert.match(text, new RegExp(`admin and operator networks\\s+${OPERATOR}/32,192\\.168\\.1\\.192/27\\s+${HOST}\\s+192\\.168\\.1\\.10\\s+8006\\s+tcp`));
  assert.match(text, /nextcloud\s+192\.168\.1\.121\s+postgres\s+192\.168\.1\.110\s+5432\s+tcp\s+database nextcloud/);
  assert.match(text, /datacenter firewall: switched on by this stack/);
  const rows = section.lines.filter((l) => /\s(tcp|udp)\s/.test(l));
  const matrix = firewallMatrix(model);
  assert.equal(rows.length, matrix.host.flows.length + matrix.guests.reduce((n, g) => n + g.flows.length, 0), "one row per flow");
});

test("the evaluator takes the first matching rule, understands ranges and CIDRs, and refuses what it cannot judge", () => {
  const view = (rules: RuleView[]): FirewallView => ({
    datacenter: { enabled: true },
    guests: [{ vmId: 100, ip: "10.0.0.2", nicFirewall: true, options: { enabled: true, inputPolicy: "DROP" }, rules }],
    host: { ip: "10.0.0.1", options: undefined, rules: [] },
  });
  const v = view([
    { type: "in", action: "DROP", source: "10.0.0.9", proto: "tcp", dport: "80" },
    { type: "in", action: "ACCEPT", source: "10.0.0.0/24", proto: "tcp", dport: "80:90,443" },
  ]);
  assert.equal(canReach(v, "10.0.0.9", "10.0.0.2", 80), false, "the earlier DROP wins");
  assert.equal(canReach(v, "10.0.0.8", "10.0.0.2", 85), true);
  assert.equal(canReach(v, "10.0.0.8", "10.0.0.2", 443), true);
  assert.equal(canReach(v, "10.0.0.8", "10.0.0.2", 85, "udp"), false, "wrong protocol falls to the DROP policy");
  assert.equal(canReach(v, "10.0.1.8", "10.0.0.2", 85), false);
  assert.equal(canReach(v, "10.0.0.8", "10.0.0.1", 22), false, "the host falls to the datacenter's default DROP");
  assert.throws(() => canReach(view([{ type: "in", action: "ACCEPT", macro: "SSH" }]), "10.0.0.8", "10.0.0.2", 22), /macro/);
  assert.throws(() => canReach(view([{ type: "in", action: "ACCEPT", source: "+management" }]), "10.0.0.8", "10.0.0.2", 22), /cannot judge the address/);
  assert.equal(ipToInt(representative("192.168.1.192/27")), ipToInt("192.168.1.193"));
});
