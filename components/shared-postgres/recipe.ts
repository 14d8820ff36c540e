import { POSTGRES_DATA_PATH } from "../../config/checks/postgres";
import { PRELUDE } from "../lxc-service/recipes/shell-steps";
import { fetchSigningKey, type SigningKey } from "../shared/signing-key";
import type { Service } from "../../config";
import type { ProvisionFile, Recipe } from "../lxc-service/types";
import { ADMIN_ROLE, type DatabasePlan } from "./databases";
import { renderExporterDropIn } from "./exporter-env";
import { renderPgHba, type AdminSources } from "./pg-hba";
import { renderPostgresqlConf } from "./postgresql-conf";

/** Where the rendered files land before the recipe installs them into the cluster's config. */
export const STAGING_DIR = "/etc/homelab/postgres";
export const ADMIN_PASSWORD_PATH = `${STAGING_DIR}/admin-password`;
/** Debian keeps every cluster under here; the server's NVMe dataset is mounted on it (config checks). */
export const DATA_ROOT = POSTGRES_DATA_PATH;

/**
 * The PostgreSQL major each Debian release packages itself, and whether it packages pgvector for it
 * (Debian 13: postgresql-17 and postgresql-17-pgvector; Debian 12: postgresql-15, no pgvector).
 */
export const DEBIAN_POSTGRES: Readonly<Record<string, { readonly major: number; readonly pgvector: boolean }>> = {
  trixie: { major: 17, pgvector: true },
  bookworm: { major: 15, pgvector: false },
};

/** Fingerprint of the PGDG archive signing key (ACCC4CF8): a tampered key fails the install. */
export const PGDG_KEY_FINGERPRINT = "B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8";
const PGDG_KEY: SigningKey = { name: "PGDG", url: "https://www.postgresql.org/media/keys/ACCC4CF8.asc", fingerprint: PGDG_KEY_FINGERPRINT };

export interface RecipeOptions {
  readonly server: Service;
  readonly plan: DatabasePlan;
  readonly admin: AdminSources;
  readonly vectorchordVersion: string;
  /** Port of the metrics exporter (the catalog's metrics port). */
  readonly exporterPort: number;
}

/**
 * Installs PostgreSQL `<major>` (Debian's where it packages it, else PGDG's) with the cluster on the mounted dataset, the extension
 * packages the apps need, and the metrics exporter. Idempotent: a second run changes nothing and
 * restarts the server only when its rendered configuration changed.
 */
