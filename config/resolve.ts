import * as z from "zod";
import type { ZodType } from "zod";
import { catalog, catalogApps } from "./catalog";
import { deepMerge, isPlainObject } from "./merge";
import type { Dataset, Homelab, Mount, Problem, Route, Service } from "./model";
import { INSTALL_METHODS_HELP, resolveInstall } from "./install";
import { parseCidr } from "./net";
import type { Repository } from "./repository";
import { codePointOrder } from "./order";
import { placeServices, resolveNodes } from "./placement";
import { classDefaults, networkTierProblems, resolveTierRef, resolveTiers } from "./tiers";
import { configPath, zodProblems } from "./zod-problems";
import {
  appSpecSchema,
  backedUp,
  sectionSchemas,
  type AppSpec,
  type Exposure,
  type SectionName,
  type Sections,
} from "./schema";

/** Keys of a service entry that place the service rather than override its app. */
const PLACEMENT_KEYS = new Set(["app", "vmId", "ip", "hostname", "subdomain", "node", "ha"]);

/** Host uid/gid shift of unprivileged containers: uid 0..65535 inside is 100000..165535 outside. */
export const UNPRIVILEGED_ID_SHIFT = 100000;

/**
 * How the stack file is parsed: problems keep the input they were about, and zod's JIT stays off. The
 * JIT writes a parser for an object schema with `new Function` on its first parse, which pays back
 * only over many parses; a run parses each section once and each app spec once per service (callgrind,
 * node --predictable, validating the example: 181 M instructions with it, 93 M without; the
 * synthetic 100-service homelab: 332 M and 266 M).
 */
const PARSE = { reportInput: true, jitless: true } as const;

/** Parses every `homelab:*` section on its own so that every problem is reported at once. */
export function parseSections(raw: Readonly<Record<string, unknown>>): { sections: Partial<Sections>; problems: Problem[] } {
  const problems: Problem[] = [];
  const sections: Partial<Record<SectionName, unknown>> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in sectionSchemas)) {
      problems.push({ path: configPath([key]), message: `unknown config key (known: ${Object.keys(sectionSchemas).join(", ")})` });
    }
  }
  for (const [name, schema] of Object.entries(sectionSchemas) as [SectionName, ZodType][]) {
    const result = schema.safeParse(raw[name], PARSE);
    if (result.success) sections[name] = result.data;
    else problems.push(...zodProblems(result.error, [name]));
  }
  return { sections: sections as Partial<Sections>, problems };
}

/**
 * A name outside the catalog is an app described in full; when keys such an app needs are missing, the
 * likelier mistake is an unknown name, so one problem says both, instead of one "is required" per key.
 */
function unknownAppProblems(name: string, error: z.ZodError): Problem[] {
  const missing = error.issues.filter((i) => i.path.length === 1 && i.code === "invalid_type" && i.input === undefined).map((i) => String(i.path[0]));
  const others = zodProblems(new z.ZodError(error.issues.filter((i) => !(i.path.length === 1 && missing.includes(String(i.path[0]))))), ["services", name]);
  if (missing.length === 0) return others;
  // Described in full but for the install: say how an app is installed, not that it is unknown.
  if (missing.length === 1 && missing[0] === "install") {
    return [{ path: configPath(["services", name, "install"]), message: `'${name}' is not in the catalog, so it needs a way to install: set install.method to ${INSTALL_METHODS_HELP}` }, ...others];
  }
  return [
    {
      path: configPath(["services", name]),
      message:
        `'${name}' is not a catalog app (catalog: ${catalogApps().join(", ")}) and is not described in full: it lacks ${missing.join(", ")}. ` +
        `Set app: <catalog app> to run a catalog app under this name, or describe the app with ${missing.join(", ")} (docs/configuration.md: "Services and the catalog")`,
    },
    ...others,
  ];
}

interface ResolvedApp {
  readonly name: string;
  readonly app: string;
  readonly spec: AppSpec;
  readonly entry: Sections["services"][string];
}

/** Merges each service entry over its catalog app and validates the result as a full app spec. */
export function resolveApps(services: Sections["services"], problems: Problem[]): ResolvedApp[] {
  const resolved: ResolvedApp[] = [];
  for (const [name, entry] of Object.entries(services)) {
    const appName = entry.app ?? name;
    const base = catalog[appName];
    if (entry.app !== undefined && base === undefined) {
      problems.push({
        path: configPath(["services", name, "app"]),
        message: `unknown catalog app '${entry.app}' (known: ${Object.keys(catalog).sort().join(", ")}); leave 'app' out to describe the app in full`,
      });
      continue;
    }
    const overrides: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry)) {
      if (!PLACEMENT_KEYS.has(key) && !(key === "database" && value === false)) overrides[key] = value;
    }
    const merged = deepMerge(base ?? {}, overrides);
    if (entry.database === false && isPlainObject(merged)) delete merged.database;
    const result = appSpecSchema.safeParse(merged, PARSE);
    if (!result.success) {
      problems.push(...(base === undefined ? unknownAppProblems(name, result.error) : zodProblems(result.error, ["services", name])));
      continue;
    }
    resolved.push({ name, app: appName, spec: result.data, entry });
  }
  return resolved;
}

