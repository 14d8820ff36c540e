import type { Homelab, Problem, Service } from "../model";
import { isDnsLabel } from "../names";
import { duplicates } from "./duplicates";
import { codePointOrder } from "../order";

const within = (path: string, mount: string): boolean => path === mount || path.startsWith(`${mount}/`);

/** Directories a bind mount must not cover: the container's own system would vanish under it. */
const SYSTEM_DIRS = ["/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/run", "/sbin", "/sys", "/tmp", "/usr", "/var", "/var/lib", "/var/cache", "/opt"];

/** Versions that float: a rebuilt container would run something nobody tested. */
const FLOATING_VERSIONS = /^(latest|stable|main|master|nightly|release|edge|\*)$/i;

/** Config path of a mount: an own dataset is declared under `datasets.<key>`, a shared one under `mounts.<name>`. */
const mountPath = (model: Homelab, s: Service, dataset: string): string =>
  model.datasets.find((d) => d.name === dataset)?.owner === s.name
    ? `${s.configPath}.datasets.${dataset.slice(s.name.length + 1)}.path`
    : `${s.configPath}.mounts.${dataset}.path`;

/** Each service: a unique identity, a known template, mounts of real datasets, state kept on datasets. */
export function checkServices(model: Homelab, rawServiceEntries: Readonly<Record<string, { app?: string; hostname?: string; subdomain?: string }>>): Problem[] {
  const problems: Problem[] = [];
  const postgres = model.postgres.enabled ? model.services.find((x) => x.name === model.postgres.service) : undefined;
  for (const s of model.services) {
    const entry = rawServiceEntries[s.name] ?? {};
    if (!isDnsLabel(s.name)) problems.push({ path: s.configPath, message: `service name '${s.name}' must be a DNS label (a-z, 0-9, inner hyphens)` });
    if (!isDnsLabel(s.hostname)) problems.push({ path: `${s.configPath}.hostname`, message: `'${s.hostname}' must be a DNS label (a-z, 0-9, inner hyphens)` });
    if (entry.subdomain !== undefined && !isDnsLabel(entry.subdomain)) {
      problems.push({ path: `${s.configPath}.subdomain`, message: `'${entry.subdomain}' must be a DNS label (a-z, 0-9, inner hyphens)` });
    }
    if (!(s.template in model.proxmox.templates)) {
      problems.push({ path: `${s.configPath}.template`, message: `unknown template '${s.template}' (declared: ${Object.keys(model.proxmox.templates).join(", ")})` });
    }
    if (!s.unprivileged && s.privilegedReason === undefined) {
      problems.push({ path: `${s.configPath}.unprivileged`, message: "a privileged container needs a stated reason in 'privilegedReason'" });
    }
    problems.push(...duplicates(s.mounts, (m) => m.path, (m) => `${s.configPath}.mounts.${m.dataset}`, "mount point"));
    for (const m of s.mounts) {
      if (SYSTEM_DIRS.includes(m.path)) {
        problems.push({ path: mountPath(model, s, m.dataset), message: `${m.path} is a system directory of the container; mount the dataset below it (e.g. ${m.path === "/" ? "" : m.path}/${m.dataset})` });
      }
    }
    s.allowFrom.forEach((name, i) => {
      const path = `${s.configPath}.allowFrom.${i}`;
      if (name === s.name) problems.push({ path, message: `'${name}' is this service itself; a container always reaches its own ports` });
      else if (!model.services.some((x) => x.name === name)) problems.push({ path, message: `unknown service '${name}' (declared: ${model.services.map((x) => x.name).join(", ")})` });
      else if (s.routes.length === 0) problems.push({ path, message: `${s.name} has no web or extraRoutes port to open to '${name}'; declare its web port or drop allowFrom` });
    });
    for (const p of s.statePaths) {
      if (!s.mounts.some((m) => !m.readOnly && within(p, m.path))) {
        problems.push({ path: `${s.configPath}.statePaths`, message: `${p} keeps state but is not on a writable dataset mount; a replaced container would lose it` });
      }
    }
    problems.push(...duplicates(s.devices, (d) => d.path, (d) => `${s.configPath}.devices.${s.devices.indexOf(d)}.path`, "device"));
    if (model.proxmox.auth === "apiToken" && (s.mounts.length > 0 || s.devices.length > 0)) {
      problems.push({
        path: `${s.configPath}.${s.mounts.length > 0 ? "mounts" : "devices"}`,
        message: "bind mounts and device passthrough need root@pam password authentication; set homelab:proxmox.auth to password",
      });
    }
    if (model.proxmox.auth === "apiToken" && (s.features.keyctl || s.features.fuse)) {
      problems.push({ path: `${s.configPath}.features`, message: "keyctl and fuse need root@pam password authentication (an API token may only set nesting); set homelab:proxmox.auth to password" });
    }
    if (FLOATING_VERSIONS.test(s.install.version)) {
      problems.push({ path: `${s.configPath}.install.version`, message: `'${s.install.version}' floats; pin a version (image tag, package version or release) so a rebuilt container runs what was tested` });
    }
    if (s.install.method === "compose" && s.unprivileged && !(s.features.nesting && s.features.keyctl)) {
      problems.push({ path: `${s.configPath}.features`, message: "runs Docker Compose, which in an unprivileged container needs features.nesting and features.keyctl" });
    }
    if (postgres && s.database && s.name !== postgres.name && s.startupOrder <= postgres.startupOrder) {
      problems.push({
        path: `${s.configPath}.startupOrder`,
        message: `${s.startupOrder} starts before or with its database (${postgres.name} starts at ${postgres.startupOrder}); use a higher number`,
      });
    }
  }
  problems.push(...duplicates(model.services, (s) => s.vmId, (s) => `${s.configPath}.vmId`, "vmId"));
  problems.push(...duplicates(model.services, (s) => s.hostname, (s) => `${s.configPath}.hostname`, "hostname"));
  const routes = model.services.flatMap((s) => s.routes.map((r) => ({ s, r })));
  problems.push(...duplicates(routes, ({ r }) => r.fqdn, ({ s, r }) => (r.subdomain === (rawServiceEntries[s.name]?.subdomain ?? s.name) ? `${s.configPath}.subdomain` : `${s.configPath}.extraRoutes.${r.subdomain}`), "subdomain"));
  problems.push(...checkDatasetLayout(model));
  return problems;
}

/** Tiers are separate disks and datasets separate directories: none may lie inside another. */
export function checkDatasetLayout(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  const tiers = Object.values(model.tiers);
  for (const [i, a] of tiers.entries()) {
    for (const b of tiers.slice(i + 1)) {
      if (within(a.path, b.path) || within(b.path, a.path)) {
        problems.push({ path: `homelab:storage.tiers.${b.name}.path`, message: `${b.path} and the ${a.name} tier's ${a.path} overlap; each tier is its own disk` });
      }
    }
  }
  const sorted = [...model.datasets].sort((a, b) => codePointOrder(a.hostPath, b.hostPath));
  for (const inner of sorted) {
    const outer = sorted.find((o) => o !== inner && within(inner.hostPath, o.hostPath));
    if (outer) {
      problems.push({ path: inner.configPath, message: `${inner.hostPath} lies inside dataset '${outer.name}' (${outer.hostPath}); datasets must not nest` });
    }
  }
  return problems;
}
