import * as command from "@pulumi/command";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Homelab, Service } from "../../config";
import { LxcService } from "../lxc-service";
import { execStdinCommand, renderRecipeScript } from "../lxc-service/push-files";
import type { ProvisionFile } from "../lxc-service/types";
import { sshConnection } from "../shared/connection";
import { SUPPORTED_EXTENSIONS } from "../../config/schema/postgres";
import { nodeAccess, type ContainerPlatform } from "../shared/platform";
import { ADMIN_ROLE, APP_ROLE_ATTRIBUTES, DATABASE_DEFAULTS, planDatabases, type DatabasePlan } from "./databases";
import { DB_ENV_PATH, renderDbEnv } from "./db-env";
import { EXPORTER_ENV_PATH, renderExporterEnv } from "./exporter-env";
import { ADMIN_PASSWORD_PATH, postgresRecipe } from "./recipe";
import { renderPreloadScript } from "./vectorchord";

export interface SharedPostgresArgs {
  /** The service hosting the cluster (role postgres); its NVMe dataset holds the data directory. */
  readonly server: Service;
  /** Services to consider; those with a `database` each get a role and a database. */
  readonly apps: readonly Service[];
  /** The `homelab:postgres` section: major version, connection headroom, monitoring role. */
  readonly settings: Homelab["postgres"];
  /** Networks the admin may connect from besides the Proxmox host (`homelab:network.operatorCidrs`). */
  readonly operatorCidrs: readonly string[];
  /** Every container's address; the admin is refused from each of them. */
  readonly containerIps: readonly string[];
  readonly platform: ContainerPlatform;
  /** Resources the server container waits for (the dataset directories). */
  readonly dependsOn: readonly pulumi.Resource[];
}

/** A file an app's provisioning writes with mode 0600: its connection settings, password included. */
export interface ConnectionFile {
  readonly path: string;
  /** Secret. */
  readonly content: pulumi.Output<string>;
}

/**
 * Generated passwords use letters, digits and `-_.~` only: safe unquoted in env files, URIs and SQL
 * literals, and still 190+ bits at 32 characters.
 */
const passwordArgs: random.RandomPasswordArgs = { length: 32, special: true, overrideSpecial: "-_.~", minLower: 1, minUpper: 1, minNumeric: 1 };

/** One PostgreSQL LXC with a database and a least-privilege role per app. */
export class SharedPostgres extends pulumi.ComponentResource {
  public readonly server: LxcService;
  /** The server's address on the LAN (its container's IP). */
  public readonly host: string;
  public readonly port: number;
  /** Secret: the admin (`postgres`) password. */
  public readonly adminPassword: pulumi.Output<string>;
  /** Secret: the metrics exporter's password. */
  public readonly monitoringPassword: pulumi.Output<string>;
  public readonly monitoringRole: string;
  /** Per app service name: the 0600 env file with its connection settings, for its provisioning. */
  public readonly connectionFiles: Readonly<Record<string, ConnectionFile>>;
  /**
   * Per app service name: its role, database, grants and extensions. An app waits for these, not for
   * the whole component, so one app's extension that cannot be installed holds back that app alone.
   */
  public readonly readyFor: Readonly<Record<string, readonly pulumi.Resource[]>>;
  /** Provider for further objects on the server (admin credentials). */
  public readonly provider: postgresql.Provider;
  public readonly plan: DatabasePlan;

