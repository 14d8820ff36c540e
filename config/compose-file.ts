import { yamlLibrary } from "./yaml-library";
import type { Mount } from "./model";

/**
 * Checks a compose file from the repository before anything is provisioned: every service runs a
 * pinned image, and every volume lands on one of the service's datasets, so that a replaced container
 * loses nothing and runs what was tested.
 *
 * The volume rule: a bind source must be an absolute path on one of the service's dataset mounts
 * (inside the container), writable mounts for writable binds. Named volumes, relative paths and
 * anonymous volumes would live on the container's root disk and are refused. Read-only binds of
 * /etc/localtime and /etc/timezone hold no state and are allowed. tmpfs mounts hold no state either.
 */

const IMAGE = /^(?<name>[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[0-9a-f]{64}))?$/;

/** An image reference is pinned when it has a digest, or a tag other than latest. */
export function isPinnedImage(ref: string): boolean {
  const m = IMAGE.exec(ref);
  if (!m?.groups) return false;
  const { tag, digest } = m.groups;
  return digest !== undefined || (tag !== undefined && tag !== "latest");
}

/** Read-only binds allowed anywhere: the host's clock settings, which hold no state. */
const CLOCK_FILES = new Set(["/etc/localtime", "/etc/timezone"]);

const within = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

export type ComposeDocument = { services: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** One volume of a compose service, short or long syntax, as source/target/read-only. */
interface Volume {
  readonly type: string;
  readonly source: string | undefined;
  readonly readOnly: boolean;
  readonly text: string;
}

function volumeOf(entry: unknown): Volume | undefined {
  if (typeof entry === "string") {
    const parts = entry.split(":");
    if (parts.length === 1) return { type: "volume", source: undefined, readOnly: false, text: entry };
    const source = parts[0] ?? "";
    const mode = parts.length > 2 ? (parts[2] ?? "") : "";
    const type = source.startsWith("/") || source.startsWith(".") || source.startsWith("~") ? "bind" : "volume";
    return { type, source, readOnly: mode.split(",").includes("ro"), text: entry };
  }
  if (typeof entry === "object" && entry !== null) {
    const v = entry as { type?: unknown; source?: unknown; read_only?: unknown; target?: unknown };
    const type = typeof v.type === "string" ? v.type : "volume";
    return { type, source: typeof v.source === "string" ? v.source : undefined, readOnly: v.read_only === true, text: `${type} ${String(v.source ?? "")}:${String(v.target ?? "")}` };
  }
  return undefined;
}

/** Problems of the file as sentences that name it; the parsed document when there are none. */
export function checkComposeFile(file: string, text: string, mounts: readonly Mount[]): { problems: string[]; document?: ComposeDocument } {
  const { isMap, isSeq, parseDocument } = yamlLibrary();
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e?.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "";
    return { problems: [`${file} is not valid YAML${where}: ${e?.message.split("\n")[0] ?? "parse error"}`] };
  }
  const root = doc.toJS() as unknown;
  const services = typeof root === "object" && root !== null ? (root as Record<string, unknown>).services : undefined;
  if (!isMap(doc.get("services", true)) || typeof services !== "object" || services === null || Object.keys(services).length === 0) {
    return { problems: [`${file} has no services; a compose file lists its containers under 'services:'`] };
  }
  const problems: string[] = [];
  if (isMap(doc.get("volumes", true)) || isSeq(doc.get("volumes", true))) {
    problems.push(`${file} declares named volumes under 'volumes:'; they would live on the container's root disk: bind a directory of one of the service's datasets instead`);
  }
  const rwMounts = mounts.filter((m) => !m.readOnly).map((m) => m.path);
  const allMounts = mounts.map((m) => m.path);
  const datasetList = allMounts.length > 0 ? allMounts.join(", ") : "none declared: add one under datasets";
  for (const [name, raw] of Object.entries(services as Record<string, unknown>)) {
    const svc = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const image = svc.image;
    if (typeof image !== "string") {
      problems.push(`${file}: service '${name}' has no image; the homelab runs pinned images only (no 'build:'), e.g. image: docker.io/library/nginx:1.29.0`);
    } else if (!isPinnedImage(image)) {
      problems.push(`${file}: service '${name}' runs '${image}', which is not pinned; give it a version tag other than latest (e.g. ${image.replace(/:latest$/, "")}:1.2.3) or a digest`);
    }
    const volumes = Array.isArray(svc.volumes) ? (svc.volumes as unknown[]) : [];
    for (const entry of volumes) {
      const v = volumeOf(entry);
      if (!v || v.type === "tmpfs") continue;
      const where = `${file}: service '${name}' volume '${v.text}'`;
      if (v.type !== "bind" || v.source === undefined) {
        problems.push(`${where} is a named or anonymous volume on the container's root disk; bind a directory on one of the service's datasets (${datasetList})`);
      } else if (!v.source.startsWith("/")) {
        problems.push(`${where} has a relative source; use an absolute path on one of the service's datasets (${datasetList})`);
      } else if (v.readOnly && CLOCK_FILES.has(v.source)) {
        continue;
      } else if (!(v.readOnly ? allMounts : rwMounts).some((m) => within(v.source ?? "", m))) {
        problems.push(`${where} is not on ${v.readOnly ? "a" : "a writable"} dataset of the service; its source must lie under one of: ${datasetList}`);
      }
    }
  }
  return problems.length > 0 ? { problems } : { problems, document: root as ComposeDocument };
}
