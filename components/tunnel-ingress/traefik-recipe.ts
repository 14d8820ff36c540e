import * as pulumi from "@pulumi/pulumi";
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
  /** Traefik gets certificates by ACME: its state directory, and a restart when the DNS token changes. */
  readonly acme?: boolean;
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
  # Removed at the end rather than by an EXIT trap, which would replace the one that reports a failure.
  tmp="$(mktemp -d)"
  curl -fsSL --retry 3 -o "$tmp/traefik.tar.gz" "$url"
  ${sha256Check('"$sha256"', '"$tmp/traefik.tar.gz"')}
  tar -xzf "$tmp/traefik.tar.gz" -C "$tmp" traefik
  install -m 0755 -o root -g root "$tmp/traefik" ${shellLiteral(p.binary)}
  install -d -m 0755 "$(dirname ${shellLiteral(p.release)})"
  printf '%s\\n' "$version $sha256" > ${shellLiteral(p.release)}
  rm -rf "$tmp"
fi

install -d -m 0755 ${shellLiteral(p.dynamicDir)}
${input.acme ? `# acme.json holds the ACME account key and the certificates' keys: only Traefik's user reads it.
install -d -m 0700 -o ${shellLiteral(input.user.name)} -g ${shellLiteral(input.user.name)} ${shellLiteral(p.stateDir)}
` : ""}${restartOnChangeScript("traefik.service", [p.staticConfig, p.unit, p.release, ...(input.acme ? [p.dnsTokenFile] : [])], "/var/lib/homelab/traefik.stamp")}
`;
  return {
    script,
    files: [{ path: p.unit, content: input.unit, mode: "0644" }],
  };
}

/** The DNS-01 token, a secret file only Traefik's user reads (the file path is all the unit names). */
export const traefikDnsTokenFile = (token: pulumi.Output<string>, user: Service["user"]): ProvisionFile => ({
  path: TRAEFIK_PATHS.dnsTokenFile,
  content: pulumi.secret(token),
  mode: "0600",
  owner: `${user.name}:${user.name}`,
  secret: true,
});

/** The rendered static and dynamic configuration, pushed before the recipe runs. */
export const traefikConfigFiles = (staticConfig: string, dynamicConfig: string): ProvisionFile[] => [
  { path: TRAEFIK_PATHS.staticConfig, content: staticConfig, mode: "0644" },
  { path: TRAEFIK_PATHS.dynamicConfig, content: dynamicConfig, mode: "0644" },
];
