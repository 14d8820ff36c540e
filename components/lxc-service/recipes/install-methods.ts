import { yamlLibrary } from "../../../config/yaml-library";
import type { InstallSource, Service } from "../../../config";
import { codePointOrder } from "../../../config/order";
import { shellJoin } from "../../shared/shell";
import type { Recipe } from "../types";
import { composeFileRecipe, databaseEnvFile } from "./compose";
import { HELPER_FUNCTIONS } from "./helper-functions";
import { aptRepo, debianPinned, PRELUDE } from "./shell-steps";

/**
 * The install methods any app can use, catalog or not, from what the stack file and the repository
 * describe (checked by the config before anything is provisioned).
 */

type Source<K extends InstallSource["kind"]> = Extract<InstallSource, { kind: K }>;

/** Where pushed install scripts and the helper interface live in the container. */
export const INSTALL_DIR = "/usr/local/lib/homelab";

/** The database settings a compose file from the repository gets, by the names the shared env file uses. */
const COMPOSE_DATABASE_ENV: Readonly<Record<string, string>> = {
  PGHOST: '"$PGHOST"',
  PGPORT: '"$PGPORT"',
  PGDATABASE: '"$PGDATABASE"',
  PGUSER: '"$PGUSER"',
  PGPASSWORD: '"$PGPASSWORD"',
  DATABASE_URL: '"postgresql://$(urlencode "$PGUSER"):$(urlencode "$PGPASSWORD")@$PGHOST:$PGPORT/$PGDATABASE"',
};