  constructor(name: string, args: SharedPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:SharedPostgres", name, {}, opts);
    const { server, settings, platform } = args;
    const plan = planDatabases(server, args.apps, settings);
    this.plan = plan;
    this.host = plan.host;
    this.port = plan.port;
    this.monitoringRole = plan.monitoring.role;
    // Roles and databases outlive a destroy; only allowDataLoss lets one remove them.
    const keep = { protect: !platform.allowDataLoss, retainOnDelete: !platform.allowDataLoss };

    // RandomPassword marks `result` secret through the engine; wrapping keeps it secret everywhere.
    const password = (part: string): pulumi.Output<string> =>
      pulumi.secret(new random.RandomPassword(`${name}-${part}-password`, passwordArgs, { parent: this }).result);
    this.adminPassword = password("admin");
    this.monitoringPassword = password("monitoring");

    const exporterPort = server.metrics[0]?.port ?? 9187;
    const secretFiles: ProvisionFile[] = [
      { path: ADMIN_PASSWORD_PATH, content: this.adminPassword, mode: "0600", secret: true },
      {
        path: EXPORTER_ENV_PATH,
        content: pulumi.secret(this.monitoringPassword.apply((pw) => renderExporterEnv({ role: plan.monitoring.role, password: pw, database: plan.monitoring.database, listenPort: exporterPort }))),
        mode: "0600",
        secret: true,
      },
    ];
    this.server = new LxcService(server.name, {
      service: server,
      platform,
      recipe: postgresRecipe({ server, plan, admin: { proxmoxHost: platform.proxmox.sshAddress, operatorCidrs: args.operatorCidrs, containerIps: args.containerIps }, vectorchordVersion: settings.vectorchordVersion, exporterPort }),
      files: secretFiles,
      dependsOn: args.dependsOn,
    }, { parent: this });

    // Preloaded libraries (VectorChord) come in their own step, so the server serves every other app
    // even when that download fails; only the extensions that need the library wait for it.
    const preload = plan.preloadLibraries.length > 0
      ? new command.remote.Command(`${name}-preload`, {
          connection: sshConnection(nodeAccess(platform, server.node).connection),
          create: execStdinCommand(server.vmId),
          stdin: renderRecipeScript(renderPreloadScript(plan, settings.vectorchordVersion, settings.vectorchordSha256), `${name}-preload`, server.vmId),
          triggers: [renderPreloadScript(plan, settings.vectorchordVersion, settings.vectorchordSha256)],
          addPreviousOutputInEnv: false,
          // Runs again on a rebuilt server container, like the server's own provisioning.
        }, { parent: this, dependsOn: [this.server], replaceWith: [this.server.container] })
      : undefined;

    // Only once the server is provisioned (the whole LxcService, its recipe included) can anyone log in.
    this.provider = new postgresql.Provider(`${name}-provider`, {
      host: plan.host,
      port: plan.port,
      username: ADMIN_ROLE,
      password: this.adminPassword,
      database: "postgres",
      superuser: true,
      expectedVersion: String(plan.version),
      connectTimeout: 30,
    }, { parent: this, dependsOn: [this.server] });
    const onServer = { parent: this, provider: this.provider };

    const files: Record<string, ConnectionFile> = {};
    const readyFor: Record<string, pulumi.Resource[]> = {};
    for (const app of plan.apps) {
      const own: pulumi.Resource[] = [];
      const appPassword = password(app.service);
      const role = new postgresql.Role(`${name}-${app.service}-role`, {
        name: app.owner,
        ...APP_ROLE_ATTRIBUTES,
        connectionLimit: app.connectionLimit,
        password: appPassword,
      }, { ...onServer, ...keep });
      const database = new postgresql.Database(`${name}-${app.service}-database`, {
        name: app.database,
        owner: role.name,
        ...DATABASE_DEFAULTS,
      }, { ...onServer, ...keep });
      own.push(role, database);
      app.grants.forEach((g) => {
        own.push(new postgresql.Grant(`${name}-${app.service}-${g.role}-database-privileges`, {
          database: database.name,
          objectType: "database",
          role: g.role,
          privileges: [...g.privileges],
        }, onServer));
      });
      // One after another: `vchord ... CASCADE` and `vector` must not race to create the same type.
      let previous: pulumi.Resource[] = [];
      for (const extension of app.extensions) {
        const created = new postgresql.Extension(`${name}-${app.service}-${extension}`, {
          name: extension,
          database: database.name,
          createCascade: true,
        }, { ...onServer, dependsOn: [...previous, ...(preload && SUPPORTED_EXTENSIONS[extension]?.preload ? [preload] : [])], retainOnDelete: !platform.allowDataLoss });
        previous = [created];
        own.push(created);
      }
      readyFor[app.service] = own;
      files[app.service] = {
        path: DB_ENV_PATH,
        content: pulumi.secret(appPassword.apply((pw) => renderDbEnv({ host: plan.host, port: plan.port, database: app.database, user: app.owner, password: pw }))),
      };
    }
    this.connectionFiles = files;
    this.readyFor = readyFor;

    const monitor = new postgresql.Role(`${name}-monitoring-role`, {
      name: plan.monitoring.role,
      ...APP_ROLE_ATTRIBUTES,
      connectionLimit: plan.monitoring.connectionLimit,
      password: this.monitoringPassword,
    }, { ...onServer, ...keep });
    for (const member of plan.monitoring.memberOf) {
      new postgresql.GrantRole(`${name}-monitoring-${member.replace(/_/g, "-")}`, { role: monitor.name, grantRole: member }, onServer);
    }

    this.registerOutputs({ host: this.host, port: this.port, adminPassword: this.adminPassword, monitoringPassword: this.monitoringPassword });
  }
}
