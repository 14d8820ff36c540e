import * as pulumi from "@pulumi/pulumi";
import { datasetNodes, failoverCandidates, vzdumpTier, type Homelab, type Service } from "../config";
import { ClusterHa } from "../components/cluster-ha";
import { HomelabFirewall } from "../components/firewall";
import { LxcService } from "../components/lxc-service";
import { MonitoringStack } from "../components/monitoring-stack";
import { ProxmoxHost } from "../components/proxmox-host";
import { ResticBackup, type BackupNode } from "../components/restic-backup";
import { SharedPostgres } from "../components/shared-postgres";
import type { HostConnection } from "../components/shared/connection";
import { CreationLanes } from "../components/shared/lanes";
import type { ContainerPlatform } from "../components/shared/platform";
import { TieredStorage } from "../components/tiered-storage";
import { TunnelIngress } from "../components/tunnel-ingress";
import { lanDnsRecords, renderLanDns } from "../components/tunnel-ingress/lan-dns";
import { createProviders } from "./providers";
import type { HomelabSecrets } from "./secrets";

/** Stack outputs: where everything is. */
export interface HomelabOutputs {
  readonly urls: Record<string, string>;
  readonly ips: Record<string, string>;
  readonly vmIds: Record<string, number>;
  readonly [key: string]: unknown;
}

const byName = (model: Homelab, name: string): Service => {
  const service = model.services.find((s) => s.name === name);
  if (!service) throw new Error(`service '${name}' is missing; the config checks should have caught this`);
  return service;
};

/**
 * On a cluster, each node backs up the datasets it holds (and the Postgres dump, where the server runs);
 * the API endpoint's node also prunes and checks. Each node's vzdump job lists its containers and the
 * HA services that may be restarted on it.
 */
function backupNodes(model: Homelab, holders: ReadonlyMap<string, string>, connectionOf: (node: string) => HostConnection): BackupNode[] {
  const server = model.postgres.enabled ? byName(model, model.postgres.service) : undefined;
  return model.nodes.map((n) => ({
    name: n.name,
    connection: connectionOf(n.name),
    datasets: model.datasets.filter((d) => holders.get(d.name) === n.name),
    postgres: server?.node === n.name ? server : undefined,
    maintenance: n.name === model.proxmox.nodeName,
    vmIds: model.services.filter((s) => s.node === n.name || (s.ha && failoverCandidates(model, s).includes(n.name))).map((s) => s.vmId),
    vzdumpStorage: vzdumpTier(model, n.name)?.proxmoxStorage,
  }));
}

/**
 * The whole homelab in one place: the only code that knows every component. Each component gets the
 * model slice it needs and the outputs of the components before it.
 */
