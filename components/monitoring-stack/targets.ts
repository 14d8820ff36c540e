import type { Homelab, Service } from "../../config";
import type { FIXED_JOBS, ROLE_JOBS } from "../../config/schema/monitoring";

/**
 * What Prometheus scrapes and probes, derived from the model alone: every service `metrics` endpoint is
 * a target, every route is a probe, and the host brings its node and Proxmox exporters. Adding a service
 * to the stack file adds its targets here, with no other line of configuration.
 */

/** Ports of the exporters and daemons the monitoring LXC runs (Debian's defaults). */
export const PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  blackbox: 9115,
  pveExporter: 9221,
  nodeExporter: 9100,
  grafana: 3000,
} as const;

/** What a scrape job is, which decides the metrics it produces (see metrics.ts). */
export type JobKind = (typeof FIXED_JOBS)[number] | (typeof ROLE_JOBS)[number] | "app";

export { RESERVED_JOB_NAMES } from "../../config/schema/monitoring";

export interface ScrapeTarget {
  /** host:port, or for the probe job the URL to probe. */
  readonly address: string;
  /** Labels every series of the target carries: `kind`, `node`, `service` (per-service targets), `route` (probes). */
  readonly labels: Readonly<Record<string, string>>;
}

export interface ScrapeJob {
  readonly name: string;
  readonly kind: JobKind;
  readonly metricsPath: string;
  readonly targets: readonly ScrapeTarget[];
}

/** The kind of one of a service's metrics endpoints: its role, or `alertmanager` beside Prometheus. */
export function endpointKind(service: Service, port: number): JobKind {
  switch (service.role) {
    case "prometheus":
      return port === PORTS.alertmanager ? "alertmanager" : "prometheus";
    case "app":
      return "app";
    default:
      return service.role;
  }
}

/** Address of the Proxmox API host, as the Proxmox exporter's `target`. */
export const proxmoxApiHost = (model: Homelab): string => new URL(model.proxmox.endpoint).hostname;

/** The `id` label the Proxmox exporter gives a container. */
export const guestId = (service: Service): string => `lxc/${service.vmId}`;

/** Every scrape job of the homelab, in a stable order: host jobs, then service endpoints in stack order. */
export function scrapeJobs(model: Homelab): ScrapeJob[] {
  const node = model.proxmox.nodeName;
  const jobs: ScrapeJob[] = [
    {
      name: "node",
      kind: "node",
      metricsPath: "/metrics",
      // Every node of a cluster runs its own node exporter.
      targets: model.nodes.map((n) => ({ address: `${n.sshAddress}:${PORTS.nodeExporter}`, labels: { kind: "node", node: n.name } })),
    },
    {
      name: "pve",
      kind: "pve",
      metricsPath: "/pve",
      // One API endpoint reports the whole cluster: every node and every guest, wherever it runs.
      targets: [{ address: proxmoxApiHost(model), labels: { kind: "pve", node } }],
    },
  ];
  for (const s of model.services) {
    s.metrics.forEach((m, i) => {
      const kind = endpointKind(s, m.port);
      const base = kind === "app" ? s.name : kind;
      const name = kind === "app" && i > 0 ? `${base}-${m.port}` : base;
      const target = { address: `${s.ip}:${m.port}`, labels: { service: s.name, kind, node: s.node } };
      // The tunnel's further connectors join the cloudflared job: one job, one target per connector.
      const same = kind !== "app" ? jobs.findIndex((j) => j.name === name && j.metricsPath === m.path) : -1;
      const job = jobs[same];
      if (job) jobs[same] = { ...job, targets: [...job.targets, target] };
      else jobs.push({ name, kind, metricsPath: m.path, targets: [target] });
    });
  }
  const probes = probeTargets(model);
  if (probes.length > 0) jobs.push({ name: "probe", kind: "probe", metricsPath: "/probe", targets: probes });
  return jobs;
}

/** One blackbox probe per route of every service: http_2xx on the service's internal address. */
export function probeTargets(model: Homelab): ScrapeTarget[] {
  return model.services.flatMap((s) =>
    s.routes.map((r) => ({
      address: `http://${s.ip}:${r.port}${r.healthPath}`,
      labels: { service: s.name, route: r.subdomain, kind: "probe", node: s.node },
    })),
  );
}

/** The `id` label the Proxmox exporter gives the containers' root storage: `storage/<node>/<storage>`. */
export const storageId = (model: Homelab): string => `storage/${model.proxmox.nodeName}/${model.proxmox.rootStorage}`;

/** The matcher of the root storage on every node: exact on a single host, one per node on a cluster. */
export const storageMatcher = (model: Homelab): string =>
  model.nodes.length === 1 ? `id="${storageId(model)}"` : `id=~"storage/(${model.nodes.map((n) => n.name).join("|")})/${model.proxmox.rootStorage}"`;

/** Services whose container the Proxmox exporter reports, with the `id` it uses. */
export const guests = (model: Homelab): { readonly id: string; readonly service: string }[] =>
  model.services.map((s) => ({ id: guestId(s), service: s.name }));

/** Mount points on the host whose filling up raises an alert: the tiers, and datasets that are their own filesystems. */
export function watchedMountpoints(model: Homelab): string[] {
  const tiers = Object.values(model.tiers).map((t) => t.path);
  return [...new Set([...tiers, ...model.datasets.map((d) => d.hostPath)])].sort();
}
