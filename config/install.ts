import { catalog } from "./catalog";
import { checkComposeFile } from "./compose-file";
import type { Install, Mount, Problem } from "./model";
import { isRepositoryPath, type Repository } from "./repository";
import type { InstallSpec } from "./schema/app";

/**
 * How a service gets its app: the catalog's recipe, or one of the four methods any app can use, with
 * what they install read and checked here, before anything is provisioned.
 */

/** The methods an app outside the catalog can use, as a user would write them. */
export const INSTALL_METHODS_HELP =
  "compose (a compose file, default apps/<service>/compose.yaml), debian (packages with upstream version globs, optionally from a vendor repository), " +
  "script (a shell script, default apps/<service>/install.sh) or helper-script (a community-scripts/ProxmoxVE install script pinned to a commit)";

const SHA1 = /^[0-9a-f]{40}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const FINGERPRINT = /^[0-9A-F]{40}$/;
// Debian Policy 5.6.1: lower case letters, digits, + - and ., at least two characters, alphanumeric first.
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
// An upstream version glob: ends in * so any Debian revision matches; no '-' (a revision) or ':' (an epoch).
const UPSTREAM_GLOB = /^[0-9A-Za-z][0-9A-Za-z.+~]*\*$/;
const HELPER_NAME = /^[a-z0-9][a-z0-9-]*$/;
const APT_WORD = /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/;

/** The keys that describe an install beyond the catalog's recipe. */
const SOURCE_KEYS = ["file", "packages", "repository", "script", "commit", "sha256"] as const;

interface Context {
  readonly service: string;
  readonly app: string;
  readonly role: string;
  readonly mounts: readonly Mount[];
  readonly repository: Repository;
  readonly problems: Problem[];
}

const at = (c: Context, key?: string): string => `homelab:services.${c.service}.install${key ? `.${key}` : ""}`;

/** Reads a repository file named by `install.file`, with its default. */
function repositoryFile(c: Context, spec: InstallSpec, defaultName: string): { file: string; text: string } | undefined {
  const file = spec.file ?? `apps/${c.service}/${defaultName}`;
  if (!isRepositoryPath(file)) {
    c.problems.push({ path: at(c, "file"), message: `'${file}' must be a path inside the repository, relative to it, like apps/${c.service}/${defaultName}` });
    return undefined;
  }
  const text = c.repository.read(file);
  if (text === undefined) {
    c.problems.push({
      path: at(c, "file"),
      message: `${file} does not exist in the repository; create it${spec.file === undefined ? `, or set install.file to where the ${defaultName === "compose.yaml" ? "compose file" : "script"} is` : " or correct the path"}`,
    });
    return undefined;
  }
  return { file, text };
}

function unexpectedKeys(c: Context, spec: InstallSpec, allowed: readonly string[]): void {
  for (const key of SOURCE_KEYS) {
    if (spec[key] !== undefined && !allowed.includes(key)) {
      c.problems.push({ path: at(c, key), message: `is not used by the '${spec.method}' method; remove it (${key} belongs to ${key === "file" ? "compose or script" : key === "packages" || key === "repository" ? "debian" : "helper-script"})` });
    }
  }
}

function debianSource(c: Context, spec: InstallSpec): Install["source"] {
  const packages = spec.packages ?? {};
  if (Object.keys(packages).length === 0) {
    c.problems.push({ path: at(c, "packages"), message: `the debian method needs packages: a map of package name to upstream version glob, e.g. { ${c.service}: "1.2.*" }` });
    return undefined;
  }
  let ok = true;
  for (const [pkg, glob] of Object.entries(packages)) {
    if (!DEBIAN_PACKAGE.test(pkg)) {
      c.problems.push({ path: at(c, `packages.${pkg}`), message: `'${pkg}' is not a Debian package name (lower case letters, digits, + - and ., at least two characters)` });
      ok = false;
    }
    if (!UPSTREAM_GLOB.test(glob)) {
      const hint = /[-:]/.test(glob) ? "names a Debian revision or epoch, which leaves the archive at the next point release" : "is not an upstream version glob";
      c.problems.push({ path: at(c, `packages.${pkg}`), message: `'${glob}' ${hint}; pin the upstream version with a trailing *, like 1.2.* or 1.2.3*` });
      ok = false;
    }
  }
  const r = spec.repository;
  if (r) {
    if (!/^https:\/\/[^\s/]+\/\S*$/.test(r.url)) c.problems.push({ path: at(c, "repository.url"), message: `'${r.url}' must be an https URL of the repository, like https://repo.example.org/debian` });
    if (!/^https:\/\/[^\s/]+\/\S+$/.test(r.keyUrl)) c.problems.push({ path: at(c, "repository.keyUrl"), message: `'${r.keyUrl}' must be an https URL of the signing key` });
    if (!APT_WORD.test(r.suite)) c.problems.push({ path: at(c, "repository.suite"), message: `'${r.suite}' must be one suite name, like trixie or stable` });
    if (r.components.length === 0 || !r.components.every((x) => APT_WORD.test(x))) c.problems.push({ path: at(c, "repository.components"), message: `must list the repository's components, like [main]` });
    const fpr = r.fingerprint.replace(/\s+/g, "");
    if (!FINGERPRINT.test(fpr.toUpperCase())) {
      c.problems.push({ path: at(c, "repository.fingerprint"), message: `'${r.fingerprint}' must be the signing key's full 40-hex fingerprint (gpg --show-keys prints it), not a short key id` });
      ok = false;
    }
    if (!ok) return undefined;
    return { kind: "debian", packages, repository: { ...r, fingerprint: fpr.toUpperCase() } };
  }
  return ok ? { kind: "debian", packages, repository: undefined } : undefined;
}

