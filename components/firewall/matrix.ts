import type { Homelab, Service } from "../../config";
import { codePointOrder } from "../../config/order";
import { datasourceUrl } from "../monitoring-stack/grafana-provisioning";
import { proxmoxApiHost, scrapeJobs, type ScrapeTarget } from "../monitoring-stack/targets";
import { POSTGRES_PORT } from "../shared-postgres/databases";
import { ingressRoutes, tunnelRoutes } from "../tunnel-ingress/routes";
import { traefikPorts } from "../tunnel-ingress/traefik-config";

/**
 * Who may open a connection to what, derived from the same functions that render the configs the
 * traffic follows (Traefik's routes, prometheus.yml, Grafana's datasource, pg_hba.conf's sources).
 * Everything not listed here is dropped: inbound is DROP by default on every container and the host.
 */

export type Protocol = "tcp" | "udp";

/** A named set of sources: one container, the host, or networks from the stack file. */
export interface Peer {
  readonly name: string;
  /** IPv4 addresses and CIDRs; never empty (an empty source would mean "anyone" to Proxmox). */
  readonly addresses: readonly string[];
}

/** One allowed inbound flow: `from` may open `proto` connections to `to` on `port`. */
export interface Flow {
  readonly from: Peer;
  /** Destination: a service name, or HOST for the Proxmox host. */
  readonly to: string;
  readonly toIp: string;
  readonly port: number;
  readonly proto: Protocol;
  /** Why the flow exists, for the rule's comment and the plan. */
  readonly why: string;
}

/** The inbound rules of one container. */
export interface GuestFirewall {
  readonly service: string;
  readonly vmId: number;
  readonly ip: string;
  readonly flows: readonly Flow[];
}

export interface FirewallMatrix {
  readonly guests: readonly GuestFirewall[];
  /** Inbound rules of the Proxmox host itself: management first, so the operator is never locked out. */
  readonly host: { readonly address: string; readonly flows: readonly Flow[] };
}

export const HOST = "proxmox host";

/**
 * The services that get a container, by the same conditions the composition uses: every app, and
 * each infrastructure service only when its component is turned on.
 */
export function deployedServices(model: Homelab): Service[] {
  const infra = new Set<string>([
    ...(model.postgres.enabled ? [model.postgres.service] : []),
    ...(model.ingress?.enabled ? [model.ingress.traefikService, model.ingress.cloudflaredService, ...model.ingress.connectors] : []),
    ...(model.monitoring.enabled ? [model.monitoring.prometheusService, model.monitoring.grafanaService] : []),
  ]);
  return model.services.filter((s) => s.role === "app" || infra.has(s.name));
}

/** The port of the Proxmox API from its endpoint URL (https defaults to 443). */
export const apiPort = (model: Homelab): number => Number(new URL(model.proxmox.endpoint).port || 443);

/** host:port of a scrape target, or of the URL a probe requests. */
function targetEndpoint(model: Homelab, kind: string, target: ScrapeTarget): { host: string; port: number } {
  if (kind === "pve") return { host: target.address, port: apiPort(model) };
  const url = new URL(kind === "probe" ? target.address : `http://${target.address}`);
  return { host: url.hostname, port: Number(url.port || 80) };
}

const peer = (name: string, addresses: readonly string[]): Peer => ({ name, addresses: [...new Set(addresses)] });

