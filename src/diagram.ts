import type { Homelab } from "../config";

/**
 * A Mermaid flowchart of the homelab: tiers → datasets → services → routes, with the Postgres and
 * backup edges. Deterministic: same model, same text.
 */

const id = (kind: string, name: string): string => `${kind}_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
const label = (text: string): string => `"${text.replace(/"/g, "'").replace(/\n/g, "<br/>")}"`;

export function mermaidDiagram(model: Homelab): string {
  const lines: string[] = ["flowchart LR"];
  for (const t of Object.values(model.tiers)) {
    const tier = t.name;
    lines.push(`  subgraph ${id("tier", tier)}[${label(`${tier.toUpperCase()} ${t.path} (${t.capacityGiB} GiB)`)}]`);
    for (const d of model.datasets.filter((x) => x.tier === tier)) {
      lines.push(`    ${id("ds", d.name)}[(${label(`${d.name}\n${d.quotaGiB} GiB ${d.content}`)})]`);
    }
    lines.push("  end");
  }
  lines.push(`  subgraph lxc[${label(`LXC on ${model.proxmox.nodeName}`)}]`);
  for (const s of model.services) lines.push(`    ${id("svc", s.name)}[${label(`${s.name}\n${s.vmId} ${s.ip}`)}]`);
  lines.push("  end");
  for (const s of model.services) {
    for (const m of s.mounts) lines.push(`  ${id("ds", m.dataset)} ${m.readOnly ? "-. ro .->" : "-->"} ${id("svc", s.name)}`);
  }
  if (model.postgres.enabled) {
    for (const s of model.services.filter((x) => x.database)) {
      lines.push(`  ${id("svc", s.name)} -- ${label(`db ${s.database?.name ?? ""}`)} --> ${id("svc", model.postgres.service)}`);
    }
  }
  if (model.ingress?.enabled) {
    lines.push(`  internet((Internet)) --> cf[${label("Cloudflare Tunnel + Access")}]`);
    lines.push(`  cf --> ${id("svc", model.ingress.cloudflaredService)} --> ${id("svc", model.ingress.traefikService)}`);
  }
  for (const s of model.services) {
    for (const r of s.routes) {
      const route = id("route", r.fqdn);
      lines.push(`  ${route}{{${label(`${r.fqdn} (${r.exposure})`)}}}`);
      const from = r.exposure === "lan" || !model.ingress?.enabled ? "lan((LAN))" : id("svc", model.ingress.traefikService);
      lines.push(`  ${from} --> ${route} --> ${id("svc", s.name)}`);
    }
  }
  if (model.backup?.enabled) {
    lines.push(`  b2[(${label(`B2 ${model.backup.bucket}`)})]`);
    for (const d of model.datasets.filter((x) => x.backup)) lines.push(`  ${id("ds", d.name)} -. restic .-> b2`);
    if (model.postgres.enabled) lines.push(`  ${id("svc", model.postgres.service)} -. pg_dumpall .-> b2`);
  }
  if (model.monitoring.enabled) {
    lines.push(`  ${id("svc", model.monitoring.prometheusService)} -. scrapes .-> lxc`);
  }
  return `${lines.join("\n")}\n`;
}

/** The diagram as a Markdown block that GitHub renders. */
export const mermaidMarkdown = (model: Homelab): string => `\`\`\`mermaid\n${mermaidDiagram(model)}\`\`\`\n`;
