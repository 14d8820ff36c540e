/**
 * The careless edits `npm run mutants` applies, one at a time, to see whether the tests notice.
 * Each is a change a hurried edit could make to a renderer or a check (an off-by-one, a flipped
 * comparison, a dropped flag, a wrong default, a secret moved to a command line), and each still
 * compiles: a mutant the type checker rejects proves nothing about the tests.
 *
 * `from` is the exact source text and must occur exactly once in `file` (test/mutants.test.ts checks
 * it, so the list cannot silently go stale when the code changes). `tests` are the fastest files that
 * cover the edit, fastest first: the run stops at the first one that fails.
 */

export interface Mutant {
  /** Stable kebab-case name, for `--only`. */
  readonly id: string;
  /** The defect, in one line. */
  readonly defect: string;
  /** Repository-relative path of the file the edit applies to. */
  readonly file: string;
  /** Exact text to replace; occurs exactly once in the file. */
  readonly from: string;
  readonly to: string;
  /** Repository-relative test files, fastest first. */
  readonly tests: readonly string[];
}

/** Joins source lines, so a multi-line edit reads as the code does. */
const lines = (...text: string[]): string => text.join("\n");

export const MUTANTS: readonly Mutant[] = [
  // --- config/: validation and cross-checks -------------------------------------------------------
  {
    id: "budget-tier-root-disks",
    defect: "the host budget's tier row reports only dataset quotas as allocated, leaving out the container root disks",
    file: "src/plan-report.ts",
    from: "t.capacityGiB, 0, t.usedGiB, t.headroomGiB] as const)",
    to: "t.capacityGiB, 0, t.datasetsGiB, t.headroomGiB] as const)",
    tests: ["test/budget.test.ts", "test/tiers.test.ts", "test/plan.test.ts"],
  },
  {
    id: "pg-budget-no-monitoring",
    defect: "max_connections leaves out the exporter's connections",
    file: "config/checks/postgres.ts",
    from: "maxConnections: poolsTotal + settings.adminConnections + settings.monitoringConnections,",
    to: "maxConnections: poolsTotal + settings.adminConnections,",
    tests: ["test/config.test.ts", "test/postgres.test.ts", "test/postgres-server.test.ts"],
  },
  {
    id: "pg-affordable-gte",
    defect: "a server whose memory affords exactly max_connections is refused (> flipped to >=)",
    file: "config/checks/postgres.ts",
    from: "if (budget.maxConnections > affordable) {",
    to: "if (budget.maxConnections >= affordable) {",
    tests: ["test/config-edges.test.ts", "test/config.test.ts", "test/bad-input.test.ts"],
  },
  {
    id: "startup-order-same-as-db",
    defect: "an app that starts together with its database is accepted (<= became <)",
    file: "config/checks/services.ts",
    from: "s.startupOrder <= postgres.startupOrder",
    to: "s.startupOrder < postgres.startupOrder",
    tests: ["test/config-edges.test.ts", "test/bad-input.test.ts", "test/config.test.ts"],
  },
  {
    id: "floating-version-case",
    defect: "the floating-version check lost its i flag: 'Latest' passes as a pin",
    file: "config/checks/services.ts",
    from: "|release|edge|\\*)$/i;",
    to: "|release|edge|\\*)$/;",
    tests: ["test/bad-input.test.ts", "test/config.test.ts"],
  },
  {
    id: "exclude-absolute-allowed",
    defect: "an absolute restic exclude pattern ('/etc/**') is accepted",
    file: "config/checks/backup.ts",
    from: 'if (pattern.startsWith("/") || pattern.split("/").includes("..")',
    to: 'if (pattern.split("/").includes("..")',
    tests: ["test/bad-input.test.ts", "test/config.test.ts"],
  },
  {
    id: "traefik-version-unanchored",
    defect: "the Traefik v3 version pattern is unanchored: 'v2.11.0-v3.0.0' or 'xv3.1.2' passes",
    file: "config/checks/ingress.ts",
    from: "const TRAEFIK_V3 = /^v3\\.\\d+\\.\\d+$/;",
    to: "const TRAEFIK_V3 = /v3\\.\\d+\\.\\d+/;",
    tests: ["test/bad-input.test.ts", "test/config.test.ts"],
  },
  // Not "the public mail domain check drops its toLowerCase()": the schema refuses an email domain
  // with capitals before the check runs, so that edit changes nothing (an equivalent mutant).
  {
    id: "broadcast-off-by-one",
    defect: "the broadcast address is computed one past the network's end, so a container may take the real one",
    file: "config/net.ts",
    from: "return cidr.network + cidrSize(cidr) - 1;",
    to: "return cidr.network + cidrSize(cidr);",
    tests: ["test/bad-input.test.ts", "test/config.test.ts"],
  },
  {
    id: "cidr-contains-last-address",
    defect: "a CIDR no longer contains its last address (<= became <)",
    file: "config/net.ts",
    from: "return value >= cidr.network && value <= broadcast(cidr);",
    to: "return value >= cidr.network && value < broadcast(cidr);",
    tests: ["test/config.test.ts", "test/firewall.test.ts", "test/bad-input.test.ts"],
  },
  {
    id: "retention-tb-decimal",
    defect: "Prometheus' retention.size TB is read as 1000 GiB instead of 1024",
    file: "config/checks/monitoring.ts",
    from: "TB: 1024 };",
    to: "TB: 1000 };",
    tests: ["test/config-edges.test.ts", "test/prometheus-units.test.ts", "test/config.test.ts", "test/bad-input.test.ts", "test/monitoring.test.ts"],
  },

  // --- components/shared-postgres/: pg_hba.conf, postgresql.conf, grants, the recipe ---------------
  {
    id: "hba-app-any-database",
    defect: "an app role may connect to every database, not only its own",
    file: "components/shared-postgres/pg-hba.ts",
    from: 'row("host", a.database, a.owner, `${a.ip}/32`, METHOD)',
    to: 'row("host", "all", a.owner, `${a.ip}/32`, METHOD)',
    tests: ["test/postgres.test.ts", "test/postgres-server.test.ts"],
  },
  {
    id: "hba-app-subnet",
    defect: "an app role may connect from its container's whole /24, not only its own address",
    file: "components/shared-postgres/pg-hba.ts",
    from: "a.owner, `${a.ip}/32`, METHOD)",
    to: "a.owner, `${a.ip}/24`, METHOD)",
    tests: ["test/postgres.test.ts", "test/postgres-server.test.ts"],
  },
  {
    id: "hba-container-reject-last",
    defect: "the rejects of the admin from containers come after the operator networks' allow (first match wins)",
    file: "components/shared-postgres/pg-hba.ts",
    from: lines(
      '    "# Never the admin from a container, whatever network it sits in.",',
      '    ...[...new Set(admin.containerIps)].sort(byAddress).map((ip) => row("host", "all", ADMIN_ROLE, `${ip}/32`, "reject")),',
      '    "# The admin from the Proxmox host and the operator\'s networks.",',
      '    row("host", "all", ADMIN_ROLE, `${admin.proxmoxHost}/32`, METHOD),',
      '    ...admin.operatorCidrs.map((cidr) => row("host", "all", ADMIN_ROLE, cidr, METHOD)),',
    ),
    to: lines(
      '    "# The admin from the Proxmox host and the operator\'s networks.",',
      '    row("host", "all", ADMIN_ROLE, `${admin.proxmoxHost}/32`, METHOD),',
      '    ...admin.operatorCidrs.map((cidr) => row("host", "all", ADMIN_ROLE, cidr, METHOD)),',
      '    "# Never the admin from a container, whatever network it sits in.",',
      '    ...[...new Set(admin.containerIps)].sort(byAddress).map((ip) => row("host", "all", ADMIN_ROLE, `${ip}/32`, "reject")),',
    ),
    tests: ["test/postgres.test.ts", "test/postgres-server.test.ts"],
  },
  {
    id: "pg-listen-everywhere",
    defect: "postgresql.conf listens on every address instead of loopback and the container's",
    file: "components/shared-postgres/postgresql-conf.ts",
    from: '["listen_addresses", `\'127.0.0.1,${plan.host}\'`],',
    to: '["listen_addresses", "\'*\'"],',
    tests: ["test/postgres.test.ts", "test/postgres-server.test.ts"],
  },
  {
    id: "pg-no-superuser-reserve",
    defect: "superuser_reserved_connections is dropped: apps at their pools can lock the admin out",
    file: "components/shared-postgres/postgresql-conf.ts",
    from: '    ["superuser_reserved_connections", String(plan.budget.admin)],\n',
    to: "",
    tests: ["test/postgres.test.ts", "test/postgres-server.test.ts"],
  },
  {
    id: "pg-work-mem-one-sort",
    defect: "work_mem is sized for one sort per connection instead of three",
    file: "components/shared-postgres/postgresql-conf.ts",
    from: "/ (maxConnections * 3))),",
    to: "/ maxConnections)),",
    tests: ["test/postgres.test.ts", "test/postgres-server.test.ts"],
  },
  {
    id: "grant-public-connect-kept",
    defect: "CONNECT is no longer revoked from PUBLIC on an app database",
    file: "components/shared-postgres/databases.ts",
    from: 'grants: [{ role: "public", privileges: [] }],',
    to: "grants: [],",
    tests: ["test/postgres.test.ts", "test/postgres-server.test.ts"],
  },
  {
    id: "app-role-createdb",
    defect: "app roles get CREATEDB",
    file: "components/shared-postgres/databases.ts",
    from: "  createDatabase: false,",
    to: "  createDatabase: true,",
    tests: ["test/postgres.test.ts", "test/postgres-server.test.ts"],
  },
  {
    id: "psql-password-argv",
    defect: "the recipe passes the Postgres superuser's password to psql as an argument instead of on stdin",
    file: "components/shared-postgres/recipe.ts",
    from: "printf \"ALTER ROLE ${ADMIN_ROLE} PASSWORD '%s';\\\\n\" \"$admin_password\" | runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres",
    to: "runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres -c \"ALTER ROLE ${ADMIN_ROLE} PASSWORD '$admin_password';\"",
    tests: ["test/proof-secret-argv.test.ts", "test/secret-argv-tools.test.ts", "test/postgres.test.ts", "test/proof-secrets.test.ts"],
  },
  {
    id: "pg-roles-unprotected",
    defect: "roles and databases lose protect: a plain destroy drops them",
    file: "components/shared-postgres/index.ts",
    from: "const keep = { protect: !platform.allowDataLoss, retainOnDelete: !platform.allowDataLoss };",
    to: "const keep = { retainOnDelete: !platform.allowDataLoss };",
    tests: ["test/proof-data.test.ts", "test/postgres.test.ts"],
  },

  // --- components/firewall/ -----------------------------------------------------------------------
  {
    id: "fw-guest-accept",
    defect: "containers' default input policy is ACCEPT instead of DROP",
    file: "components/firewall/proxmox-rules.ts",
    from: 'export const GUEST_POLICY = { inputPolicy: "DROP",',
    to: 'export const GUEST_POLICY = { inputPolicy: "ACCEPT",',
    tests: ["test/firewall.test.ts"],
  },
  {
    id: "fw-ssh-from-admin-networks",
    defect: "SSH to every container is opened to the admin networks instead of the operator networks",
    file: "components/firewall/matrix.ts",
    from: "for (const s of deployed) allow(operators, s, 22,",
    to: "for (const s of deployed) allow(lanClients, s, 22,",
    tests: ["test/firewall.test.ts"],
  },
  {
    id: "fw-postgres-from-admin-networks",
    defect: "Postgres is opened to the admin networks instead of the operator networks",
    file: "components/firewall/matrix.ts",
    from: "allow(operators, postgres, POSTGRES_PORT,",
    to: "allow(lanClients, postgres, POSTGRES_PORT,",
    tests: ["test/firewall.test.ts"],
  },
  {
    id: "fw-eval-range-end",
    defect: "the firewall evaluator leaves out the last port of a range (<= became <)",
    file: "components/firewall/evaluate.ts",
    from: "return port >= low && port <= high;",
    to: "return port >= low && port < high;",
    tests: ["test/firewall.test.ts"],
  },

  // --- components/tunnel-ingress/: tunnel rules, Traefik routes, units -----------------------------
  {
    id: "tunnel-no-catch-all",
    defect: "the tunnel's last rule is no longer the catch-all 404",
    file: "components/tunnel-ingress/tunnel-rules.ts",
    from: "      }),\n    CATCH_ALL,\n",
    to: "      }),\n",
    tests: ["test/ingress.test.ts", "test/ingress-config.test.ts"],
  },
  {
    id: "tunnel-publishes-lan",
    defect: "lan routes are published through the tunnel too",
    file: "components/tunnel-ingress/tunnel-rules.ts",
    from: '      .filter((r) => r.exposure !== "lan")\n',
    to: "",
    tests: ["test/ingress.test.ts", "test/firewall.test.ts"],
  },
  {
    id: "traefik-tls-twin-open",
    defect: "the websecure twin of a router no longer allows only the admin networks",
    file: "components/tunnel-ingress/traefik-routes.ts",
    from: "middlewares: [...new Set([MIDDLEWARES.lanOnly, ...plain.middlewares])],",
    to: "middlewares: plain.middlewares,",
    tests: ["test/ingress-traefik.test.ts", "test/acme.test.ts", "test/firewall.test.ts"],
  },
  {
    id: "traefik-no-host-header",
    defect: "Traefik no longer passes the Host header to the backend",
    file: "components/tunnel-ingress/traefik-routes.ts",
    from: "passHostHeader: true,",
    to: "passHostHeader: false,",
    tests: ["test/ingress-traefik.test.ts"],
  },
  {
    id: "cloudflared-token-argv",
    defect: "cloudflared gets the tunnel token on its command line instead of only from the 0600 environment file",
    file: "components/tunnel-ingress/cloudflared-unit.ts",
    from: "--metrics 0.0.0.0:${metricsPort} run\n",
    to: "--metrics 0.0.0.0:${metricsPort} run --token \\${TUNNEL_TOKEN}\n",
    tests: ["test/ingress.test.ts", "test/ingress-recipes.test.ts", "test/proof-secrets.test.ts"],
  },
  {
    id: "traefik-unit-no-bind-cap",
    defect: "traefik.service loses CAP_NET_BIND_SERVICE and cannot bind port 80 as its own user",
    file: "components/tunnel-ingress/traefik-unit.ts",
    from: "AmbientCapabilities=CAP_NET_BIND_SERVICE\n",
    to: "",
    tests: ["test/unit-files.test.ts", "test/ingress-recipes.test.ts", "test/ingress.test.ts"],
  },

  // --- components/restic-backup/: scripts, excludes, retention, units, bucket ---------------------
  {
    id: "restic-exclude-unanchored",
    defect: "a dataset's exclude pattern is passed unanchored, so it matches anywhere instead of below the dataset",
    file: "components/restic-backup/job-scripts.ts",
    from: 'args+=(--exclude "$path/$pattern")',
    to: 'args+=(--exclude "$pattern")',
    tests: ["test/backup.test.ts", "test/backup-restic.test.ts"],
  },
  {
    // Not "a zero passed as --keep-* 0": restic's default for every --keep-* is 0, so that edit
    // changes nothing restic does (an equivalent mutant, which no test could or should kill).
    id: "restic-weekly-from-daily",
    defect: "a copy-paste slip gives --keep-weekly the daily count",
    file: "components/restic-backup/job-scripts.ts",
    from: '["weekly", retention.weekly]',
    to: '["weekly", retention.daily]',
    tests: ["test/backup.test.ts", "test/backup-restic.test.ts"],
  },
  {
    id: "restic-group-by-host",
    defect: "forget groups snapshots by host only, so retention is no longer kept per source",
    file: "components/restic-backup/job-scripts.ts",
    from: '"--group-by", "host,tags"',
    to: '"--group-by", "host"',
    tests: ["test/backup.test.ts", "test/backup-restic.test.ts"],
  },
  {
    id: "restic-no-pipefail",
    defect: "the job scripts drop pipefail",
    file: "components/restic-backup/job-scripts.ts",
    from: "set -euo pipefail\n\nreadonly JOB=",
    to: "set -eu\n\nreadonly JOB=",
    tests: ["test/backup.test.ts", "test/backup-tools.test.ts", "test/backup-restic.test.ts"],
  },
  {
    id: "b2-key-prefix-no-slash",
    defect: "the B2 key's name prefix loses its slash and reaches restic-old/ beside restic/",
    file: "components/restic-backup/b2-access.ts",
    from: "export const keyNamePrefix = (prefix: string): string => `${prefix}/`;",
    to: "export const keyNamePrefix = (prefix: string): string => `${prefix}`;",
    tests: ["test/backup.test.ts", "test/proof-data.test.ts"],
  },
  {
    id: "b2-bucket-unprotected",
    defect: "the bucket and key lose protect: a plain destroy deletes the backups",
    file: "components/restic-backup/index.ts",
    from: "provider: args.b2Provider, protect: !args.allowDataLoss, retainOnDelete",
    to: "provider: args.b2Provider, retainOnDelete",
    tests: ["test/proof-data.test.ts", "test/backup.test.ts"],
  },
  {
    id: "restic-timer-not-persistent",
    defect: "a backup missed while the host was off is not caught up at boot",
    file: "components/restic-backup/systemd-units.ts",
    from: "Persistent=true",
    to: "Persistent=false",
    tests: ["test/backup.test.ts", "test/backup-tools.test.ts"],
  },
  {
    id: "restic-backup-timeout",
    defect: "the backup job is stopped after 12 h, so a first upload of terabytes is cut off every run",
    file: "config/schema/backup.ts",
    from: 'backupTimeout: jobTimeout.default("3d"),',
    to: 'backupTimeout: jobTimeout.default("12h"),',
    tests: ["test/backup.test.ts", "test/backup-tools.test.ts"],
  },

  // --- components/monitoring-stack/alert-rules.ts -------------------------------------------------
  {
    id: "alert-memory-half-threshold",
    defect: "ContainerMemoryPressure's expression is typed as 45% while its summary still says 90%",
    file: "components/monitoring-stack/alert-rules.ts",
    from: "(pve_memory_size_bytes{job=\"pve\",service!=\"\"} > 0) ${compares(t.ContainerMemoryPressure)}`",
    to: "(pve_memory_size_bytes{job=\"pve\",service!=\"\"} > 0) > 0.45`",
    tests: ["test/monitoring.test.ts", "test/alert-edges.test.ts", "test/monitoring-tools.test.ts"],
  },
  {
    id: "alert-connections-gte",
    defect: "PostgresConnectionsNearMax fires at exactly 80% (> typed as >=)",
    file: "components/monitoring-stack/alert-rules.ts",
    from: "(pg_settings_max_connections{job=\"postgres\"}) ${compares(t.PostgresConnectionsNearMax)}`",
    to: "(pg_settings_max_connections{job=\"postgres\"}) >= 0.8`",
    tests: ["test/monitoring.test.ts", "test/monitoring-tools.test.ts"],
  },
  {
    id: "alert-stale-hours-as-minutes",
    defect: "BackupStale counts backupStaleHours in minutes",
    file: "components/monitoring-stack/alert-rules.ts",
    from: "const HOUR = 3600;",
    to: "const HOUR = 60;",
    tests: ["test/monitoring.test.ts", "test/monitoring-tools.test.ts"],
  },
  {
    id: "alert-prune-failure-silent",
    defect: "BackupFailed watches only the backup job, so a failing prune never pages",
    file: "components/monitoring-stack/alert-rules.ts",
    from: '{${TASK_LABEL}=~"backup|prune"} != 0',
    to: '{${TASK_LABEL}="backup"} != 0',
    tests: ["test/monitoring.test.ts", "test/monitoring-tools.test.ts"],
  },

  // --- components/lxc-service/: secret files, fetched files, app units ---------------------------
  {
    id: "secret-file-umask",
    defect: "a secret file's temporary copy is created world-readable (umask 022 instead of 077)",
    file: "components/lxc-service/push-files.ts",
    from: '    "umask 077",',
    to: '    "umask 022",',
    tests: ["test/lxc-service.test.ts", "test/proof-secrets.test.ts"],
  },
  {
    id: "fetch-without-fail",
    defect: "curl without -f: an HTTP error page is cached as the fetched file",
    file: "components/lxc-service/push-files.ts",
    from: "curl -fsSL --retry 3",
    to: "curl -sSL --retry 3",
    tests: ["test/install-methods.test.ts", "test/lxc-service.test.ts"],
  },
  {
    id: "secret-step-logged",
    defect: "the command that pushes a secret file logs its output",
    file: "components/lxc-service/index.ts",
    from: 'logging: "none",',
    to: 'logging: "stdoutAndStderr",',
    tests: ["test/proof-secrets.test.ts", "test/lxc-service.test.ts"],
  },
  {
    id: "app-unit-no-restart",
    defect: "native apps' units are not restarted when the app crashes",
    file: "components/lxc-service/recipes/systemd-unit.ts",
    from: '"Restart=on-failure",',
    to: '"Restart=no",',
    tests: ["test/unit-files.test.ts", "test/lxc-recipes.test.ts", "test/lxc-service.test.ts"],
  },
  {
    id: "recipe-log-readable",
    defect: "a recipe's log, which may hold the secrets it printed, is readable by every user of the container",
    file: "components/lxc-service/push-files.ts",
    from: 'chmod 0600 "$homelab_log"',
    to: 'chmod 0644 "$homelab_log"',
    tests: ["test/lxc-recipes.test.ts"],
  },
  {
    id: "restic-rotation-keeps-old-key",
    defect: "a rotated restic password leaves the old one's key in the repository, so the old password still opens it",
    file: "components/restic-backup/key-rotation.ts",
    from: "    while opens ${cur}; do",
    to: "    while false; do",
    tests: ["test/backup-restic.test.ts"],
  },
];