/** The whole matrix of the homelab, in a stable order (destination, port, source). */
export function firewallMatrix(model: Homelab): FirewallMatrix {
  const deployed = deployedServices(model);
  const byName = new Map(deployed.map((s) => [s.name, s]));
  const byIp = new Map(deployed.map((s) => [s.ip, s]));
  const hostAddresses = new Set([model.proxmox.sshAddress, proxmoxApiHost(model), ...model.nodes.map((n) => n.sshAddress)]);
  const of = (s: Service): Peer => peer(s.name, [s.ip]);
  const lanClients = peer("admin networks", model.network.adminCidrs);
  const operators = peer("operator networks", model.network.operatorCidrs);
  const proxmoxHost = peer(HOST, [model.proxmox.sshAddress]);
  const flows: Flow[] = [];
  const allow = (from: Peer, to: Service | typeof HOST, port: number, why: string, proto: Protocol = "tcp"): void => {
    if (from.addresses.length === 0) return;
    const [name, ip] = to === HOST ? [HOST, model.proxmox.sshAddress] : [to.name, to.ip];
    flows.push({ from, to: name, toIp: ip, port, proto, why });
  };

  // Management of the host: the web UI/API and SSH (pulumi up provisions through both).
  const managers = peer("admin and operator networks", [...model.network.operatorCidrs, ...model.network.adminCidrs]);
  allow(managers, HOST, apiPort(model), "Proxmox web UI and API (the provider of pulumi up)");
  allow(managers, HOST, model.proxmox.sshPort, "SSH to the host (pct provisioning by pulumi up)");
  // A cluster's nodes replicate root disks and migrate containers to each other over SSH. (Corosync and
  // the API between nodes are let through by the firewall's own rules for the cluster network.)
  if (model.nodes.length > 1) allow(peer("the cluster's nodes", model.nodes.map((n) => n.sshAddress)), HOST, model.proxmox.sshPort, "SSH between the nodes (replication, migration)");
  // The operator's keys are in every container's root account: SSH from the operator networks only.
  for (const s of deployed) allow(operators, s, 22, "SSH with the operator's keys (homelab:proxmox.sshPublicKeys)");

  // Ingress: cloudflared dials out, then reaches Traefik's web entrypoint; Traefik reaches each backend.
  const traefik = model.ingress?.enabled ? byName.get(model.ingress.traefikService) : undefined;
  const cloudflared = model.ingress?.enabled ? byName.get(model.ingress.cloudflaredService) : undefined;
  const routes = ingressRoutes(deployed);
  if (traefik && cloudflared) {
    const ports = traefikPorts(traefik);
    const published = tunnelRoutes(routes);
    const connectors = [cloudflared, ...(model.ingress?.connectors ?? []).map((c) => byName.get(c)).filter((s): s is Service => s !== undefined)];
    if (published.length > 0) for (const c of connectors) allow(of(c), traefik, ports.web, `tunnel to Traefik for ${published.length} hostnames`);
    if (routes.some((r) => r.exposure === "lan")) allow(lanClients, traefik, ports.web, "lan routes through Traefik (its lan-only allow list)");
    if (routes.some((r) => r.backend.kind === "traefik-api")) allow(lanClients, traefik, ports.ping, "Traefik dashboard on its ping entrypoint (lan-only)");
    if (model.ingress?.acme && routes.length > 0) allow(lanClients, traefik, ports.websecure, `TLS for ${routes.length} hostnames on the LAN (websecure, lan-only allow list)`);
    for (const r of routes) {
      if (r.backend.kind !== "server") continue;
      const target = byIp.get(r.backend.ip);
      if (target) allow(of(traefik), target, r.backend.port, `route ${r.fqdn} (${r.exposure})`);
    }
  }
  // Links the stack file declares between apps (allowFrom), straight to the route ports.
  for (const s of deployed) {
    for (const name of s.allowFrom) {
      const client = byName.get(name);
      if (client) for (const r of s.routes) allow(of(client), s, r.port, `${s.name} allows ${name} (allowFrom)`);
    }
  }
  // A lan route is also reached directly from the admin networks, as before there was a Traefik.
  for (const s of deployed) for (const r of s.routes) if (r.exposure === "lan") allow(lanClients, s, r.port, `lan route ${r.fqdn}`);

  // Monitoring: every scrape target and probe of prometheus.yml, and Grafana's datasource.
  const prometheus = model.monitoring.enabled ? byName.get(model.monitoring.prometheusService) : undefined;
  const grafana = model.monitoring.enabled ? byName.get(model.monitoring.grafanaService) : undefined;
  if (prometheus) {
    for (const job of scrapeJobs(model)) {
      for (const t of job.targets) {
        const { host, port } = targetEndpoint(model, job.kind, t);
        const why = job.kind === "probe" ? `probe of ${t.labels.route ?? host}` : `scrape job ${job.name}`;
        if (hostAddresses.has(host)) allow(of(prometheus), HOST, port, why);
        else {
          const target = byIp.get(host);
          if (target) allow(of(prometheus), target, port, why);
        }
      }
    }
    if (grafana) allow(of(grafana), prometheus, Number(new URL(datasourceUrl(prometheus)).port), "Grafana's Prometheus datasource");
  }

  // Postgres: each app with a database, and the admin from where pg_hba.conf lets it in.
  const postgres = model.postgres.enabled ? byName.get(model.postgres.service) : undefined;
  if (postgres) {
    for (const app of deployed.filter((s) => s.database !== undefined && s.name !== postgres.name)) {
      allow(of(app), postgres, POSTGRES_PORT, `database ${app.database?.name ?? app.name}`);
    }
    allow(proxmoxHost, postgres, POSTGRES_PORT, "the admin from the Proxmox host (pg_hba.conf)");
    allow(operators, postgres, POSTGRES_PORT, "the admin from pulumi up (pg_hba.conf)");
  }

  const merged = mergeFlows(flows);
  const inbound = (to: string): Flow[] => merged.filter((f) => f.to === to);
  return {
    guests: deployed.map((s) => ({ service: s.name, vmId: s.vmId, ip: s.ip, flows: inbound(s.name) })),
    host: { address: model.proxmox.sshAddress, flows: inbound(HOST) },
  };
}

/** One flow per source, destination, port and protocol; the reasons of duplicates are joined. */
function mergeFlows(flows: readonly Flow[]): Flow[] {
  const merged = new Map<string, Flow>();
  for (const f of flows) {
    const key = [f.to, f.port, f.proto, f.from.name].join("|");
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, why: seen.why.split("; ").includes(f.why) ? seen.why : `${seen.why}; ${f.why}` } : f);
  }
  return [...merged.values()].sort((a, b) => codePointOrder(a.to, b.to) || a.port - b.port || codePointOrder(a.proto, b.proto) || codePointOrder(a.from.name, b.from.name));
}
