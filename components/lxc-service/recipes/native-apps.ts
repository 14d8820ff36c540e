import * as pulumi from "@pulumi/pulumi";
import type { Service } from "../../../config";
import { sha256Check, shellJoin, shellLiteral } from "../../shared/shell";
import type { AdminAccount, Recipe } from "../types";
import { datasetPath, webPort } from "./compose";
import { aptRepo, debianPinned, PRELUDE } from "./shell-steps";
import { renderUnit } from "./systemd-unit";

/**
 * Apps installed natively: Jellyfin's apt repository, Debian's own packages (qBittorrent,
 * Syncthing), and release tarballs (Sonarr, Radarr, Prowlarr). Versions come from the catalog.
 */

const unitPath = (unit: string): string => `/etc/systemd/system/${unit}.service`;

/** Enables a unit from a pushed unit file and restarts it only when the unit or its inputs changed. */
const enableUnit = (unit: string, inputs: readonly string[]): string =>
  `systemctl daemon-reload\nsystemctl enable ${unit}\n${shellJoin(["restart_if_changed", unit, unitPath(unit), ...inputs])}\nensure_active ${unit}\n`;

/**
 * Jellyfin's repository signing key (fingerprint as the coaxial/ansible-role-jellyfin role pins it) and
 * the Debian suites repo.jellyfin.org publishes: trixie since August 2025 (jellyfin/jellyfin-packaging#80).
 */
export const JELLYFIN_APT = {
  key: { name: "jellyfin", url: "https://repo.jellyfin.org/jellyfin_team.gpg.key", fingerprint: "4918AABC486CA052358D778D49023CD01DE21A7B" },
  suites: ["bookworm", "trixie"],
} as const;

/**
 * .NET needs the release's ICU, whose package name carries its version (libicu72 on Debian 12, libicu76
 * on 13): the newest libicuNN of the container's archive, in `$icu`.
 */
const FIND_ICU = `icu="$(apt-cache pkgnames libicu | grep -E '^libicu[0-9]+$' | sort -V | tail -n 1)"
[ -n "$icu" ] || { echo "no libicuNN package in this release's archive" >&2; exit 1; }
`;

/**
 * repo.jellyfin.org versions a release `<tag without v>+deb13`; a catalog pin names a release line
 * (`12.1`) that takes its point releases (`12.1.1+deb13`) but not another line (`12.10`). An apt glob
 * cannot say that (`12.1+*` misses 12.1.1, `12.1*` takes 12.10), so the apt pin is apt's `/regex/`
 * form and check_version's bash glob confirms what got installed.
 */
export function jellyfinVersion(version: string): { pin: string; glob: string } {
  return { pin: `/^${version.replaceAll(".", "\\.")}[.+]/`, glob: `${version}[.+]*` };
}

/**
 * Jellyfin from its apt repository. The packaged unit already keeps its data in /var/lib/jellyfin and
 * /var/cache/jellyfin, which are the config and cache datasets. Jellyfin 12 uses jellyfin-ffmpeg8,
 * which replaces (and conflicts with) the jellyfin-ffmpeg7 of 10.x.
 */
export function jellyfin(service: Service): Recipe {
  const { pin, glob } = jellyfinVersion(service.install.version);
  return {
    // jellyfin-server depends on neither ICU nor invariant globalization, yet .NET needs ICU to start.
    script: `${PRELUDE}${FIND_ICU}apt_install "$icu"
${aptRepo({
      name: "jellyfin",
      key: JELLYFIN_APT.key,
      keyFile: "jellyfin.asc",
      uri: "https://repo.jellyfin.org/debian",
      suite: JELLYFIN_APT.suites,
      components: ["main"],
      pins: { "jellyfin-server": pin, "jellyfin-web": pin },
    })}apt_install jellyfin-server jellyfin-web jellyfin-ffmpeg8
check_version jellyfin-server ${shellJoin([glob])}
check_version jellyfin-web ${shellJoin([glob])}
systemctl enable --now jellyfin
ensure_active jellyfin
`,
    files: [],
  };
}

