import type { Homelab, Mount, Service } from "../../config";

/** Catalog apps that import finished downloads into the library, and the download clients they import from. */
const IMPORTERS: readonly string[] = ["sonarr", "radarr"];
const DOWNLOADERS: readonly string[] = ["qbittorrent"];

/**
 * Whether the *arr apps can hardlink imports. link(2) works only within one mount, so downloads and
 * media must be one bind-mounted dataset (not two, even on the same tier), mounted at the same path in
 * the download client, or every import is a full copy. One line per importer; problems start with "warning:".
 */
export function hardlinkFindings(model: Pick<Homelab, "services" | "datasets">): string[] {
  const content = new Map(model.datasets.map((d) => [d.name, d.content]));
  const shared = (s: Service): Mount[] => s.mounts.filter((m) => !m.readOnly && (content.get(m.dataset) === "downloads" || content.get(m.dataset) === "media"));
  const downloaders = model.services.filter((s) => DOWNLOADERS.includes(s.app));
  const lines: string[] = [];
  for (const s of model.services.filter((x) => IMPORTERS.includes(x.app))) {
    const mounts = shared(s);
    const downloads = mounts.filter((m) => content.get(m.dataset) === "downloads");
    const media = mounts.filter((m) => content.get(m.dataset) === "media");
    if (downloads.length > 0 && media.length > 0) {
      const d = downloads[0] as Mount;
      const m = media[0] as Mount;
      lines.push(`warning: ${s.name}: downloads (${d.dataset}, ${d.tier}) and media (${m.dataset}, ${m.tier}) are separate mounts, so imports copy instead of hardlinking; mount one dataset holding both at the same path in ${[s.name, ...downloaders.map((x) => x.name)].join(", ")} (docs/configuration.md: Hardlinks for the *arr apps)`);
      continue;
    }
    const library = mounts[0];
    if (mounts.length !== 1 || library === undefined) {
      lines.push(`warning: ${s.name}: no single writable dataset for downloads and media; imports cannot hardlink`);
      continue;
    }
    const problems = downloaders.flatMap((c) => {
      const there = c.mounts.find((m) => m.dataset === library.dataset && !m.readOnly);
      if (!there) return [`${c.name} does not mount ${library.dataset}, so ${s.name} cannot hardlink what it downloads`];
      return there.path === library.path ? [] : [`${c.name} mounts ${library.dataset} at ${there.path}, not ${library.path}: the paths it reports do not exist in ${s.name}`];
    });
    lines.push(
      problems.length > 0
        ? `warning: ${s.name}: ${problems.join("; ")}`
        : `${s.name}: downloads and media share dataset ${library.dataset} at ${library.path}: imports hardlink`,
    );
  }
  return lines;
}