/** As the catalog's compose files: every string double-quoted, so no YAML 1.1 reader turns 9000:9000 into a number. */
const COMPOSE_YAML = { lineWidth: 0, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" } as const;

/**
 * A compose file of the repository: named for the service, every container restarted after a reboot,
 * and, for an app with a database, each service reads the 0600 db.env (also Compose's --env-file, so
 * values like `${PGHOST}` resolve).
 */
export function composeFromRepository(service: Service, source: Source<"compose">): Recipe {
  const { parse, stringify } = yamlLibrary();
  const doc = parse(source.text) as { services: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  for (const svc of Object.values(doc.services)) {
    svc.restart ??= "unless-stopped";
    if (service.database) {
      const existing = svc.env_file === undefined ? [] : Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file];
      svc.env_file = [...existing, databaseEnvFile(service)];
    }
  }
  // The project is named for the service, whatever the file calls it.
  const content = `# Rendered by homelab-as-code for ${service.name} from ${source.file}; edits are overwritten.\n${stringify({ ...doc, name: service.name }, COMPOSE_YAML)}`;
  return composeFileRecipe(service, content, service.database ? COMPOSE_DATABASE_ENV : undefined, true);
}

/** Packages pinned by upstream glob, from Debian or from a vendor repository trusted by fingerprint. */
export function debianPackages(service: Service, source: Source<"debian">): Recipe {
  const name = `homelab-${service.name}`;
  const r = source.repository;
  if (!r) return { script: `${PRELUDE}${debianPinned(service.name, source.packages)}`, files: [] };
  const repo = aptRepo({ name, key: { name: service.name, url: r.keyUrl, fingerprint: r.fingerprint }, keyFile: `${name}.gpg`, dearmor: true, uri: r.url, suite: r.suite, components: r.components, pins: source.packages });
  const pkgs = Object.keys(source.packages).sort();
  const checks = pkgs.map((p) => `check_version ${shellJoin([p, source.packages[p] ?? ""])}`).join("\n");
  return { script: `${PRELUDE}${repo}apt_install ${pkgs.join(" ")}\n${checks}\n`, files: [] };
}

/** What an install script learns about its service, as environment variables. */
function serviceEnv(service: Service): Record<string, string> {
  const env: Record<string, string> = { HOMELAB_SERVICE: service.name, HOMELAB_USER: service.user.name };
  const route = service.routes[0];
  if (route) env.HOMELAB_URL = `https://${route.fqdn}`;
  if (service.database) env.HOMELAB_DB_ENV = "/etc/homelab/db.env";
  return env;
}

const exports = (env: Readonly<Record<string, string>>): string =>
  Object.entries(env)
    .sort(([a], [b]) => codePointOrder(a, b))
    .map(([k, v]) => `export ${k}=${shellJoin([v])}`)
    .join("\n");

/** A script of the repository, pushed and run as root on every converge: it must be idempotent. */
export function repositoryScript(service: Service, source: Source<"script">): Recipe {
  const path = `${INSTALL_DIR}/install/${service.name}.sh`;
  return {
    script: `${PRELUDE}${exports(serviceEnv(service))}\nbash ${path}\n`,
    files: [{ path, content: source.text, mode: "0755", owner: "root:root" }],
  };
}

/** The raw URL of a community-scripts/ProxmoxVE install script at a commit. */
export const helperScriptUrl = (script: string, commit: string): string =>
  `https://raw.githubusercontent.com/community-scripts/ProxmoxVE/${commit}/install/${script}-install.sh`;

/**
 * A community-scripts install script: fetched on the host at its commit (sha256 checked when pinned),
 * run once per pin inside the container with the homelab's own helper functions. Each prompt it asks
 * reads `n` from stdin, so optional extras are declined and nothing waits for a terminal.
 */
export function helperScript(service: Service, source: Source<"helper-script">): Recipe {
  const script = `${INSTALL_DIR}/helper-scripts/${source.script}-install.sh`;
  const functions = `${INSTALL_DIR}/helper-functions.sh`;
  const pin = `${source.commit}:${source.sha256 ?? ""}`;
  const env: Record<string, string> = {
    ...serviceEnv(service),
    APPLICATION: source.script,
    app: source.script,
    VERBOSE: "yes",
    DISABLEIPV6: "no",
    PASSWORD: "",
    SSH_ROOT: "no",
    CACHER: "no",
    CACHER_IP: "",
    CTTYPE: service.unprivileged ? "1" : "0",
    PCT_OSTYPE: "debian",
  };
  // build.func installs these into every container before the script runs, and scripts use them;
  // install.func lets pip install into the system Python, which some scripts do.
  const run = `apt_install sudo jq
rm -f /usr/lib/python3.*/EXTERNALLY-MANAGED
${exports(env)}
FUNCTIONS_FILE_PATH="$(cat ${functions})"
PCT_OSVERSION="$(sed -n 's/^VERSION_ID=//p' /etc/os-release | tr -d '"')"
tz="$(cat /etc/timezone 2>/dev/null || printf 'Etc/UTC')"
export FUNCTIONS_FILE_PATH PCT_OSVERSION tz
stamp=/var/lib/homelab/stamps/helper-${source.script}
if [ "$(cat "$stamp" 2>/dev/null || true)" != ${shellJoin([pin])} ]; then
  answers="$(mktemp)"
  for _ in $(seq 1 100); do printf 'n\\n'; done > "$answers"
  bash ${script} < "$answers"
  rm -f "$answers"
  mkdir -p "$(dirname "$stamp")"
  printf '%s\\n' ${shellJoin([pin])} > "$stamp"
fi
`;
  return {
    script: `${PRELUDE}${run}`,
    files: [{ path: functions, content: HELPER_FUNCTIONS, mode: "0644", owner: "root:root" }],
    fetched: [{ url: helperScriptUrl(source.script, source.commit), sha256: source.sha256, path: script }],
  };
}

/** The recipe of an install described by the stack file and the repository. */
export function sourceRecipe(service: Service, source: InstallSource): Recipe {
  switch (source.kind) {
    case "compose":
      return composeFromRepository(service, source);
    case "debian":
      return debianPackages(service, source);
    case "script":
      return repositoryScript(service, source);
    case "helper-script":
      return helperScript(service, source);
  }
}
