import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as b2 from "@pulumi/b2";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { defaultTier, type Homelab, type Service } from "../../config";
import { sshConnection, type HostConnection } from "../shared/connection";
import { contentHash } from "../shared/hash";
import type { ContainerPlatform } from "../shared/platform";
import { bucketArgs, keyName, keyNamePrefix, RESTIC_KEY_CAPABILITIES } from "./b2-access";
import { renderJobScript } from "./job-scripts";
import { HOST_LAYOUT, JOBS, scriptPath, unitName, type HostLayout } from "./layout";
import { renderRestoreScript } from "./restore-script";
import { renderStateScript } from "./state-script";
import { renderPasswordRotation } from "./key-rotation";
import { regionOf, renderInitCommand, renderResticEnv, s3Repository } from "./restic-env";
import { shellQuote } from "../shared/shell";
import { backupSources } from "./sources";
import { renderAllUnits } from "./systemd-units";

export interface ResticBackupArgs {
  /** The `homelab:backup` section: bucket, prefix, schedules, retention, vzdump. */
  readonly settings: NonNullable<Homelab["backup"]>;
  /** Every dataset; those with `backup: true` are snapshotted from their host path. */
  readonly datasets: Homelab["datasets"];
  /** The storage tiers; vzdump writes to the default bulk tier's Proxmox storage. */
  readonly tiers: Homelab["tiers"];
  /** The Postgres server whose dump is streamed into the repository, if any. */
  readonly postgres: Service | undefined;
  /** Every service; vzdump backs up each one's container. */
  readonly services: readonly Service[];
  /** SSH access to the Proxmox host, where restic runs (it sees every dataset). */
  readonly connection: HostConnection;
  readonly platform: ContainerPlatform;
  /** Secret: the restic repository password. Without a copy of it no backup can be restored. */
  readonly resticPassword: pulumi.Output<string>;
  /** Provider with a B2 key allowed to create buckets and keys. */
  readonly b2Provider: b2.Provider;
  /** When true, the bucket and key are not protected (they are still retained on destroy). */
  readonly allowDataLoss: boolean;
  /** Must exist first: the host with restic and node-exporter installed, the datasets, Postgres. */
  readonly dependsOn: readonly pulumi.Resource[];
  /** Where scripts, credentials, units and metrics live on the host. Defaults to HOST_LAYOUT. */
  readonly layout?: HostLayout;
  /**
   * On a cluster: what each node backs up. Left out, the host behind `connection` backs up everything,
   * prunes and checks, and one vzdump job covers every container.
   */
  readonly nodes?: readonly BackupNode[];
}

/** One node's share of the backups on a cluster. */
export interface BackupNode {
  readonly name: string;
  readonly connection: HostConnection;
  /** The datasets this node holds (restic reads them from its host paths). */
  readonly datasets: Homelab["datasets"];
  /** The Postgres server runs here, so its dump is taken here. */
  readonly postgres: Service | undefined;
  /** Prune and check run here: one node only, since prune takes the repository's exclusive lock. */
  readonly maintenance: boolean;
  /** The containers its vzdump job may find on it (its own, and the HA services that may move here). */
  readonly vmIds: readonly number[];
  /** The Proxmox storage its vzdump job writes to. */
  readonly vzdumpStorage: string | undefined;
}

/** Writes a file on the host atomically from stdin; `update` rewrites it in place, never deletes it. */
function writeFileCommand(path: string, mode: string): { create: string; update: string; delete: string } {
  const p = shellQuote(path);
  const dir = shellQuote(path.slice(0, path.lastIndexOf("/")) || "/");
  // Same bytes: the file stays as it is (a second run rewrites nothing; found by the rehearsal).
  const write = `set -eu; umask 077; mkdir -p ${dir}; tmp=$(mktemp ${p}.XXXXXX); cat >"$tmp"; chmod ${mode} "$tmp"; if cmp -s "$tmp" ${p}; then rm -f "$tmp"; else mv -f "$tmp" ${p}; fi; chmod ${mode} ${p}`;
  return { create: write, update: write, delete: `rm -f ${p}` };
}

