import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { catalog } from "../../config/catalog";
import { TRAEFIK_RELEASE_SHA256 } from "../../config/schema/ingress";
import { postgresSchema } from "../../config/schema/postgres";
import { DOCKER_PINS } from "../../components/lxc-service/recipes/docker-engine";
import { VALKEY_IMAGE } from "../../components/lxc-service/recipes/compose-apps";
import { JELLYFIN_APT, servarrUrl } from "../../components/lxc-service/recipes/native-apps";
import { ALERTMANAGER_VERSION, BLACKBOX_VERSION } from "../../components/monitoring-stack/prometheus-recipe";
import { GRAFANA_APT } from "../../components/monitoring-stack/grafana-recipe";
import { PVE_EXPORTER_VERSION } from "../../components/monitoring-stack/pve-exporter";
import { DEBIAN_POSTGRES, PGDG_KEY_FINGERPRINT } from "../../components/shared-postgres/recipe";
import { vectorchordUrl } from "../../components/shared-postgres/vectorchord";
import { CLOUDFLARE_APT } from "../../components/tunnel-ingress/cloudflared-recipe";
import type { SigningKey } from "../../components/shared/signing-key";
import { traefikArchiveUrl } from "../../components/tunnel-ingress/traefik-recipe";

/**
 * Every pinned outside version in the project, read from the constants the code installs from: the
 * catalog, the checksum and fingerprint tables, the Debian globs beside the recipes, and the example
 * stack file's templates. Only what the code does not know (where upstream publishes releases) is
 * written here, in UPSTREAMS.
 */

/** How the install makes sure it got what was pinned. */
export type Verification =
  | { readonly kind: "checksum"; readonly algorithm: "sha256" | "sha512"; readonly value: string }
  | { readonly kind: "fingerprint"; readonly value: string }
  | { readonly kind: "debian-archive"; readonly suite: string; readonly packages: readonly string[] }
  /** Nothing but the version and TLS: an image tag without digest, a release download without checksum. */
  | { readonly kind: "tls-only"; readonly what: string };

/** Where newer releases are announced, and so what `--check` asks. */
export type Upstream =
  | { readonly kind: "github-releases"; readonly repo: string }
  | { readonly kind: "docker-hub"; readonly repository: string }
  | { readonly kind: "pypi"; readonly project: string }
  /** A Debian source package in a release: the glob must keep matching that release's version. */
  | { readonly kind: "debian"; readonly source: string; readonly suite: string }
  /** No release API: checked by hand where `where` says. */
  | { readonly kind: "manual"; readonly where: string };

export interface Pin {
  /** Stable id, e.g. `catalog.traefik`. */
  readonly id: string;
  readonly version: string;
  /** Repository-relative file and 1-based line where the value is written. */
  readonly file: string;
  readonly line: number;
  readonly verification: Verification;
  readonly upstream: Upstream;
}

const ROOT = join(__dirname, "..", "..");
const STACK_FILE = "Pulumi.homelab.yaml";
const DEBIAN_SUITE = "trixie";

const IMAGE_TAG: Verification = { kind: "tls-only", what: "image tag, no digest" };
/** A release download whose checksum only the stack file can pin, at `key`. */
const unpinnedDownload = (key: string): Verification => ({ kind: "tls-only", what: `release download over HTTPS, no checksum pinned (set ${key})` });

const debian = (source: string, suite: string = DEBIAN_SUITE): Upstream => ({ kind: "debian", source, suite });
const github = (repo: string): Upstream => ({ kind: "github-releases", repo });
const dockerHub = (repository: string): Upstream => ({ kind: "docker-hub", repository });

/** `owner/repo` of a github.com release download URL the code builds. */
export function githubRepoOf(url: string): string {
  const m = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/releases\//.exec(url);
  if (!m?.[1]) throw new Error(`not a GitHub release URL: ${url}`);
  return m[1];
}

/**
 * Upstream of each catalog app: what the code lacks. Release repos the code already builds URLs for
 * (Traefik, the *arr apps) are read from those URLs instead.
 */
const CATALOG_UPSTREAMS: Readonly<Record<string, (version: string) => Upstream>> = {
  postgres: (major) => debian(`postgresql-${major}`),
  traefik: (v) => github(githubRepoOf(traefikArchiveUrl(v))),
  cloudflared: () => github("cloudflare/cloudflared"),
  prometheus: () => debian("prometheus"),
  grafana: () => github("grafana/grafana"),
  // The server image is on ghcr.io, whose tag list needs a token; the releases are the same versions.
  immich: () => github("immich-app/immich"),
  nextcloud: () => dockerHub("library/nextcloud"),
  n8n: () => dockerHub("n8nio/n8n"),
  vaultwarden: () => dockerHub("vaultwarden/server"),
  jellyfin: () => github("jellyfin/jellyfin"),
  qbittorrent: () => debian("qbittorrent"),
  sonarr: (v) => github(githubRepoOf(servarrUrl("sonarr", v))),
  radarr: (v) => github(githubRepoOf(servarrUrl("radarr", v))),
  prowlarr: (v) => github(githubRepoOf(servarrUrl("prowlarr", v))),
  "uptime-kuma": () => dockerHub("louislam/uptime-kuma"),
  syncthing: () => debian("syncthing"),
};

