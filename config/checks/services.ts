import type { Homelab, Problem } from "../model";
import { isDnsLabel } from "../names";
import { duplicates } from "./duplicates";

const within = (path: string, mount: string): boolean => path === mount || path.startsWith(`${mount}/`);

/** Each service: a unique identity, a known template, mounts of real datasets, state kept on datasets. */
export function checkServices(model: Homelab, rawServiceEntries: Readonly<Record<string, { app?: string; hostname?: string; subdomain?: string }>>): Problem[] {
  const problems: Problem[] = [];
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
    for (const p of s.statePaths) {
      if (!s.mounts.some((m) => !m.readOnly && within(p, m.path))) {
        problems.push({ path: `${s.configPath}.statePaths`, message: `${p} keeps state but is not on a writable dataset mount; a replaced container would lose it` });
      }
    }
    if (model.proxmox.auth === "apiToken" && (s.mounts.length > 0 || s.devices.length > 0)) {
      problems.push({
        path: `${s.configPath}.${s.mounts.length > 0 ? "mounts" : "devices"}`,
        message: "bind mounts and device passthrough need root@pam password authentication; set homelab:proxmox.auth to password",
      });
    }
  }
  problems.push(...duplicates(model.services, (s) => s.vmId, (s) => `${s.configPath}.vmId`, "vmId"));
  problems.push(...duplicates(model.services, (s) => s.hostname, (s) => `${s.configPath}.hostname`, "hostname"));
  const routes = model.services.flatMap((s) => s.routes.map((r) => ({ s, r })));
  problems.push(...duplicates(routes, ({ r }) => r.fqdn, ({ s, r }) => (r.subdomain === (rawServiceEntries[s.name]?.subdomain ?? s.name) ? `${s.configPath}.subdomain` : `${s.configPath}.extraRoutes.${r.subdomain}`), "subdomain"));
  return problems;
}

