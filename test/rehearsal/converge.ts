import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { RecordedResource } from "../../src/mock-runtime";
import type { StandInHost } from "./host";
import { createContainer, LOG_DIR, startContainer, suiteOfTemplate, type ContainerSpec } from "./lab";
import { applyPostgresResource } from "./postgres-double";
import type { Outcome } from "./scheduler";
import { CommandFailed, tail } from "./shell";
import type { Step } from "./steps";

/** What cannot run here, by resource type: the outside API it needs. */
const OUTSIDE: Readonly<Record<string, string>> = {
  "proxmoxve:storage/directory:Directory": "the Proxmox API (directory storage)",
  "proxmoxve:index/userLegacy:UserLegacy": "the Proxmox API (user)",
  "proxmoxve:user/token:Token": "the Proxmox API (API token)",
  "proxmoxve:index/acl:Acl": "the Proxmox API (ACL)",
  "proxmoxve:backup/job:Job": "the Proxmox API (vzdump job)",
  "proxmoxve:firewall/rulesLegacy:RulesLegacy": "the Proxmox API (firewall rules)",
  "proxmoxve:firewall/optionsLegacy:OptionsLegacy": "the Proxmox API (container firewall options)",
  "proxmoxve:node/firewallLegacy:FirewallLegacy": "the Proxmox API (host firewall options)",
  "proxmoxve:cluster/firewallLegacy:FirewallLegacy": "the Proxmox API (datacenter firewall)",
  "b2:index/bucket:Bucket": "the Backblaze B2 API (bucket); restic writes to a local repository instead",
  "b2:index/applicationKey:ApplicationKey": "the Backblaze B2 API (application key)",
};

const isCloudflare = (type: string): boolean => type.startsWith("cloudflare:");
const isPostgres = (type: string): boolean => type.startsWith("postgresql:");

/** Hosts a failed step could not resolve: curl, apt and pip say so in their own words. */
export function unresolvedHosts(output: string): string[] {
  const hosts = new Set<string>();
  for (const re of [/Could not resolve host: ([A-Za-z0-9.-]+)/g, /Temporary failure resolving '([A-Za-z0-9.-]+)'/g, /Could not resolve '([A-Za-z0-9.-]+)'/g, /Failed to resolve '([A-Za-z0-9.-]+)'/g, /host='([A-Za-z0-9.-]+)'.*(?:Name or service not known|Temporary failure in name resolution)/g, /lookup ([A-Za-z0-9.-]+)(?: on [0-9.:]+)?: no such host/g]) {
    for (const m of output.matchAll(re)) if (m[1]) hosts.add(m[1]);
  }
  return [...hosts];
}

/** pip names the package it could not fetch from its default index, not the host. */
export function pipIndexUrl(output: string): string | undefined {
  if (!/Failed to establish a new connection: \[Errno -[23]\]/.test(output)) return undefined;
  const m = /\/simple\/([A-Za-z0-9_.-]+)\//.exec(output);
  return m ? `https://pypi.org/simple/${m[1]}/` : undefined;
}

/** The first URL (or image reference) of a script on a given host: what the step needed. */
export function urlOn(host: string, text: string): string {
  const h = host.replace(/\./g, "\\.");
  const url = new RegExp(`https?://${h}[^\\s'"\\\\)]*`).exec(text);
  if (url) return url[0];
  // Docker Hub images are written docker.io/... but pulled from registry-1.docker.io.
  const registry = host === "registry-1.docker.io" ? "docker\\.io" : h;
  const image = new RegExp(`(?<![\\w.-])${registry}/[^\\s'"\\\\)]+`).exec(text);
  return image ? `docker://${image[0]}` : `https://${host}/`;
}

export interface ConvergeContext {
  readonly host: StandInHost;
  readonly byName: ReadonlyMap<string, RecordedResource>;
  readonly byUrn: ReadonlyMap<string, RecordedResource>;
  /** Rewrites a host command's stdin where the rehearsal stands in for something (the restic repository). */
  readonly substitute: (r: RecordedResource, stdin: string) => string;
  /** Notes printed in the summary: what was stood in for. */
  readonly notes: string[];
}

/** The template's file name, from the download.File whose id the container's OS input names. */
function templateFileName(r: RecordedResource, ctx: ConvergeContext): string {
  const os = (r.inputs.operatingSystem ?? {}) as { templateFileId?: string };
  const file = [...ctx.byName.values()].find((x) => x.type === "proxmoxve:download/file:File" && `${x.name}-id` === os.templateFileId);
  const name = (file?.inputs.fileName as string | undefined) ?? os.templateFileId ?? "";
  return name.split("/").pop() ?? name;
}