/** Debian source package of each binary package the recipes pin (from the release's package index). */
const DEBIAN_SOURCES: Readonly<Record<string, string>> = {
  "docker.io": "docker.io",
  "docker-cli": "docker.io",
  "docker-compose": "docker-compose",
  containerd: "containerd",
  runc: "runc",
  "prometheus-alertmanager": "prometheus-alertmanager",
  "prometheus-blackbox-exporter": "prometheus-blackbox-exporter",
};

/** Binary packages a `debian` catalog app installs, for the report. */
const DEBIAN_PACKAGES: Readonly<Record<string, (version: string) => readonly string[]>> = {
  postgres: (major) => [`postgresql-${major}`],
  prometheus: () => ["prometheus"],
  qbittorrent: () => ["qbittorrent-nox"],
  syncthing: () => ["syncthing"],
};

const sourceCache = new Map<string, readonly string[]>();
const sourceLines = (file: string): readonly string[] => {
  let lines = sourceCache.get(file);
  if (!lines) {
    lines = readFileSync(join(ROOT, file), "utf8").split("\n");
    sourceCache.set(file, lines);
  }
  return lines;
};

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The 1-based line of `value` in `file`, at or after the first line containing `anchor`: a pin that
 * cannot be found where it is said to be written is a bug in this table, not something to guess.
 */