export function renderRecipeScript(o: RecipeOptions): string {
  const v = o.plan.version;
  const user = o.server.user;
  const packages = [`postgresql-${v}`, "prometheus-postgres-exporter"];
  if (o.plan.sources.has("pgvector") || o.plan.sources.has("vectorchord")) packages.push(`postgresql-${v}-pgvector`);
  const conf = `/etc/postgresql/${v}/main`;
  const needsPgvector = o.plan.sources.has("pgvector") || o.plan.sources.has("vectorchord");
  const debianPairs = Object.entries(DEBIAN_POSTGRES)
    .filter(([, d]) => d.major === v && (!needsPgvector || d.pgvector))
    .map(([codename]) => `${codename}:${v}`);
  const lines = [
    `PG_MAJOR=${v}`,
    `DATA_ROOT=${DATA_ROOT}`,
    `CONF_DIR=${conf}`,
    "",
    "# The cluster must live on the dataset, never on the container's root disk.",
    'mountpoint -q "$DATA_ROOT" || { echo "$DATA_ROOT is not a mount: the postgres dataset is missing" >&2; exit 1; }',
    "",
    "# LxcService created the user with the dataset's ids before this recipe; no package may pick others.",
    `[ "$(id -u ${user.name}):$(id -g ${user.name})" = "${user.uid}:${user.gid}" ] || { echo "user ${user.name} is not ${user.uid}:${user.gid}" >&2; exit 1; }`,
    "",
    "# A cluster of another major on the dataset needs pg_upgradecluster, not a second empty cluster.",
    'for version_file in "$DATA_ROOT"/*/main/PG_VERSION; do',
    '  [ -f "$version_file" ] || continue',
    '  found="$(cat "$version_file")"',
    '  if [ "$found" != "$PG_MAJOR" ]; then echo "found a PostgreSQL $found cluster in $DATA_ROOT; upgrade it to $PG_MAJOR with pg_upgradecluster first" >&2; exit 1; fi',
    "done",
    "",
    'codename="$(sed -n \'s/^VERSION_CODENAME=//p\' /etc/os-release)"',
    `# Debian's own PostgreSQL where this release packages the major${needsPgvector ? " and pgvector" : ""}; PGDG otherwise.`,
    `case "$codename:$PG_MAJOR" in`,
    ...(debianPairs.length > 0 ? [`  ${debianPairs.join("|")}) ;;`] : []),
    "  *)",
    // The shared key step: a key already in place is checked again, and a wrong one is refused by name.
    ...fetchSigningKey(PGDG_KEY, "/etc/apt/keyrings/pgdg.gpg", true).trimEnd().split("\n").map((l) => `    ${l}`),
    '    echo "deb [signed-by=/etc/apt/keyrings/pgdg.gpg] https://apt.postgresql.org/pub/repos/apt $codename-pgdg main" > /etc/apt/sources.list.d/pgdg.list',
    "    apt-get update -q",
    "    ;;",
    "esac",
    "",
    "# The cluster is created below with our options, not by the package with its defaults.",
    "apt-get install -y -q --no-install-recommends postgresql-common",
    // Edited only while it still differs: sed -i rewrites the file even when nothing matches.
    "grep -qx 'create_main_cluster = false' /etc/postgresql-common/createcluster.conf || sed -i -E 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf",
    `apt-get install -y -q --no-install-recommends ${packages.join(" ")}`,
  ];
  lines.push(
    "",
    "# The cluster: created once; an existing data directory on the dataset is adopted as it is.",
    'if [ ! -d "$CONF_DIR" ]; then',
    '  if [ -f "$DATA_ROOT/$PG_MAJOR/main/PG_VERSION" ]; then',
    // A rebuilt container has the data (on the dataset) but not Debian's configuration (in /etc), and
    // pg_createcluster cannot adopt a data directory without its config files in it. So the config is
    // made around a scratch data directory and then pointed at the data (found by the rehearsal).
    '    scratch="$DATA_ROOT/$PG_MAJOR/.homelab-scratch"',
    '    rm -rf "$scratch"',
    '    pg_createcluster --user=postgres -d "$scratch" "$PG_MAJOR" main -- --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null',
    `    sed -i "s|^data_directory = .*|data_directory = '$DATA_ROOT/$PG_MAJOR/main'|" "$CONF_DIR/postgresql.conf"`,
    '    rm -rf "$scratch"',
    "  else",
    '    pg_createcluster --user=postgres "$PG_MAJOR" main -- --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --data-checksums',
    "  fi",
    "fi",
    "",
    "# Rendered configuration; a restart only when it changed (shared_preload_libraries, listen_addresses need one).",
    // On the first run neither file exists yet: under pipefail a bare `cat` would end the script here.
    'before="$({ cat "$CONF_DIR/conf.d/homelab.conf" "$CONF_DIR/pg_hba.conf" 2>/dev/null || true; } | sha256sum)"',
    'install -d -o postgres -g postgres -m 0755 "$CONF_DIR/conf.d"',
    // install always rewrites: copy only what changed, so a second run leaves the files (and the server) alone.
    `cmp -s ${STAGING_DIR}/postgresql.conf "$CONF_DIR/conf.d/homelab.conf" || install -o postgres -g postgres -m 0644 ${STAGING_DIR}/postgresql.conf "$CONF_DIR/conf.d/homelab.conf"`,
    `cmp -s ${STAGING_DIR}/pg_hba.conf "$CONF_DIR/pg_hba.conf" || install -o postgres -g postgres -m 0640 ${STAGING_DIR}/pg_hba.conf "$CONF_DIR/pg_hba.conf"`,
    'after="$(cat "$CONF_DIR/conf.d/homelab.conf" "$CONF_DIR/pg_hba.conf" | sha256sum)"',
    'systemctl enable "postgresql@$PG_MAJOR-main"',
    'if [ "$before" != "$after" ]; then systemctl restart "postgresql@$PG_MAJOR-main"; else systemctl start "postgresql@$PG_MAJOR-main"; fi',
    'for _ in $(seq 1 60); do pg_isready -q -h /var/run/postgresql && break; sleep 1; done',
    'pg_isready -h /var/run/postgresql',
    "",
    "# The admin password: read from its 0600 file and handed to psql on stdin, never on a command line.",
    `admin_password="$(cat ${ADMIN_PASSWORD_PATH})"`,
    // The generated passwords use only these characters, so the literal below needs no quoting.
    'case "$admin_password" in *[!A-Za-z0-9._~-]*) echo "the admin password has characters outside A-Za-z0-9._~-" >&2; exit 1 ;; esac',
    `printf "ALTER ROLE ${ADMIN_ROLE} PASSWORD '%s';\\n" "$admin_password" | runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres`,
    "unset admin_password",
    "",
    "# The metrics exporter: its secret settings come from the 0600 env file through the drop-in.",
    "systemctl daemon-reload",
    "systemctl enable prometheus-postgres-exporter",
    // Restarted only when its settings changed, so a second run restarts nothing.
    "restart_if_changed prometheus-postgres-exporter /etc/systemd/system/prometheus-postgres-exporter.service.d/homelab.conf /etc/homelab/postgres-exporter.env",
    'ensure_active "postgresql@$PG_MAJOR-main" prometheus-postgres-exporter',
  );
  // The shared prelude: non-interactive apt with ca-certificates, curl and gnupg, restart_if_changed, ensure_active.
  return `${PRELUDE}${lines.join("\n")}\n`;
}

/** The server's recipe: the script plus the rendered, non-secret files it installs. */
export function postgresRecipe(o: RecipeOptions): Recipe {
  const files: ProvisionFile[] = [
    { path: `${STAGING_DIR}/postgresql.conf`, content: renderPostgresqlConf(o.plan, o.server.memoryMiB), mode: "0644" },
    { path: `${STAGING_DIR}/pg_hba.conf`, content: renderPgHba(o.plan, o.admin), mode: "0644" },
    { path: "/etc/systemd/system/prometheus-postgres-exporter.service.d/homelab.conf", content: renderExporterDropIn(), mode: "0644" },
  ];
  return { script: renderRecipeScript(o), files };
}