/** Syncthing from Debian (13 packages it), run by our unit so its home is the config dataset. */
export function syncthing(service: Service): Recipe {
  const home = datasetPath(service, "config");
  const unit = renderUnit({
    description: "Syncthing file synchronisation",
    user: service.user.name,
    gid: service.user.gid,
    umask: "0007",
    environment: { STNORESTART: "1" },
    execStart: `/usr/bin/syncthing serve --no-browser --no-default-folder --home=${home} --gui-address=0.0.0.0:${webPort(service, 8384)}`,
  });
  return {
    script: `${PRELUDE}${debianPinned("syncthing", { syncthing: service.install.version })}${enableUnit("syncthing", ["/usr/bin/syncthing"])}`,
    files: [{ path: unitPath("syncthing"), content: unit, mode: "0644", owner: "root:root" }],
  };
}

/** The generated WebUI login, its user name and password on two lines, for qBittorrent's first start. */
export const QBITTORRENT_CREDENTIALS = "/var/lib/homelab/qbittorrent-webui.login";

/**
 * Writes the login lines of qBittorrent.conf's [Preferences] section from the login file to `out`: the user
 * name, and WebUI\Password_PBKDF2 as `@ByteArray(<salt>:<key>)`, both base64, PBKDF2-HMAC-SHA512
 * over 100000 rounds with a random 16-byte salt and a 64-byte key, as qBittorrent computes and
 * verifies it. Derived in the container, once, when the login is written: Python's hashlib (in
 * python3-minimal) reads the password from the file, never from an argument, and the 100000 rounds
 * cost the container a moment once instead of every plan.
 */
export function qbittorrentLoginLines(loginFile: string, out: string): string {
  return `python3 - ${loginFile} > ${out} <<'PY'
import base64, hashlib, os, sys
user, password = open(sys.argv[1], "rb").read().split(b"\\n", 1)
salt = os.urandom(16)
key = hashlib.pbkdf2_hmac("sha512", password, salt, 100000, 64)
sys.stdout.write("WebUI\\\\Username=%s\\n" % user.decode())
sys.stdout.write('WebUI\\\\Password_PBKDF2="@ByteArray(%s:%s)"\\n' % (base64.b64encode(salt).decode(), base64.b64encode(key).decode()))
PY
`;
}

/**
 * qBittorrent-nox from Debian, with its profile on the config dataset, the legal notice accepted once,
 * and the WebUI login set from a generated password before the WebUI ever answers. qBittorrent rewrites
 * its conf when it stops, so the login goes in while it is stopped; later changes made in the web UI
 * are the operator's.
 */
export function qbittorrent(service: Service, admin: AdminAccount): Recipe {
  const profile = datasetPath(service, "config");
  const port = webPort(service, 8080);
  const conf = `${profile}/qBittorrent/config/qBittorrent.conf`;
  const owner = `${service.user.uid}:${service.user.gid}`;
  const creds = QBITTORRENT_CREDENTIALS;
  const unit = renderUnit({
    description: "qBittorrent (headless)",
    user: service.user.name,
    gid: service.user.gid,
    umask: "0002",
    execStart: `/usr/bin/qbittorrent-nox --profile=${profile} --webui-port=${port}`,
  });
  const login = pulumi.secret(pulumi.all([admin.user, admin.password]).apply(([user, password]) => `${user}\n${password}`));
  return {
    script: `${PRELUDE}${debianPinned("qbittorrent", { "qbittorrent-nox": service.install.version })}# First start only: later changes made in the web UI are the operator's.
lines=""
if [ ! -e ${conf} ] || ! grep -qF 'WebUI\\Password_PBKDF2=' ${conf}; then
  apt_install python3-minimal
  lines="$(mktemp)"
  ${qbittorrentLoginLines(creds, '"$lines"').trimEnd()}
fi
if [ ! -e ${conf} ]; then
  install -d -o ${service.user.uid} -g ${service.user.gid} -m 0750 ${profile}/qBittorrent ${profile}/qBittorrent/config
  {
    cat <<'EOF'
[LegalNotice]
Accepted=true

[Preferences]
Downloads\\SavePath=/downloads/
WebUI\\Port=${port}
EOF
    cat "$lines"
  } | put_file ${conf} 0640 ${owner}
elif ! grep -qF 'WebUI\\Password_PBKDF2=' ${conf}; then
  # A profile from before the generated login (qBittorrent's own temporary password): set it, stopped.
  systemctl stop qbittorrent 2>/dev/null || true
  sed -i '/^WebUI\\\\Username=/d' ${conf}
  if grep -qx '\\[Preferences\\]' ${conf}; then
    sed -i "/^\\[Preferences\\]\$/r $lines" ${conf}
  else
    { printf '\\n[Preferences]\\n'; cat "$lines"; } >> ${conf}
  fi
fi
if [ -n "$lines" ]; then rm -f "$lines"; fi
${enableUnit("qbittorrent", ["/usr/bin/qbittorrent-nox", creds])}`,
    files: [
      { path: unitPath("qbittorrent"), content: unit, mode: "0644", owner: "root:root" },
      { path: creds, content: login, mode: "0600", owner: "root:root", secret: true },
    ],
  };
}

