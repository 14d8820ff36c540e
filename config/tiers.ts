import type { Problem, Tier } from "./model";
import { tierClass, type Sections, type TierClass, type TierName } from "./schema";
import { configPath } from "./zod-problems";

type TierSpecs = Sections["storage"]["tiers"];

const listTiers = (tiers: TierSpecs): string =>
  Object.entries(tiers).map(([name, t]) => `${name} (${t.class}${t.kind === "local" ? "" : `, ${t.kind}`}${t.default ? ", default" : ""})`).join(", ");

/**
 * The default tier of each class: the one marked `default: true`, or the only tier of that class.
 * Two marked defaults of one class are a problem here; a class with no clear default is a problem only
 * where a dataset asks for it.
 */
export function classDefaults(tiers: TierSpecs, problems: Problem[]): Readonly<Record<TierClass, TierName | undefined>> {
  const pick = (cls: TierClass): TierName | undefined => {
    const ofClass = Object.entries(tiers).filter(([, t]) => t.class === cls).map(([name]) => name);
    const marked = ofClass.filter((name) => tiers[name]?.default);
    if (marked.length > 1) {
      problems.push({
        path: configPath(["storage", "tiers", marked[1] ?? "", "default"]),
        message: `tiers ${marked.join(" and ")} are both marked the default ${cls} tier; keep default: true on one of them (tiers: ${listTiers(tiers)})`,
      });
    }
    return marked[0] ?? (ofClass.length === 1 ? ofClass[0] : undefined);
  };
  return { fast: pick("fast"), bulk: pick("bulk") };
}

/** The model's tiers, each knowing whether it is its class's default. */
export function resolveTiers(tiers: TierSpecs, defaults: Readonly<Record<TierClass, TierName | undefined>>): Record<TierName, Tier> {
  return Object.fromEntries(Object.entries(tiers).map(([name, t]) => [name, { name, ...t, default: defaults[t.class] === name, shared: t.shared ?? t.kind !== "local" }]));
}

/**
 * The tier a dataset lives on: its `tier` is a tier's name, or a class (the catalog's datasets say fast
 * or bulk) meaning that class's default tier. Anything else is a problem at `path` listing the tiers.
 */
export function resolveTierRef(
  ref: string,
  tiers: TierSpecs,
  defaults: Readonly<Record<TierClass, TierName | undefined>>,
  path: string,
  problems: Problem[],
): TierName | undefined {
  if (ref in tiers) return ref;
  const cls = tierClass.safeParse(ref);
  if (!cls.success) {
    problems.push({ path, message: `unknown tier '${ref}' (tiers: ${listTiers(tiers)}); name one of them, or a class (fast or bulk) for that class's default tier` });
    return undefined;
  }
  const chosen = defaults[cls.data];
  if (chosen !== undefined) return chosen;
  const ofClass = Object.keys(tiers).filter((name) => tiers[name]?.class === cls.data);
  problems.push({
    path,
    message:
      ofClass.length === 0
        ? `asks for the ${cls.data} tier, but no tier under homelab:storage.tiers has class: ${cls.data} (tiers: ${listTiers(tiers)}); add one, or name a tier here`
        : `asks for the ${cls.data} tier, but ${ofClass.join(" and ")} are all ${cls.data} and none is marked default; set default: true on one under homelab:storage.tiers, or name a tier here (tiers: ${listTiers(tiers)})`,
  });
  return undefined;
}

/**
 * A network share is a tier the host mounts: it must be a mount point (an unmounted share would put
 * data on the root disk), and it holds no database: SQLite's locking and WAL do not work over a network
 * filesystem, and PostgreSQL is safe on NFS only with a hard mount, which the program cannot see.
 */
export function networkTierProblems(
  tiers: TierSpecs,
  datasets: readonly { readonly tier: TierName; readonly content: string; readonly sqlite: readonly string[]; readonly configPath: string }[],
): Problem[] {
  const problems: Problem[] = [];
  for (const [name, t] of Object.entries(tiers)) {
    if (t.kind !== "local" && !t.mountPoint) {
      problems.push({ path: configPath(["storage", "tiers", name, "mountPoint"]), message: `a ${t.kind} tier is a share mounted on the host, so it is always a mount point; remove mountPoint: false and mount the share at ${t.path}` });
    }
  }
  for (const d of datasets) {
    const t = tiers[d.tier];
    if (t === undefined || t.kind === "local") continue;
    const what = d.content === "database" ? "a database (content: database)" : d.sqlite.length > 0 ? `live SQLite files (${d.sqlite.join(", ")})` : undefined;
    if (what) {
      problems.push({
        path: `${d.configPath}.tier`,
        message: `holds ${what}, but tier ${d.tier} is a ${t.kind} share: databases corrupt there (SQLite's locking and WAL do not work over a network filesystem; PostgreSQL needs a hard mount the program cannot check); put it on a local tier (${Object.keys(tiers).filter((n) => tiers[n]?.kind === "local").join(", ") || "none declared"})`,
      });
    }
  }
  return problems;
}

/** The model's default tier of a class (vzdump goes to the bulk one, root disks count on the fast one). */
export const defaultTier = (tiers: Readonly<Record<TierName, Tier>>, cls: TierClass): Tier | undefined =>
  Object.values(tiers).find((t) => t.class === cls && t.default);