export function locate(file: string, anchor: string, value: string): number {
  const lines = sourceLines(file);
  const start = lines.findIndex((l) => l.includes(anchor));
  if (start < 0) throw new Error(`${file} has no '${anchor}'`);
  // Written as a value: quoted, or after a colon (`major: 17`, `fileName: x`, `image:tag`); never in a comment.
  const v = escapeRegExp(value);
  const token = new RegExp(`["']${v}["']|:\\s*${v}(?=$|[^A-Za-z0-9._-])`);
  const comment = /^\s*(\/\/|\*|\/\*|#)/;
  const at = lines.findIndex((l, i) => i >= start && !comment.test(l) && token.test(l));
  if (at < 0) throw new Error(`${file} has no '${value}' after '${anchor}'`);
  return at + 1;
}

/** The signing key each vendor repository's recipe fetches and checks, from the recipes' own constants. */
const VENDOR_KEYS: Readonly<Record<string, SigningKey>> = {
  cloudflared: CLOUDFLARE_APT.key,
  grafana: GRAFANA_APT.key,
  jellyfin: JELLYFIN_APT.key,
};

/** How a key is written in an object literal: bare when it is an identifier, else quoted. */
const objectKey = (name: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${name}:` : `"${name}":`);

function catalogVerification(app: string, method: string, version: string): Verification {
  switch (method) {
    case "debian":
      return { kind: "debian-archive", suite: DEBIAN_SUITE, packages: DEBIAN_PACKAGES[app]?.(version) ?? [] };
    case "vendor-apt": {
      const key = VENDOR_KEYS[app];
      if (!key) throw new Error(`catalog app ${app} installs from a vendor repository that VENDOR_KEYS does not know`);
      return { kind: "fingerprint", value: key.fingerprint };
    }
    case "compose":
      return IMAGE_TAG;
    default: {
      const sha = app === "traefik" ? TRAEFIK_RELEASE_SHA256[version] : undefined;
      return sha ? { kind: "checksum", algorithm: "sha256", value: sha } : unpinnedDownload(app === "traefik" ? "homelab:ingress.traefikSha256" : `homelab:services.${app}.install.sha256`);
    }
  }
}

function catalogPins(): Pin[] {
  return Object.entries(catalog).map(([app, spec]) => {
    const { method, version } = spec.install;
    if (version === undefined) throw new Error(`catalog app ${app} pins no install.version`);
    const upstream = CATALOG_UPSTREAMS[app];
    if (!upstream) throw new Error(`catalog app ${app} has no upstream in CATALOG_UPSTREAMS`);
    return {
      id: `catalog.${app}`,
      version,
      file: "config/catalog.ts",
      line: locate("config/catalog.ts", `  ${objectKey(app)} {`, version),
      verification: catalogVerification(app, method, version),
      upstream: upstream(version),
    };
  });
}

/** Debian globs pinned beside the recipes (Alertmanager, blackbox, the Docker engine set). */
function debianGlobPins(): Pin[] {
  const prometheusFile = "components/monitoring-stack/prometheus-recipe.ts";
  const dockerFile = "components/lxc-service/recipes/docker-engine.ts";
  const globs: { id: string; pkg: string; glob: string; file: string; anchor: string }[] = [
    { id: "debian.prometheus-alertmanager", pkg: "prometheus-alertmanager", glob: ALERTMANAGER_VERSION, file: prometheusFile, anchor: "ALERTMANAGER_VERSION =" },
    { id: "debian.prometheus-blackbox-exporter", pkg: "prometheus-blackbox-exporter", glob: BLACKBOX_VERSION, file: prometheusFile, anchor: "BLACKBOX_VERSION =" },
    ...Object.entries(DOCKER_PINS).map(([pkg, glob]) => ({ id: `debian.${pkg}`, pkg, glob, file: dockerFile, anchor: objectKey(pkg) })),
  ];
  return globs.map((g) => {
    const source = DEBIAN_SOURCES[g.pkg];
    if (!source) throw new Error(`no Debian source package known for ${g.pkg}`);
    return {
      id: g.id,
      version: g.glob,
      file: g.file,
      line: locate(g.file, g.anchor, g.glob),
      verification: { kind: "debian-archive", suite: DEBIAN_SUITE, packages: [g.pkg] },
      upstream: debian(source),
    };
  });
}

/** The shared Postgres: Debian's major per release, PGDG's key, VectorChord. */
function postgresPins(): Pin[] {
  const file = "components/shared-postgres/recipe.ts";
  const majors = Object.entries(DEBIAN_POSTGRES).map(([suite, d]): Pin => ({
    id: `postgres.debian-major.${suite}`,
    version: String(d.major),
    file,
    line: locate(file, `${suite}: {`, String(d.major)),
    verification: { kind: "debian-archive", suite, packages: [`postgresql-${d.major}`] },
    upstream: debian(`postgresql-${d.major}`, suite),
  }));
  const vchord = postgresSchema.shape.vectorchordVersion.parse(undefined);
  return [
    ...majors,
    {
      id: "postgres.pgdg-key",
      version: PGDG_KEY_FINGERPRINT,
      file,
      line: locate(file, "PGDG_KEY_FINGERPRINT =", PGDG_KEY_FINGERPRINT),
      verification: { kind: "fingerprint", value: PGDG_KEY_FINGERPRINT },
      upstream: { kind: "manual", where: "the key PGDG publishes as ACCC4CF8.asc on www.postgresql.org" },
    },
    {
      id: "postgres.vectorchord",
      version: vchord,
      file: "config/schema/postgres.ts",
      line: locate("config/schema/postgres.ts", "vectorchordVersion:", vchord),
      // Without the stack file's checksum the recipe checks only the package name inside the .deb.
      verification: unpinnedDownload("homelab:postgres.vectorchordSha256"),
      upstream: github(githubRepoOf(vectorchordUrl(17, vchord))),
    },
  ];
}

function otherPins(): Pin[] {
  const valkey = VALKEY_IMAGE.slice(VALKEY_IMAGE.lastIndexOf(":") + 1);
  return [
    {
      id: "monitoring.pve-exporter",
      version: PVE_EXPORTER_VERSION,
      file: "components/monitoring-stack/pve-exporter.ts",
      line: locate("components/monitoring-stack/pve-exporter.ts", "PVE_EXPORTER_VERSION =", PVE_EXPORTER_VERSION),
      verification: { kind: "tls-only", what: "pip install from PyPI over HTTPS, no hash" },
      upstream: { kind: "pypi", project: "prometheus-pve-exporter" },
    },
    {
      id: "immich.valkey",
      version: valkey,
      file: "components/lxc-service/recipes/compose-apps.ts",
      line: locate("components/lxc-service/recipes/compose-apps.ts", "VALKEY_IMAGE =", valkey),
      verification: IMAGE_TAG,
      upstream: dockerHub("valkey/valkey"),
    },
  ];
}

interface StackTemplate {
  readonly fileName: string;
  readonly checksum: string;
  readonly checksumAlgorithm?: "sha256" | "sha512";
}

/** The LXC templates of the example stack file, each pinned by its checksum. */
function templatePins(stackFile: string = STACK_FILE): Pin[] {
  const doc = parse(readFileSync(join(ROOT, stackFile), "utf8")) as { config?: Record<string, { templates?: Record<string, StackTemplate> }> };
  const templates = doc.config?.["homelab:proxmox"]?.templates ?? {};
  return Object.entries(templates).map(([key, t]) => ({
    id: `template.${key}`,
    version: t.fileName,
    file: stackFile,
    line: locate(stackFile, `${key}:`, t.fileName),
    verification: { kind: "checksum", algorithm: t.checksumAlgorithm ?? "sha512", value: t.checksum },
    upstream: { kind: "manual", where: "`pveam available` on the host (Proxmox's template index, aplinfo.dat)" },
  }));
}

/** Every pin, sorted by id. */
export function collectPins(): Pin[] {
  return [...catalogPins(), ...debianGlobPins(), ...postgresPins(), ...otherPins(), ...templatePins()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