function buildDatasets(sections: Sections, apps: readonly ResolvedApp[], defaults: ReturnType<typeof classDefaults>, problems: Problem[]): Dataset[] {
  const tiers = sections.storage.tiers;
  // An unresolved tier is reported once; the dataset stays in the model so no check calls it undeclared.
  const tierOf = (ref: string, path: readonly string[]): { tier: string; root: string } => {
    const tier = resolveTierRef(ref, tiers, defaults, configPath([...path, "tier"]), problems) ?? ref;
    return { tier, root: tiers[tier]?.path ?? `(unknown tier ${ref})` };
  };
  const datasets = new Map<string, Omit<Dataset, "hostUid" | "hostGid">>();
  const add = (d: Omit<Dataset, "hostUid" | "hostGid">): void => {
    if (datasets.has(d.name)) {
      problems.push({ path: d.configPath, message: `dataset name '${d.name}' is already used by ${datasets.get(d.name)?.configPath}` });
      return;
    }
    datasets.set(d.name, d);
  };
  for (const [name, d] of Object.entries(sections.storage.datasets)) {
    const { tier, root } = tierOf(d.tier, ["storage", "datasets", name]);
    add({
      name,
      tier,
      hostPath: `${root}/${d.path ?? name}`,
      quotaGiB: d.quotaGiB,
      uid: d.uid,
      gid: d.gid,
      mode: d.mode,
      content: d.content,
      backup: backedUp(d),
      excludes: d.excludes,
      sqlite: [],
      adopt: d.adopt,
      owner: undefined,
      configPath: configPath(["storage", "datasets", name]),
    });
  }
  for (const { name: service, spec } of apps) {
    for (const [key, d] of Object.entries(spec.datasets)) {
      const name = `${service}-${key}`;
      const { tier, root } = tierOf(d.tier, ["services", service, "datasets", key]);
      add({
        name,
        tier,
        hostPath: `${root}/apps/${service}/${key}`,
        quotaGiB: d.quotaGiB,
        uid: spec.user.uid,
        gid: spec.user.gid,
        mode: d.mode,
        content: d.content,
        backup: backedUp(d),
        excludes: d.excludes,
        sqlite: d.sqlite,
        adopt: d.adopt,
        owner: service,
        configPath: configPath(["services", service, "datasets", key]),
      });
    }
  }
  // Host ownership follows the containers that mount the dataset.
  const privilegedUse = new Map<string, Set<boolean>>();
  for (const { name: service, spec } of apps) {
    const names = [...Object.keys(spec.datasets).map((k) => `${service}-${k}`), ...Object.keys(spec.mounts).filter((k) => spec.mounts[k] !== false)];
    for (const n of names) {
      const set = privilegedUse.get(n) ?? new Set<boolean>();
      set.add(!spec.unprivileged);
      privilegedUse.set(n, set);
    }
  }
  return [...datasets.values()]
    .map((d) => {
      const use = privilegedUse.get(d.name);
      if (use?.size === 2) {
        problems.push({ path: d.configPath, message: "is mounted by both privileged and unprivileged containers; their uids cannot both own it" });
      }
      const shift = use?.has(true) && use.size === 1 ? 0 : UNPRIVILEGED_ID_SHIFT;
      return { ...d, hostUid: d.uid + shift, hostGid: d.gid + shift };
    })
    .sort((a, b) => codePointOrder(a.name, b.name));
}

