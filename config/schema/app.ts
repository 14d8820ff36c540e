import * as z from "zod";
import { absolutePath, dnsLabel, exposure, pgIdentifier, port, tierRef } from "./common";
import { datasetContent } from "./storage";

/** What part the service plays; infrastructure roles are wired by their components. */
export const serviceRole = z.enum(["app", "postgres", "traefik", "cloudflared", "prometheus", "grafana"]);
export type ServiceRole = z.infer<typeof serviceRole>;

/** A dataset the app owns, created as `<service>-<key>` and mounted at `path`. */
export const ownDatasetSchema = z.strictObject({
  /** A tier's name, or fast/bulk for that class's default tier. */
  tier: tierRef,
  /** Mount point inside the container. */
  path: absolutePath,
  /** Planned size in GiB, counted against the tier's capacity. */
  quotaGiB: z.number().int().min(1),
  content: datasetContent,
  /** Back up with restic. Defaults to true for state, photos, documents and media. */
  backup: z.boolean().optional(),
  /** Glob patterns restic skips inside this dataset. */
  excludes: z.array(z.string().min(1)).default([]),
  /**
   * Live SQLite databases the app keeps open in this dataset, relative to it (e.g. `grafana.db`). The
   * backup takes an online copy of each (`sqlite3 .backup`) and snapshots the copy, not the live file.
   */
  sqlite: z.array(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]*\.(db|sqlite3?)$/, { message: "must be a database file relative to the dataset, like data/library.db" })).default([]),
  /** Mode of the host directory. Defaults to 0750. */
  mode: z.string().regex(/^[0-7]{3,4}$/).default("0750"),
  /**
   * Take over data that was already in the directory: once, chown everything in it to the dataset's
   * owner (a `.homelab-adopted` marker remembers it; a changed owner adopts again). Off by default: only the top
   * directory is ever chowned otherwise.
   */
  adopt: z.boolean().default(false),
});

/** A shared dataset from `storage.datasets` mounted into the container. */
export const sharedMountSchema = z.strictObject({
  /** Mount point inside the container. */
  path: absolutePath,
  /** Mount it read-only. Defaults to false. */
  readOnly: z.boolean().default(false),
});

export const routeSchema = z.strictObject({
  /** Port the app listens on inside its container. */
  port,
  /** Path that answers 2xx when the app is healthy. */
  healthPath: z.string().startsWith("/").default("/"),
  exposure: exposure.default("protected"),
});

export const metricsSchema = z.strictObject({
  /** Port of the metrics endpoint inside the container. */
  port,
  /** Path of the metrics endpoint. Defaults to /metrics. */
  path: z.string().startsWith("/").default("/metrics"),
});

export const databaseSchema = z.strictObject({
  /** Database name. Defaults to the service name with - replaced by _. */
  name: pgIdentifier.optional(),
  /** Login role. Defaults to the database name. */
  user: pgIdentifier.optional(),
  /** Connections the app opens at most; the role's connection limit and part of max_connections. */
  pool: z.number().int().min(1).max(500),
  /** Extensions created by the admin before the app starts. */
  extensions: z.array(z.string().regex(/^[a-z][a-z0-9_-]*$/)).default([]),
});

/** A vendor apt repository for `debian` packages, trusted only with the signing key of this fingerprint. */
export const vendorRepositorySchema = z.strictObject({
  /** Repository URL, e.g. https://repo.example.org/debian. */
  url: z.string(),
  /** Suite (distribution) line of the repository, e.g. trixie or stable. */
  suite: z.string(),
  /** Components of the suite. Defaults to main. */
  components: z.array(z.string()).default(["main"]),
  /** URL of the signing key (armored or binary). */
  keyUrl: z.string(),
  /** Full 40-hex fingerprint of the signing key; a key with any other fingerprint fails the install. */
  fingerprint: z.string(),
});