function helperSource(c: Context, spec: InstallSpec): Install["source"] {
  const script = spec.script ?? c.app;
  let ok = true;
  if (!HELPER_NAME.test(script)) {
    c.problems.push({ path: at(c, "script"), message: `'${script}' must be the name of a community-scripts install script (install/<name>-install.sh), like adguard` });
    ok = false;
  }
  if (spec.commit === undefined) {
    c.problems.push({ path: at(c, "commit"), message: `is required: the 40-hex community-scripts/ProxmoxVE commit to fetch install/${script}-install.sh from` });
    return undefined;
  }
  if (!SHA1.test(spec.commit)) {
    const branch = /^[0-9a-f]{7,39}$/i.test(spec.commit) ? "a short or upper-case SHA" : "a branch or tag name";
    c.problems.push({ path: at(c, "commit"), message: `'${spec.commit}' is ${branch}, which can move or is ambiguous; give the full 40-hex lower-case commit SHA (git rev-parse ${spec.commit})` });
    ok = false;
  }
  if (spec.sha256 !== undefined && !SHA256.test(spec.sha256)) {
    c.problems.push({ path: at(c, "sha256"), message: `'${spec.sha256}' must be the script's sha256 as 64 lower-case hex digits (sha256sum prints it)` });
    ok = false;
  }
  return ok ? { kind: "helper-script", script, commit: spec.commit, sha256: spec.sha256 } : undefined;
}

/** The install of one service, or undefined source when its catalog recipe installs it. */
export const resolveInstall = (spec: InstallSpec, c: Context): Install => ({ ...resolveMethod(spec, c), from: spec.from });

function resolveMethod(spec: InstallSpec, c: Context): Omit<Install, "from"> {
  const known = catalog[c.app];
  // A catalog release download takes install.sha256 as its checksum, not as a source of its own.
  const releaseChecksum = c.role === "app" && known?.install.method === "binary" && spec.method === "binary";
  const describesSource = SOURCE_KEYS.some((k) => spec[k] !== undefined && !(releaseChecksum && k === "sha256"));
  const version = spec.version ?? "";
  if (c.role !== "app") {
    if (describesSource) c.problems.push({ path: at(c), message: `the ${c.role} service is installed by its own component; remove ${SOURCE_KEYS.filter((k) => spec[k] !== undefined).join(", ")}` });
    return { method: spec.method, version, source: undefined };
  }
  if (known && !describesSource) {
    if (spec.method !== known.install.method) {
      c.problems.push({
        path: at(c, "method"),
        message: `the ${c.app} recipe installs with '${known.install.method}', not '${spec.method}'; to install it another way, describe the install: ${INSTALL_METHODS_HELP}, with install.file, install.packages or install.commit`,
      });
    } else if (version === "") {
      c.problems.push({ path: at(c, "version"), message: `the ${c.app} recipe needs a pinned version (the catalog's is '${known.install.version ?? ""}')` });
    }
    if (spec.sha256 !== undefined && !SHA256.test(spec.sha256)) {
      c.problems.push({ path: at(c, "sha256"), message: `'${spec.sha256}' must be the release download's sha256 as 64 lower-case hex digits (sha256sum prints it)` });
    }
    return { method: spec.method, version, source: undefined, ...(releaseChecksum && spec.sha256 !== undefined ? { sha256: spec.sha256 } : {}) };
  }
  switch (spec.method) {
    case "compose": {
      unexpectedKeys(c, spec, ["file"]);
      const f = repositoryFile(c, spec, "compose.yaml");
      if (!f) return { method: spec.method, version, source: undefined };
      const checked = checkComposeFile(f.file, f.text, c.mounts);
      for (const message of checked.problems) c.problems.push({ path: at(c, "file"), message });
      return { method: spec.method, version, source: checked.document ? { kind: "compose", ...f } : undefined };
    }
    case "script": {
      unexpectedKeys(c, spec, ["file"]);
      const f = repositoryFile(c, spec, "install.sh");
      return { method: spec.method, version, source: f ? { kind: "script", ...f } : undefined };
    }
    case "debian":
      unexpectedKeys(c, spec, ["packages", "repository"]);
      return { method: spec.method, version, source: debianSource(c, spec) };
    case "helper-script":
      unexpectedKeys(c, spec, ["script", "commit", "sha256"]);
      return { method: spec.method, version, source: helperSource(c, spec) };
    default:
      c.problems.push({ path: at(c, "method"), message: `'${spec.method}' is a method of the catalog's own recipes; ${known ? "" : "an app outside the catalog "}installs with ${INSTALL_METHODS_HELP}` });
      return { method: spec.method, version, source: undefined };
  }
}
