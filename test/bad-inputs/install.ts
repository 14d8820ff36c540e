import { ADGUARD_COMMIT, withOwnApps } from "../own-apps";
import { at, type BadInput } from "./types";

/** Installs of apps inside and outside the catalog: each way to install, and each way to get it wrong. */

type Obj = Record<string, unknown>;
const service = (config: Obj, name: string): Obj => at(config, "homelab:services", name);

/** The own-apps page's apps outside the catalog, with mosquitto's install replaced (or left out). */
const ownApp = (config: Obj, install?: Obj): void => {
  const mosquitto = service(withOwnApps(config), "mosquitto");
  if (install) mosquitto.install = install;
  else delete mosquitto.install;
};
const COMMIT = ADGUARD_COMMIT;

export const cases: BadInput[] = [
  {
    name: "an app outside the catalog with no way to install it",
    mutate: (c) => ownApp(c),
    path: "homelab:services.mosquitto.install",
    message: /'mosquitto' is not in the catalog, so it needs a way to install: set install\.method to compose .* debian .* script .* or helper-script/,
  },
  {
    name: "a catalog recipe's own method for an app outside the catalog",
    mutate: (c) => ownApp(c, { method: "binary", version: "2.0.21" }),
    path: "homelab:services.mosquitto.install.method",
    message: /'binary' is a method of the catalog's own recipes; an app outside the catalog installs with compose/,
  },
  {
    name: "a compose app whose default compose file is missing",
    mutate: (c) => ownApp(c, { method: "compose" }),
    path: "homelab:services.mosquitto.install.file",
    message: /apps\/mosquitto\/compose\.yaml does not exist in the repository; create it, or set install\.file/,
  },
  {
    name: "a script that is not in the repository",
    mutate: (c) => ownApp(c, { method: "script", file: "apps/mosquitto/setup.sh" }),
    path: "homelab:services.mosquitto.install.file",
    message: /apps\/mosquitto\/setup\.sh does not exist in the repository; create it or correct the path/,
  },
  {
    name: "an install file outside the repository",
    mutate: (c) => ownApp(c, { method: "script", file: "../etc/passwd" }),
    path: "homelab:services.mosquitto.install.file",
    message: /'\.\.\/etc\/passwd' must be a path inside the repository, relative to it/,
  },
  {
    name: "a compose file with an image on latest",
    mutate: (c) => ownApp(c, { method: "compose", file: "test/fixtures/apps/demo/compose.yaml" }),
    path: "homelab:services.mosquitto.install.file",
    message: /test\/fixtures\/apps\/demo\/compose\.yaml: service 'web' runs 'docker\.io\/library\/nginx:latest', which is not pinned/,
  },
  {
    name: "a compose file with a tagless image",
    mutate: (c) => ownApp(c, { method: "compose", file: "test/fixtures/apps/demo/compose.yaml" }),
    path: "homelab:services.mosquitto.install.file",
    message: /service 'worker' runs 'docker\.io\/library\/busybox', which is not pinned/,
  },
  {
    name: "a compose volume with a relative source",
    mutate: (c) => ownApp(c, { method: "compose", file: "test/fixtures/apps/demo/compose.yaml" }),
    path: "homelab:services.mosquitto.install.file",
    message: /volume '\.\/html:\/usr\/share\/nginx\/html' has a relative source; use an absolute path on one of the service's datasets \(none declared: add one under datasets\)/,
  },
  {
    name: "a compose named volume on the root disk",
    mutate: (c) => ownApp(c, { method: "compose", file: "test/fixtures/apps/demo/compose.yaml" }),
    path: "homelab:services.mosquitto.install.file",
    message: /declares named volumes under 'volumes:'/,
  },
  {
    name: "a helper script pinned to a branch name",
    mutate: (c) => ownApp(c, { method: "helper-script", script: "mosquitto", commit: "main" }),
    path: "homelab:services.mosquitto.install.commit",
    message: /'main' is a branch or tag name, which can move or is ambiguous; give the full 40-hex lower-case commit SHA/,
  },
  {
    name: "a helper script pinned to a short SHA",
    mutate: (c) => ownApp(c, { method: "helper-script", commit: COMMIT.slice(0, 7) }),
    path: "homelab:services.mosquitto.install.commit",
    message: /'f312f9b' is a short or upper-case SHA/,
  },
  {
    name: "a helper script without a commit",
    mutate: (c) => ownApp(c, { method: "helper-script", script: "mosquitto" }),
    path: "homelab:services.mosquitto.install.commit",
    message: /is required: the 40-hex community-scripts\/ProxmoxVE commit to fetch install\/mosquitto-install\.sh from/,
  },
  {
    name: "a helper script with a malformed sha256",
    mutate: (c) => ownApp(c, { method: "helper-script", commit: COMMIT, sha256: "abc" }),
    path: "homelab:services.mosquitto.install.sha256",
    message: /'abc' must be the script's sha256 as 64 lower-case hex digits/,
  },
  {
    name: "a helper script name that is not a script name",
    mutate: (c) => ownApp(c, { method: "helper-script", script: "../misc/build", commit: COMMIT }),
    path: "homelab:services.mosquitto.install.script",
    message: /must be the name of a community-scripts install script \(install\/<name>-install\.sh\)/,
  },
  {
    name: "a Debian package pinned to an exact Debian revision",
    mutate: (c) => ownApp(c, { method: "debian", packages: { mosquitto: "2.0.21-1" } }),
    path: "homelab:services.mosquitto.install.packages.mosquitto",
    message: /'2\.0\.21-1' names a Debian revision or epoch, which leaves the archive at the next point release; pin the upstream version with a trailing \*/,
  },
  {
    name: "a Debian package without a glob",
    mutate: (c) => ownApp(c, { method: "debian", packages: { mosquitto: "2.0.21" } }),
    path: "homelab:services.mosquitto.install.packages.mosquitto",
    message: /'2\.0\.21' is not an upstream version glob/,
  },
  {
    name: "the debian method without packages",
    mutate: (c) => ownApp(c, { method: "debian" }),
    path: "homelab:services.mosquitto.install.packages",
    message: /the debian method needs packages/,
  },
  {
    name: "a Debian package name with capitals",
    mutate: (c) => ownApp(c, { method: "debian", packages: { Mosquitto: "2.0.*" } }),
    path: "homelab:services.mosquitto.install.packages.Mosquitto",
    message: /'Mosquitto' is not a Debian package name/,
  },
  {
    name: "a vendor repository with a short key id instead of a fingerprint",
    mutate: (c) =>
      ownApp(c, { method: "debian", packages: { mosquitto: "2.0.*" }, repository: { url: "https://repo.example.org/debian", suite: "trixie", keyUrl: "https://repo.example.org/key.asc", fingerprint: "ACCC4CF8" } }),
    path: "homelab:services.mosquitto.install.repository.fingerprint",
    message: /'ACCC4CF8' must be the signing key's full 40-hex fingerprint/,
  },
  {
    name: "a vendor repository over plain http",
    mutate: (c) =>
      ownApp(c, { method: "debian", packages: { mosquitto: "2.0.*" }, repository: { url: "http://repo.example.org/debian", suite: "trixie", keyUrl: "https://repo.example.org/key.asc", fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567" } }),
    path: "homelab:services.mosquitto.install.repository.url",
    message: /must be an https URL of the repository/,
  },
  {
    name: "packages given to the compose method",
    mutate: (c) => ownApp(c, { method: "compose", file: "apps/mealie/compose.yaml", packages: { mosquitto: "2.0.*" } }),
    path: "homelab:services.mosquitto.install.packages",
    message: /is not used by the 'compose' method; remove it/,
  },
  {
    name: "an install source on an infrastructure service",
    mutate: (c) => void (service(c, "traefik").install = { method: "script", file: "test/fixtures/apps/demo/install.sh" }),
    path: "homelab:services.traefik.install",
    message: /the traefik service is installed by its own component; remove file/,
  },
];