function buildService(sections: Sections, app: ResolvedApp, datasets: ReadonlyMap<string, Dataset>, repository: Repository, problems: Problem[]): Omit<Service, "node" | "placedBy" | "ha"> {
  const { name, spec, entry } = app;
  const domain = sections.domain;
  const mounts: Mount[] = [];
  for (const key of Object.keys(spec.datasets)) {
    const d = datasets.get(`${name}-${key}`);
    const own = spec.datasets[key];
    if (d && own) mounts.push({ dataset: d.name, tier: d.tier, hostPath: d.hostPath, path: own.path, readOnly: false });
  }
  for (const [datasetName, m] of Object.entries(spec.mounts)) {
    if (m === false) continue;
    const d = datasets.get(datasetName);
    if (d) mounts.push({ dataset: d.name, tier: d.tier, hostPath: d.hostPath, path: m.path, readOnly: m.readOnly });
    else problems.push({ path: configPath(["services", name, "mounts", datasetName]), message: `mounts unknown dataset '${datasetName}' (declare it under homelab:storage.datasets)` });
  }
  const routes: Route[] = [];
  const subdomain = entry.subdomain ?? name;
  // A setup wizard open to the internet hands the app to whoever arrives first: hold it behind Access.
  const held = (exposure: Exposure): boolean => exposure === "public" && spec.firstBoot === "wizard" && !spec.setupDone;
  const route = (sub: string, r: AppSpec["extraRoutes"][string], path: string): Route => ({
    subdomain: sub,
    fqdn: `${sub}.${domain}`,
    port: r.port,
    healthPath: r.healthPath,
    exposure: held(r.exposure) ? "protected" : r.exposure,
    heldForSetup: held(r.exposure),
    configPath: path,
  });
  if (spec.web) routes.push(route(subdomain, spec.web, configPath(["services", name, "web"])));
  for (const [sub, r] of Object.entries(spec.extraRoutes)) routes.push(route(sub, r, configPath(["services", name, "extraRoutes", sub])));
  const dbName = spec.database?.name ?? name.replace(/-/g, "_");
  return {
    name,
    app: app.app,
    role: spec.role,
    description: spec.description,
    vmId: entry.vmId,
    hostname: entry.hostname ?? name,
    ip: entry.ip,
    template: spec.template,
    cores: spec.cores,
    memoryMiB: spec.memoryMiB,
    swapMiB: spec.swapMiB,
    diskGiB: spec.diskGiB,
    unprivileged: spec.unprivileged,
    privilegedReason: spec.privilegedReason,
    features: spec.features,
    devices: spec.devices,
    user: spec.user,
    mounts,
    routes,
    metrics: spec.metrics,
    database: spec.database
      ? { name: dbName, user: spec.database.user ?? dbName, pool: spec.database.pool, extensions: spec.database.extensions }
      : undefined,
    allowFrom: spec.allowFrom,
    statePaths: spec.statePaths,
    install: resolveInstall(spec.install, { service: name, app: app.app, role: spec.role, mounts, repository, problems }),
    upgrade: spec.upgrade,
    startupOrder: spec.startupOrder,
    tags: spec.tags,
    firstBoot: spec.firstBoot,
    setupDone: spec.setupDone,
    configPath: configPath(["services", name]),
  };
}

/** Turns parsed sections into the model. Cross-checks run on the result separately. */
export function resolveModel(sections: Sections, problems: Problem[], repository: Repository): Homelab {
  const apps = resolveApps(sections.services, problems);
  const defaults = classDefaults(sections.storage.tiers, problems);
  const datasets = buildDatasets(sections, apps, defaults, problems);
  problems.push(...networkTierProblems(sections.storage.tiers, datasets));
  const byName = new Map(datasets.map((d) => [d.name, d]));
  const cidr = parseCidr(sections.network.cidr);
  if (!cidr) {
    problems.push({ path: configPath(["network", "cidr"]), message: `'${sections.network.cidr}' must be a network in CIDR form like 192.168.1.0/24 (prefix 8-30, host bits zero)` });
  }
  const tiers = resolveTiers(sections.storage.tiers, defaults);
  const nodes = resolveNodes(sections.proxmox, tiers, problems);
  const clustered = sections.proxmox.nodes !== undefined;
  const unplaced = apps.map((a) => buildService(sections, a, byName, repository, problems));
  return {
    domain: sections.domain,
    allowDataLoss: sections.allowDataLoss,
    proxmox: sections.proxmox,
    nodes,
    clustered,
    network: {
      bridge: sections.network.bridge,
      cidr: cidr ?? { network: 0, prefix: 32 },
      cidrText: sections.network.cidr,
      gateway: sections.network.gateway,
      dns: sections.network.dns,
      searchDomain: sections.network.searchDomain ?? sections.domain,
      adminCidrs: sections.network.adminCidrs ?? [sections.network.cidr],
      operatorCidrs: sections.network.operatorCidrs ?? sections.network.adminCidrs ?? [sections.network.cidr],
      datacenterFirewall: sections.network.datacenterFirewall,
    },
    tiers,
    datasets,
    services: placeServices(unplaced, sections.services, nodes, datasets, tiers, clustered, problems, sections.ingress?.enabled ? [sections.ingress.cloudflaredService, ...sections.ingress.connectors] : []),
    postgres: sections.postgres,
    ingress: sections.ingress,
    backup: sections.backup,
    monitoring: sections.monitoring,
  };
}
