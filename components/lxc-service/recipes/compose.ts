import { toYaml } from "../../shared/yaml";
import type { Service } from "../../../config";
import type { ProvisionFile, Recipe } from "../types";
import { dockerEngine } from "./docker-engine";
import { composeRunningTag, majorStepGuard } from "./major-step-guard";
import { PRELUDE, READ_DB_ENV } from "./shell-steps";
import { shellJoin } from "../../shared/shell";
import { codePointOrder } from "../../../config/order";

/** The subset of a Compose service the homelab renders. */
export interface ComposeService {
  /** Image pinned by tag (and optionally digest); never `latest`. */
  readonly image: string;
  readonly entrypoint?: readonly string[];
  readonly ports?: readonly string[];
  /** `source:target[:ro]`; sources are dataset mount points of the container. */
  readonly volumes?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly dependsOn?: readonly string[];
  /** Reads the app's database settings from the 0600 env file the recipe derives. */
  readonly database?: boolean;
  /** More env files (0600, root only) the recipe writes, e.g. a generated admin's credentials. */
  readonly envFiles?: readonly string[];
}

/** A Docker Compose app: its services, and how its settings map from the shared database env file. */
export interface ComposeApp {
  readonly services: Readonly<Record<string, ComposeService>>;
  /** App env var → bash word built from PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD. */
  readonly databaseEnv?: Readonly<Record<string, string>>;
  /** Bash run before the stack is checked and started (writes the env files it reads). */
  readonly prepare?: string;
  /** Files the app needs besides its compose file (secret ones included). */
  readonly files?: readonly ProvisionFile[];
}

export const composeDir = (service: Pick<Service, "name">): string => `/opt/${service.name}`;
export const databaseEnvFile = (service: Pick<Service, "name">): string => `${composeDir(service)}/db.env`;

/**
 * The compose file, deterministic: same app, same bytes. Every value is double-quoted so no YAML 1.1
 * reader turns a port mapping like 2283:2283 into a base-60 number.
 */
export function renderCompose(service: Pick<Service, "name">, app: ComposeApp): string {
  const services: Record<string, Record<string, unknown>> = {};
  for (const [name, s] of Object.entries(app.services)) {
    const out: Record<string, unknown> = { image: s.image, restart: "unless-stopped" };
    if (s.entrypoint) out.entrypoint = [...s.entrypoint];
    if (s.ports?.length) out.ports = [...s.ports];
    if (s.volumes?.length) out.volumes = [...s.volumes];
    const envFiles = [...(s.database ? [databaseEnvFile(service)] : []), ...(s.envFiles ?? [])];
    if (envFiles.length > 0) out.env_file = envFiles;
    if (s.environment && Object.keys(s.environment).length > 0) {
      out.environment = Object.fromEntries(Object.entries(s.environment).sort(([a], [b]) => codePointOrder(a, b)));
    }
    if (s.dependsOn?.length) out.depends_on = [...s.dependsOn];
    services[name] = out;
  }
  return `# Rendered by homelab-as-code for ${service.name}; edits are overwritten.\n${toYaml({ name: service.name, services }, { strings: "double-quoted" })}`;
}

/**
 * Installs the pinned Docker Engine, derives the app's database env file (0600, root only) from the
 * shared one, and converges the stack: `up -d` leaves unchanged containers alone.
 */
export function composeRecipe(service: Service, app: ComposeApp): Recipe {
  // The compose service that runs the pinned version: the one whose image carries the pin's tag.
  const pinned = Object.entries(app.services).find(([, s]) => s.image.endsWith(`:${service.install.version}`))?.[0];
  return composeFileRecipe(service, renderCompose(service, app), app.databaseEnv, false, { prepare: app.prepare, files: app.files, pinnedService: pinned });
}

/**
 * The steps of any compose app, from its rendered file. With `interpolate`, the database env file is
 * also Compose's `--env-file`, so the file may use `${PGHOST}` and the like in its values.
 */
export function composeFileRecipe(
  service: Service,
  content: string,
  databaseEnv?: Readonly<Record<string, string>>,
  interpolate = false,
  extra: Pick<ComposeApp, "prepare" | "files"> & { readonly pinnedService?: string | undefined } = {},
): Recipe {
  const dir = composeDir(service);
  const file = `${dir}/compose.yaml`;
  const parts = [PRELUDE, dockerEngine()];
  if (databaseEnv) {
    const lines = Object.entries(databaseEnv)
      .sort(([a], [b]) => codePointOrder(a, b))
      .map(([k, word]) => `  printf '%s=%s\\n' ${k} ${word}`);
    parts.push(READ_DB_ENV, `{\n${lines.join("\n")}\n} | put_file ${databaseEnvFile(service)} 0600 root:root\n`);
  }
  const compose = ["docker", "compose", ...(databaseEnv && interpolate ? ["--env-file", databaseEnvFile(service)] : []), "--file", file];
  if (extra.prepare) parts.push(extra.prepare.endsWith("\n") ? extra.prepare : `${extra.prepare}\n`);
  // A file Compose would reject fails here, before anything running is touched.
  parts.push(`${shellJoin([...compose, "config", "--quiet"])}\n`);
  if (extra.pinnedService) parts.push(majorStepGuard(service, composeRunningTag(compose, extra.pinnedService)));
  parts.push(`${shellJoin([...compose, "up", "--detach", "--remove-orphans", "--quiet-pull"])}\n`);
  return {
    script: parts.join(""),
    files: [{ path: file, content, mode: "0644", owner: "root:root" }, ...(extra.files ?? [])],
  };
}

/** Mount point of one of the service's own datasets; the recipe keeps the app's state there. */
export function datasetPath(service: Service, key: string): string {
  const mount = service.mounts.find((m) => m.dataset === `${service.name}-${key}`);
  if (!mount) throw new Error(`${service.configPath}.datasets.${key}: the ${service.app} recipe keeps data on this dataset; it must be declared`);
  return mount.path;
}

/** The service's main web port. */
export function webPort(service: Service, fallback: number): number {
  return service.routes[0]?.port ?? fallback;
}