export function homelab(model: Homelab, secrets: HomelabSecrets): HomelabOutputs {
  const providers = createProviders(model, secrets);
  const connections: Record<string, HostConnection> = Object.fromEntries(
    model.nodes.map((n) => [n.name, { host: n.sshAddress, port: n.sshPort, user: "root", privateKey: secrets.hostSshPrivateKey }]),
  );
  // A node's SSH access; without a node, the one the API endpoint is on (the single host, or where
  // cluster-wide work is done from), which the config checks guarantee is among the nodes.
  const connectionOf = (node: string = model.proxmox.nodeName): HostConnection => {
    const c = connections[node];
    if (c === undefined) throw new Error(`node '${node}' is not among the nodes; the config checks should have caught this`);
    return c;
  };
  const connection = connectionOf();
  const provider = { provider: providers.proxmox };

  // Host packages follow from what is turned on: restic for backups, the node exporter for monitoring.
  // sqlite3 takes the online copies of the apps' live SQLite databases before restic snapshots them.
  const liveSqlite = model.datasets.some((d) => d.backup && d.sqlite.length > 0);
  const hostPackages = [...(model.backup?.enabled ? ["restic", ...(liveSqlite ? ["sqlite3"] : [])] : []), ...(model.monitoring.enabled ? ["prometheus-node-exporter"] : [])];
  const host = new ProxmoxHost("pve", { proxmox: model.proxmox, tiers: model.tiers, nodes: model.nodes, clustered: model.clustered, connections, hostPackages }, provider);
  const holders = datasetNodes(model);
  const storage = new TieredStorage("storage", { tiers: model.tiers, datasets: model.datasets, connectionOf: (d) => connectionOf(holders.get(d.name)), allowDataLoss: model.allowDataLoss }, provider);
  const platform: ContainerPlatform = {
    domain: model.domain,
    network: model.network,
    proxmox: model.proxmox,
    templateIds: host.templateIds[model.proxmox.nodeName] ?? {},
    connection,
    nodes: Object.fromEntries(model.nodes.map((n) => [n.name, { connection: connectionOf(n.name), templateIds: host.templateIds[n.name] ?? {} }])),
    lanes: new CreationLanes(model.proxmox.parallelCreates),
    provider: providers.proxmox,
    allowDataLoss: model.allowDataLoss,
  };
  const ready: pulumi.Resource[] = [storage];

  const postgres = model.postgres.enabled
    ? new SharedPostgres("postgres", {
        server: byName(model, model.postgres.service),
        apps: model.services.filter((s) => s.database !== undefined),
        settings: model.postgres,
        operatorCidrs: model.network.operatorCidrs,
        containerIps: model.services.map((s) => s.ip),
        platform,
        dependsOn: ready,
      }, provider)
    : undefined;

  const ingress = model.ingress?.enabled && providers.cloudflare
    ? new TunnelIngress("ingress", {
        domain: model.domain,
        settings: model.ingress,
        services: model.services,
        traefik: byName(model, model.ingress.traefikService),
        cloudflared: byName(model, model.ingress.cloudflaredService),
        connectors: model.ingress.connectors.map((c) => byName(model, c)),
        platform,
        cloudflareProvider: providers.cloudflare,
        dependsOn: ready,
      }, provider)
    : undefined;

  const monitoring = model.monitoring.enabled
    ? new MonitoringStack("monitoring", {
        model,
        prometheus: byName(model, model.monitoring.prometheusService),
        grafana: byName(model, model.monitoring.grafanaService),
        platform,
        receiverSecrets: { ntfyToken: secrets.ntfyToken, smtpPassword: secrets.smtpPassword, webhookToken: secrets.webhookToken },
        dependsOn: ready,
      }, provider)
    : undefined;

  // Apps come after the infrastructure is provisioned: with Pulumi's default stop-on-error, a failing
  // app then cannot keep the database, ingress or monitoring from being created.
  const infrastructure = [postgres?.server, ingress?.traefik, ingress?.cloudflared, ...(ingress?.connectors ?? []), monitoring?.prometheus, monitoring?.grafana].filter((x): x is LxcService => x !== undefined);
  const containers: Record<string, pulumi.Resource> = Object.fromEntries(infrastructure.map((x) => [x.service, x.container]));
  const adminPasswords: Record<string, pulumi.Output<string>> = {};
  // Each app in a small function of its own, not in this long one: the SDK takes the stack of every
  // promise it makes while registering a resource, and V8 finds a frame's position by walking its
  // function from the top (docs/benchmark.md).
  const app = (s: Service): LxcService => {
    const connectionFile = postgres?.connectionFiles[s.name];
    return new LxcService(s.name, {
      service: s,
      platform,
      files: connectionFile ? [{ ...connectionFile, secret: true }] : [],
      dependsOn: [...ready, ...infrastructure],
      recipeAfter: postgres?.readyFor[s.name] ?? [],
    }, provider);
  };
  for (const s of model.services.filter((x) => x.role === "app")) {
    const service = app(s);
    containers[s.name] = service.container;
    if (service.admin) adminPasswords[s.name] = service.admin.password;
  }

  // On a cluster, the HA manager restarts the services whose data can follow them on another node.
  if (model.clustered && (model.services.some((s) => s.ha) || Object.keys(model.proxmox.ha.rules).length > 0)) {
    new ClusterHa("ha", { model, containers }, provider);
  }

  // Inbound dropped everywhere but where the model says traffic flows; from static addresses only.
  new HomelabFirewall("firewall", { model, containers }, provider);

  const backup = model.backup?.enabled && providers.b2 && secrets.resticPassword
    ? new ResticBackup("backup", {
        settings: model.backup,
        datasets: model.datasets,
        tiers: model.tiers,
        postgres: model.postgres.enabled ? byName(model, model.postgres.service) : undefined,
        services: model.services,
        connection,
        platform,
        resticPassword: secrets.resticPassword,
        ...(model.clustered ? { nodes: backupNodes(model, holders, connectionOf) } : {}),
        b2Provider: providers.b2,
        allowDataLoss: model.allowDataLoss,
        // The host installs restic and the textfile directory; the dump needs the Postgres server running
        // (not every extension: a missing VectorChord must not stop the backups).
        dependsOn: postgres ? [host, ...ready, postgres.server] : [host, ...ready],
      }, provider)
    : undefined;

  return {
    urls: ingress?.urls ?? {},
    ...(ingress ? { tunnelId: ingress.tunnelId } : {}),
    ...(backup ? { backupRepository: backup.repository, backupBucket: backup.bucketName } : {}),
    // Secret: `pulumi stack output grafanaAdminPassword --show-secrets` for the first login.
    ...(monitoring ? { grafanaAdminPassword: monitoring.grafanaAdminPassword } : {}),
    // Secret: the generated admin of each claimed app (user `admin`), e.g.
    // `pulumi stack output adminPasswords --show-secrets`.
    ...(Object.keys(adminPasswords).length > 0 ? { adminPasswords: pulumi.secret(pulumi.output(adminPasswords)) } : {}),
    // The lines the LAN's resolver needs for `lan` hostnames, in homelab:ingress.lanDns.format.
    lanDns: renderLanDns(lanDnsRecords(model), model.ingress?.lanDns.format ?? "hosts"),
    ips: Object.fromEntries(model.services.map((s) => [s.name, s.ip])),
    vmIds: Object.fromEntries(model.services.map((s) => [s.name, s.vmId])),
  };
}