export const installSchema = z.strictObject({
  /**
   * How the app is installed. `compose`: a compose file from the repository; `debian`: Debian (or a
   * vendor repository's) packages; `script`: a shell script from the repository; `helper-script`: a
   * community-scripts/ProxmoxVE install script pinned to a commit. `vendor-apt` and `binary` are the
   * catalog's own recipes.
   */
  method: z.enum(["debian", "vendor-apt", "compose", "binary", "script", "helper-script"]),
  /** The pinned version a catalog recipe installs (package version, image tag or release). */
  version: z.string().min(1).optional(),
  /** `compose` and `script`: the file in the repository. Defaults to apps/<service>/compose.yaml or apps/<service>/install.sh. */
  file: z.string().optional(),
  /** `debian`: package name → upstream version glob (`0.107.*`), never an exact Debian revision. */
  packages: z.record(z.string(), z.string()).optional(),
  /** `debian`: the vendor repository the packages come from; Debian's own archive when left out. */
  repository: vendorRepositorySchema.optional(),
  /** `helper-script`: the script's name in install/<script>-install.sh. Defaults to the service's app name. */
  script: z.string().optional(),
  /** `helper-script`: the community-scripts/ProxmoxVE commit (40 hex) the script is fetched from. */
  commit: z.string().optional(),
  /**
   * `helper-script`: sha256 of the script; when given, a script with other bytes is refused. A catalog
   * `binary` app (the *arr tarballs; Traefik's is `homelab:ingress.traefikSha256`): sha256 of the release
   * download, which the catalog does not pin; until it is set the plan warns that it is unverified.
   */
  sha256: z.string().optional(),
  /**
   * The version running now, as deployed by the last `pulumi up`. The program keeps no memory of it,
   * so the stack file says it; the checks compare it with `version` against the app's `upgrade` rule.
   */
  from: z.string().min(1).optional(),
});
export type InstallSpec = z.infer<typeof installSchema>;

/** What a new major release of a stateful app asks of its operator, as its vendor documents it. */
export const upgradeRuleSchema = z.strictObject({
  /** Each major release must have run once before the next one starts: a jump over a major is refused. */
  oneMajorAtATime: z.boolean().default(false),
  /** The data must be backed up before a major upgrade: its migration cannot be rolled back. */
  backupFirst: z.boolean().default(false),
  /** The vendor's migration notes for a major step, named in the plan's warning. */
  note: z.string().default(""),
});
export type UpgradeRule = z.infer<typeof upgradeRuleSchema>;

/**
 * How an app's first administrator comes to exist. `none`: the app opens no setup page to visitors.
 * `claimed`: the recipe creates the admin at converge from a generated secret (a secret stack output).
 * `wizard`: the app hands its setup page to whoever arrives first, so its public routes stay behind
 * Cloudflare Access until the stack file says `setupDone: true`.
 */
export const firstBoot = z.enum(["none", "claimed", "wizard"]);
export type FirstBoot = z.infer<typeof firstBoot>;