/** Encrypted, deduplicated, verified backups to a private B2 bucket, plus vzdump to the RAID tier. */
export class ResticBackup extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketId: pulumi.Output<string>;
  /** `s3:https://<endpoint>/<bucket>/<prefix>`, the address restic uses. */
  public readonly repository: string;
  /** The timers that start the backup, prune and check jobs. */
  public readonly timers: readonly string[];
  /** The vzdump jobs: one, or one per node on a cluster. */
  public readonly vzdumps: readonly proxmoxve.backup.Job[];

  constructor(name: string, args: ResticBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:ResticBackup", name, {}, opts);
    const { settings } = args;
    const layout = args.layout ?? HOST_LAYOUT;
    const dataOpts = { parent: this, provider: args.b2Provider, protect: !args.allowDataLoss, retainOnDelete: !args.allowDataLoss };

    const bucket = new b2.Bucket(`${name}-bucket`, bucketArgs(settings), dataOpts);
    // One bucket through `bucketId`: `bucketIds` makes a multi-bucket key, which B2 accepts only on
    // b2_authorize_account v4, so tools on the older API fail with it (restic #5741).
    const key = new b2.ApplicationKey(
      `${name}-key`,
      { keyName: keyName(settings.bucket), bucketId: bucket.bucketId, namePrefix: keyNamePrefix(settings.prefix), capabilities: [...RESTIC_KEY_CAPABILITIES] },
      { ...dataOpts, additionalSecretOutputs: ["applicationKey", "applicationKeyId"] },
    );
    this.bucketName = bucket.bucketName;
    this.bucketId = bucket.bucketId;
    this.repository = s3Repository(settings.endpoint, settings.bucket, settings.prefix);

    const single = args.nodes === undefined;
    const nodes: readonly BackupNode[] = args.nodes ?? [
      {
        name: args.platform.proxmox.nodeName,
        connection: args.connection,
        datasets: args.datasets,
        postgres: args.postgres,
        maintenance: true,
        vmIds: args.services.map((s) => s.vmId),
        vzdumpStorage: defaultTier(args.tiers, "bulk")?.proxmoxStorage,
      },
    ];
    // Credentials reach the host only through stdin into 0600 files; nothing secret is in a command line.
    const envContent = pulumi
      .all([pulumi.secret(key.applicationKeyId), pulumi.secret(key.applicationKey)])
      .apply(([id, secret]) =>
        renderResticEnv({
          repository: this.repository,
          passwordFile: layout.passwordFile,
          s3: { accessKeyId: id, secretAccessKey: secret, region: regionOf(settings.endpoint) },
        }),
      );
    const timers: string[] = [];
    const vzdumps: proxmoxve.backup.Job[] = [];
    let firstInit: command.remote.Command | undefined;
    let firstPassword: command.remote.Command | undefined;
    for (const node of nodes) {
      // A single host keeps the names it always had; on a cluster each node's resources carry its name.
      const prefix = single ? name : `${name}-${node.name}`;
      const connection = sshConnection(node.connection);
      const sources = backupSources(node.datasets, node.postgres);
      if (settings.vzdump.enabled && node.vmIds.length > 0) {
        vzdumps.push(
          new proxmoxve.backup.Job(
            single ? `${name}-vzdump` : `${name}-vzdump-${node.name}`,
            {
              resourceId: single ? "homelab-vzdump" : `homelab-vzdump-${node.name}`,
              // A job limited to a node backs up only the listed guests that are on it when it runs.
              node: node.name,
              storage: node.vzdumpStorage ?? "",
              schedule: settings.vzdump.schedule,
              vmids: node.vmIds.map(String),
              mode: "snapshot",
              compress: "zstd",
              pruneBackups: { "keep-last": String(settings.vzdump.keepLast) },
              repeatMissed: true,
              enabled: true,
            },
            { parent: this, provider: args.platform.provider, dependsOn: [...args.dependsOn] },
          ),
        );
      }
      // A node holding nothing to back up needs restic only to prune and check.
      if (sources.length === 0 && !node.maintenance) continue;

      const hostOpts = { parent: this, dependsOn: [...args.dependsOn], deleteBeforeReplace: true };
      const secretFile = (part: string, path: string, content: pulumi.Output<string>): command.remote.Command =>
        new command.remote.Command(
          `${prefix}-${part}`,
          { connection, ...writeFileCommand(path, "0600"), stdin: pulumi.secret(content), logging: "none", addPreviousOutputInEnv: false },
          { ...hostOpts, additionalSecretOutputs: ["stdout", "stderr", "stdin"] },
        );
      const envFile = secretFile("env", layout.envFile, envContent);
      // A changed password is moved into the repository before the host forgets the old one; one node
      // at a time, so two nodes never remove the same old key.
      const rotation = renderPasswordRotation(layout.envFile, layout.passwordFile);
      const passwordFile = new command.remote.Command(
        `${prefix}-password`,
        {
          connection,
          create: rotation,
          update: rotation,
          delete: `rm -f ${shellQuote(layout.passwordFile)} ${shellQuote(`${layout.passwordFile}.new`)}`,
          stdin: pulumi.secret(args.resticPassword),
          logging: "none",
          addPreviousOutputInEnv: false,
        },
        { ...hostOpts, dependsOn: [...args.dependsOn, envFile, ...(firstPassword ? [firstPassword] : [])], additionalSecretOutputs: ["stdout", "stderr", "stdin"] },
      );
      firstPassword ??= passwordFile;

      const init = new command.remote.Command(
        `${prefix}-init`,
        {
          connection,
          create: renderInitCommand(layout.envFile),
          triggers: [this.repository],
          logging: "stderr",
          addPreviousOutputInEnv: false,
        },
        // One node creates the repository; the others find it there instead of racing to create it too.
        { ...hostOpts, dependsOn: [...args.dependsOn, envFile, passwordFile, ...(firstInit ? [firstInit] : [])] },
      );
      firstInit ??= init;

      const jobs = JOBS.filter((job) => job === "backup" || node.maintenance);
      // restic's --host: each node's snapshots are its own, and prune keeps the retention per host.
      const resticHost = node.name;
      const scriptInput = { settings, sources, resticHost, layout };
      const scripts = [
        ...jobs.map((job) => ({ part: `script-${job}`, path: scriptPath(layout, job), content: renderJobScript(job, scriptInput) })),
        { part: "script-restore", path: scriptPath(layout, "restore"), content: renderRestoreScript({ sources, resticHost, layout }) },
        { part: "script-state", path: scriptPath(layout, "state"), content: renderStateScript({ resticHost, layout }) },
      ].map(({ part, path, content }) =>
        new command.remote.Command(`${prefix}-${part}`, { connection, ...writeFileCommand(path, "0755"), stdin: content, addPreviousOutputInEnv: false }, hostOpts),
      );

      const units = renderAllUnits(settings, layout).filter((u) => jobs.includes(u.job));
      const unitFiles = units.flatMap((u) =>
        (["service", "timer"] as const).map((kind) => {
          const file = unitName(u.job, kind);
          return new command.remote.Command(
            `${prefix}-unit-${u.job}-${kind}`,
            { connection, ...writeFileCommand(`${layout.unitDir}/${file}`, "0644"), stdin: kind === "service" ? u.service : u.timer, addPreviousOutputInEnv: false },
            hostOpts,
          );
        }),
      );
      const nodeTimers = units.map((u) => unitName(u.job, "timer"));
      for (const t of nodeTimers) if (!timers.includes(t)) timers.push(t);
      const timerList = nodeTimers.join(" ");
      const enable = `systemctl daemon-reload && systemctl enable --now ${timerList}`;
      new command.remote.Command(
        `${prefix}-timers`,
        {
          connection,
          create: enable,
          update: enable,
          delete: `systemctl disable --now ${timerList} || true`,
          // Re-run after a unit changes, so systemd reloads what was rewritten.
          triggers: [contentHash(...units.flatMap((u) => [u.service, u.timer]))],
          addPreviousOutputInEnv: false,
        },
        { ...hostOpts, dependsOn: [init, ...scripts, ...unitFiles] },
      );

    }
    this.timers = timers;
    this.vzdumps = vzdumps;

    this.registerOutputs({ bucketName: this.bucketName, bucketId: this.bucketId, repository: this.repository, timers: this.timers });
  }
}