/** The *arr family ships self-contained .NET release tarballs with the same layout. */
interface ServarrRelease {
  /** Directory and binary name inside the tarball. */
  readonly product: "Sonarr" | "Radarr" | "Prowlarr";
  /** Release branch in the asset name. */
  readonly branch: "main" | "master";
  /** Platform suffix of the asset name. */
  readonly platform: "linux-x64" | "linux-core-x64";
}

const SERVARR: Readonly<Record<string, ServarrRelease>> = {
  sonarr: { product: "Sonarr", branch: "main", platform: "linux-x64" },
  radarr: { product: "Radarr", branch: "master", platform: "linux-core-x64" },
  prowlarr: { product: "Prowlarr", branch: "master", platform: "linux-core-x64" },
};

/** Release URL of a pinned *arr version on GitHub. */
export function servarrUrl(app: string, version: string): string {
  const r = SERVARR[app];
  if (!r) throw new Error(`no release layout for ${app}`);
  return `https://github.com/${r.product}/${r.product}/releases/download/v${version}/${r.product}.${r.branch}.${version}.${r.platform}.tar.gz`;
}

/** Sonarr, Radarr or Prowlarr: unpacked to /opt/<app> once per version, data on the config dataset. */
export function servarr(service: Service): Recipe {
  const r = SERVARR[service.app];
  if (!r) throw new Error(`no release layout for ${service.app}`);
  const version = service.install.version;
  const sha256 = service.install.sha256;
  // The stamp names the checksum too, so setting one later re-downloads and verifies the release.
  const stamp = sha256 ? `${version} ${sha256}` : version;
  const dir = `/opt/${service.app}`;
  const data = datasetPath(service, "config");
  const unit = renderUnit({
    description: `${r.product} ${version}`,
    user: service.user.name,
    gid: service.user.gid,
    umask: "0002",
    execStart: `${dir}/${r.product} -nobrowser -data=${data}`,
  });
  return {
    script: `${PRELUDE}${FIND_ICU}apt_install "$icu" libsqlite3-0
if [ "$(cat ${dir}/.homelab-version 2>/dev/null || true)" != ${shellJoin([stamp])} ]; then
  work="$(mktemp -d)"
  curl -fsSL ${shellJoin([servarrUrl(service.app, version)])} -o "$work/release.tar.gz"
${sha256 ? `  ${sha256Check(shellLiteral(sha256), '"$work/release.tar.gz"')}
` : ""}  tar -xzf "$work/release.tar.gz" -C "$work"
  rm -rf ${dir}.new
  mv "$work/${r.product}" ${dir}.new
  printf '%s\\n' ${shellJoin([stamp])} > ${dir}.new/.homelab-version
  rm -rf ${dir}
  mv ${dir}.new ${dir}
  rm -rf "$work"
fi
${enableUnit(service.app, [`${dir}/.homelab-version`])}`,
    files: [{ path: unitPath(service.app), content: unit, mode: "0644", owner: "root:root" }],
  };
}