/** Reads a ContainerLegacy's inputs into what the host double builds. */
export function containerSpec(r: RecordedResource, ctx: ConvergeContext): ContainerSpec {
  const i = r.inputs as Record<string, any>;
  const ip = i.initialization?.ipConfigs?.[0]?.ipv4 ?? {};
  return {
    vmId: Number(i.vmId),
    hostname: String(i.initialization?.hostname),
    address: String(ip.address),
    gateway: String(ip.gateway),
    dnsServers: (i.initialization?.dns?.servers as string[] | undefined) ?? [],
    searchDomain: i.initialization?.dns?.domain as string | undefined,
    sshKeys: (i.initialization?.userAccount?.keys as string[] | undefined) ?? [],
    bridge: `hlr-${String(i.networkInterfaces?.[0]?.bridge)}`.slice(0, 15),
    cores: Number(i.cpu?.cores ?? 1),
    memoryMiB: Number(i.memory?.dedicated ?? 512),
    swapMiB: Number(i.memory?.swap ?? 0),
    unprivileged: i.unprivileged === true,
    nesting: i.features?.nesting === true,
    mounts: ((i.mountPoints as any[] | undefined) ?? []).map((m) => ({ volume: String(m.volume), path: String(m.path), readOnly: m.readOnly === true })),
    devices: ((i.devicePassthroughs as any[] | undefined) ?? []).map((d) => ({ path: String(d.path), gid: Number(d.gid ?? 0), mode: String(d.mode ?? "0660") })),
    startOrder: Number(i.startup?.order ?? 0),
    upDelay: Number(i.startup?.upDelay ?? 0),
    suite: suiteOfTemplate(templateFileName(r, ctx)),
  };
}

export const stepLog = (name: string): string => join(LOG_DIR, `${name}.log`);

/** Runs one registered resource for real, or says what stands in for it and why. */
export async function executeStep(step: Step, ctx: ConvergeContext): Promise<Outcome> {
  const r = step.resource;
  const started = Date.now();
  const ms = (): number => Date.now() - started;
  const log = stepLog(r.name);
  mkdirSync(LOG_DIR, { recursive: true });
  if (r.type === "proxmoxve:index/containerLegacy:ContainerLegacy") {
    const spec = containerSpec(r, ctx);
    const { notes } = await createContainer(spec, log);
    if (r.inputs.started !== false) await startContainer(spec.vmId, log);
    return { kind: "done", ms: ms(), note: [`debian ${spec.suite}`, ...notes].join("; ") };
  }
  if (r.type === "proxmoxve:download/file:File") {
    return { kind: "stood-in", note: `a debootstrap root filesystem instead of downloading ${String(r.inputs.url)}` };
  }
  if (r.type === "command:remote:Command") {
    const create = String(r.inputs.create ?? "");
    const stdin = ctx.substitute(r, String(r.inputs.stdin ?? ""));
    appendFileSync(log, `### ${r.name}\n`);
    try {
      await ctx.host.exec(create, { input: stdin, log });
      return { kind: "done", ms: ms() };
    } catch (error) {
      if (!(error instanceof CommandFailed)) throw error;
      const output = `${error.result.stdout}\n${error.result.stderr}${await recipeLog(ctx, `${error.result.stdout}\n${error.result.stderr}`, log)}`;
      const hosts = unresolvedHosts(output);
      if (hosts.length > 0) return { kind: "needs", url: urlOn(hosts[0] ?? "", `${create}\n${stdin}`), ms: ms() };
      const pip = pipIndexUrl(output);
      if (pip) return { kind: "needs", url: pip, ms: ms() };
      const shown = create.length > 120 ? `${create.slice(0, 120)}...` : create;
      return { kind: "failed", error: `'${shown}' exited ${error.result.code}:\n${tail(output, 25)}`, ms: ms() };
    }
  }
  if (isPostgres(r.type)) {
    const provider = ctx.byUrn.get(r.provider.split("::").slice(0, -1).join("::"));
    if (!provider) return { kind: "failed", error: `no postgresql provider for ${r.name}`, ms: ms() };
    try {
      await applyPostgresResource(r, provider, log);
      return { kind: "done", ms: ms() };
    } catch (error) {
      return { kind: "failed", error: error instanceof Error ? error.message : String(error), ms: ms() };
    }
  }
  if (r.type.startsWith("random:")) return { kind: "stood-in", note: "mock value used as the generated secret" };
  if (isCloudflare(r.type)) return { kind: "stood-in", note: "needs the Cloudflare API; its mock outputs are used" };
  const outside = OUTSIDE[r.type];
  if (outside) return { kind: "stood-in", note: `needs ${outside}` };
  return { kind: "failed", error: `the rehearsal does not know ${r.type}`, ms: ms() };
}

/**
 * A failing recipe keeps its output in a log in its container and tells the host only where it is:
 * the rehearsal reads that log, as an operator would, to tell a download it cannot reach from a failure.
 */
async function recipeLog(ctx: ConvergeContext, output: string, log: string): Promise<string> {
  const where = /its output is in (\S+) in the container: pct exec (\d+) -- cat /.exec(output);
  if (!where) return "";
  try {
    return `\n${(await ctx.host.exec(`pct exec ${where[2]} -- cat ${where[1]}`, { log })).stdout}`;
  } catch {
    return "";
  }
}