/** Everything that describes an app; catalog entries and stack-file overrides merge into one of these. */
export const appSpecSchema = z.strictObject({
  /** What the app is, in a line: the container's notes in Proxmox and its systemd unit's Description. */
  description: z.string().default(""),
  role: serviceRole.default("app"),
  /** Key of a template in `proxmox.templates`. Defaults to debian-13 (Proxmox VE 9); debian-12 stays selectable per service. */
  template: dnsLabel.default("debian-13"),
  /** CPU cores the container may use; cores are shared, so the containers' sum may exceed the host's. */
  cores: z.number().int().min(1).max(64),
  /** Memory limit in MiB. */
  memoryMiB: z.number().int().min(64),
  /** Swap in MiB. Defaults to 512. */
  swapMiB: z.number().int().min(0).default(512),
  /** Root disk in GiB on the NVMe root storage. */
  diskGiB: z.number().int().min(2),
  /** Run unprivileged (uids shifted by 100000 on the host). Defaults to true; false needs `privilegedReason`. */
  unprivileged: z.boolean().default(true),
  /** Why this container must be privileged. */
  privilegedReason: z.string().min(10, { message: "a privileged container needs a reason of at least 10 characters" }).optional(),
  /** LXC feature flags; any but `nesting` needs `auth: password` (root@pam), as an API token cannot set them. */
  features: z
    .strictObject({
      /** Nested namespaces: Docker needs it, and so do units using systemd sandboxing under Proxmox's AppArmor. Defaults to false. */
      nesting: z.boolean().default(false),
      /** The keyctl system call, which Docker needs in an unprivileged container. Defaults to false. */
      keyctl: z.boolean().default(false),
      /** FUSE mounts inside the container. Defaults to false. */
      fuse: z.boolean().default(false),
    })
    .default({ nesting: false, keyctl: false, fuse: false }),
  /** Devices passed through, e.g. /dev/dri/renderD128 for hardware transcoding. */
  devices: z
    .array(
      z.strictObject({
        /** The device node on the host, under /dev/. */
        path: absolutePath.startsWith("/dev/", { message: "must be a device under /dev/, e.g. /dev/dri/renderD128" }),
        /** Group that owns the device inside the container (the render group for /dev/dri). Defaults to 0. */
        gid: z.number().int().min(0).max(65535).default(0),
        /** Mode of the device inside the container. Defaults to 0660. */
        mode: z.string().regex(/^0[0-7]{3}$/).default("0660"),
      }),
    )
    .default([]),
  /** The user the app runs as inside the container, owner of its datasets. */
  user: z.strictObject({
    /** The account's name. */
    name: z.string().regex(/^[a-z_][a-z0-9_-]*$/),
    /** Its uid inside the container; the host sees 100000+uid when unprivileged. */
    uid: z.number().int().min(0).max(65535),
    /** Its gid inside the container. */
    gid: z.number().int().min(0).max(65535),
  }),
  /** The app's own datasets by key, each created as `<service>-<key>`; nested settings merge over the catalog's. */
  datasets: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), ownDatasetSchema).default({}),
  /** Shared datasets by name; `false` drops one the catalog mounts (e.g. for the hardlink layout). */
  mounts: z.record(z.string(), z.union([sharedMountSchema, z.literal(false)])).default({}),
  /** The app's web interface, routed as `<subdomain>.<domain>`. */
  web: routeSchema.optional(),
  /** More routes served by the same container, keyed by subdomain (e.g. alertmanager beside prometheus). */
  extraRoutes: z.record(dnsLabel, routeSchema).default({}),
  /** Metrics endpoints Prometheus scrapes in the container. */
  metrics: z.array(metricsSchema).default([]),
  database: databaseSchema.optional(),
  /**
   * Other services that may connect straight to this one's route ports, past Traefik (e.g. sonarr and
   * radarr to qbittorrent's API). Everything else reaches them only through Traefik. Defaults to none.
   */
  allowFrom: z.array(dnsLabel).default([]),
  /** Paths where the app keeps state; each must lie on a dataset so a replaced container loses nothing. */
  statePaths: z.array(absolutePath).default([]),
  /** How the app is installed: its method, pinned version and the method's own keys. */
  install: installSchema,
  /** How the app crosses a major version; an app without one gets only the plan's warning. */
  upgrade: upgradeRuleSchema.optional(),
  /** Boot order; lower starts first (Postgres before the apps that use it). */
  startupOrder: z.number().int().min(1).max(999).default(50),
  /** Proxmox tags of the container, beside `homelab` and its role. */
  tags: z.array(z.string().regex(/^[a-z0-9_-]+$/)).default([]),
  firstBoot: firstBoot.default("none"),
  /**
   * The operator has created the admin in the app's setup wizard: its `public` routes are published as
   * public. Until then they are held behind Access. Defaults to false.
   */
  setupDone: z.boolean().default(false),
});

export type AppSpecInput = z.input<typeof appSpecSchema>;
export type AppSpec = z.infer<typeof appSpecSchema>;

/** A service entry as written in the stack file: placement plus overrides of its catalog app. */
export const serviceEntrySchema = z.looseObject({
  /** Catalog app. Defaults to the service's own name. */
  app: z.string().optional(),
  /** Proxmox VMID; unique on the host. */
  vmId: z.number().int().min(100).max(999999999),
  /** Static IPv4 address on the LAN. */
  ip: z.string(),
  /** Container hostname. Defaults to the service name. */
  hostname: z.string().optional(),
  /** Subdomain of the web route. Defaults to the service name. */
  subdomain: z.string().optional(),
  /** Set false to keep the app's database out (e.g. an app that uses SQLite instead). */
  database: z.unknown().optional(),
  /** On a cluster: the node the service runs on. Left out, the plan places it (see docs/cluster.md). */
  node: z.string().optional(),
  /** On a cluster: let the HA manager restart the service on another node when its node fails. */
  ha: z.boolean().optional(),
});
export const servicesSchema = z.record(z.string(), serviceEntrySchema);
