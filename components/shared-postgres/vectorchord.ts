import { sha256Check, shellLiteral } from "../shared/shell";
import type { DatabasePlan } from "./databases";

/** The file that loads the preloaded libraries; written only once their packages are installed. */
export const preloadConfPath = (major: number): string => `/etc/postgresql/${major}/main/conf.d/preload.conf`;

/** VectorChord's release package for a major and version, on its GitHub releases. */
export const vectorchordUrl = (major: number, version: string): string =>
  `https://github.com/tensorchord/VectorChord/releases/download/${version}/postgresql-${major}-vchord_${version}-1_amd64.deb`;

/**
 * The step after the server is up: installs VectorChord's release package (no Debian or PGDG package
 * exists), then preloads its library and restarts the server only when the preload changed. It is its
 * own step so the server and every other app's database come up even when this download cannot.
 */
export function renderPreloadScript(plan: DatabasePlan, vectorchordVersion: string, vectorchordSha256?: string): string {
  const v = plan.version;
  const lines = [`PG_MAJOR=${v}`];
  if (plan.sources.has("vectorchord")) {
    lines.push(
      `VCHORD_VERSION=${vectorchordVersion}`,
      'if [ "$(dpkg-query -W -f=\'${Version}\' "postgresql-$PG_MAJOR-vchord" 2>/dev/null || true)" != "$VCHORD_VERSION-1" ]; then',
      '  tmp="$(mktemp -d)"',
      `  curl -fsSL -o "$tmp/vchord.deb" ${vectorchordUrl(v, vectorchordVersion)}`,
      ...(vectorchordSha256 ? [`  ${sha256Check(shellLiteral(vectorchordSha256), '"$tmp/vchord.deb"')}`] : []),
      '  [ "$(dpkg-deb --field "$tmp/vchord.deb" Package)" = "postgresql-$PG_MAJOR-vchord" ] || { echo "unexpected VectorChord package" >&2; exit 1; }',
      '  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tmp/vchord.deb"',
      '  rm -rf "$tmp"',
      "fi",
    );
  }
  const conf = preloadConfPath(v);
  lines.push(
    `want="shared_preload_libraries = '${plan.preloadLibraries.join(",")}'"`,
    `if [ "$(cat ${conf} 2>/dev/null || true)" != "$want" ]; then`,
    `  printf '%s\\n' "$want" > ${conf}.tmp`,
    `  chown postgres:postgres ${conf}.tmp`,
    `  mv ${conf}.tmp ${conf}`,
    '  systemctl restart "postgresql@$PG_MAJOR-main"',
    "fi",
    'for _ in $(seq 1 60); do pg_isready -q -h /var/run/postgresql && break; sleep 1; done',
    "pg_isready -h /var/run/postgresql",
  );
  return `${lines.join("\n")}\n`;
}
