import type { ProvisionFile, Recipe } from "../lxc-service";
import type { Service } from "../../config";
import { restartOnChangeScript } from "./restart-on-change";
import { sha256Check, shellLiteral } from "../shared/shell";
import { TRAEFIK_PATHS } from "./traefik-paths";

export interface TraefikRecipeInput {
  /** Release tag, e.g. v3.7.12. */
  readonly version: string;
  /** SHA-256 of the release's linux/amd64 archive. */
  readonly sha256: string;
  readonly user: Service["user"];
  readonly unit: string;
}

/** Release archive of a Traefik version on GitHub. */
export const traefikArchiveUrl = (version: string): string =>
  `https://github.com/traefik/traefik/releases/download/${version}/traefik_${version}_linux_amd64.tar.gz`;

/**
 * Installs the pinned Traefik release binary (refusing an archive whose checksum differs) and its
 * unit, and restarts it when its static configuration changed. Routes change without a restart:
 * the file provider watches them.
 */
export function traefikRecipe(input: TraefikRecipeInput): Recipe {
  const p = TRAEFIK_PATHS;
  const script = `# Traefik ${input.version} from its release archive, verified against a pinned SHA-256.
version=${shellLiteral(input.version)}
sha256=${shellLiteral(input.sha256)}
url=${shellLiteral(traefikArchiveUrl(input.version))}

if [ "$(cat ${shellLiteral(p.release)} 2>/dev/null || true)" != "$version $sha256" ]; then
  if ! command -v curl >/dev/null; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  curl -fsSL --retry 3 -o "$tmp/traefik.tar.gz" "$url"
  ${sha256Check('"$sha256"', '"$tmp/traefik.tar.gz"')}
  tar -xzf "$tmp/traefik.tar.gz" -C "$tmp" traefik
  install -m 0755 -o root -g root "$tmp/traefik" ${shellLiteral(p.binary)}
  install -d -m 0755 "$(dirname ${shellLiteral(p.release)})"
  printf '%s\\n' "$version $sha256" > ${shellLiteral(p.release)}
fi

install -d -m 0755 ${shellLiteral(p.dynamicDir)}
${restartOnChangeScript("traefik.service", [p.staticConfig, p.unit, p.release], "/var/lib/homelab/traefik.stamp")}
`;
  return {
    script,
    files: [{ path: p.unit, content: input.unit, mode: "0644" }],
  };
}

/** The rendered static and dynamic configuration, pushed before the recipe runs. */
export const traefikConfigFiles = (staticConfig: string, dynamicConfig: string): ProvisionFile[] => [
  { path: TRAEFIK_PATHS.staticConfig, content: staticConfig, mode: "0644" },
  { path: TRAEFIK_PATHS.dynamicConfig, content: dynamicConfig, mode: "0644" },
];
