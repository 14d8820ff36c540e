import * as pulumi from "@pulumi/pulumi";
import type { ProvisionFile, Recipe } from "../lxc-service";
import { CLOUDFLARED_PATHS, renderTokenEnv } from "./cloudflared-unit";
import type { Service } from "../../config";
import { restartOnChangeScript } from "./restart-on-change";
import { shellLiteral } from "../shared/shell";
import { fetchSigningKey } from "../shared/signing-key";

/**
 * Cloudflare's apt repository and its signing key: the primary key "CloudFlare Software Packaging 2025"
 * that cloudflare-main.gpg holds since Cloudflare's October 2025 rotation (cloudflare/cloudflare-docs#29087).
 */
export const CLOUDFLARE_APT = {
  key: { name: "cloudflare", url: "https://pkg.cloudflare.com/cloudflare-main.gpg", fingerprint: "CC94B39C77AE7342A68B89628A682D308D4E5E73" },
  keyring: "/usr/share/keyrings/cloudflare-main.gpg",
  source: "/etc/apt/sources.list.d/cloudflared.list",
  line: "deb [signed-by=/usr/share/keyrings/cloudflare-main.gpg] https://pkg.cloudflare.com/cloudflared any main",
} as const;

export interface CloudflaredRecipeInput {
  /** Package version pinned in the catalog, e.g. 2026.10.0. */
  readonly version: string;
  readonly user: Service["user"];
  readonly unit: string;
}

/**
 * Installs cloudflared from Cloudflare's apt repository at the pinned version (held, so an
 * unattended upgrade does not move it) and runs the tunnel connector. The token is not part of the
 * recipe: it arrives as `cloudflaredTokenFile`, pushed before the script runs.
 */
export function cloudflaredRecipe(input: CloudflaredRecipeInput): Recipe {
  const p = CLOUDFLARED_PATHS;
  const apt = CLOUDFLARE_APT;
  const script = `# cloudflared ${input.version} from Cloudflare's apt repository, held at that version.
version=${shellLiteral(input.version)}

installed="$(dpkg-query --show cloudflared 2>/dev/null | cut -f2)" || installed=""
if [ "$installed" != "$version" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends ca-certificates curl gnupg
${fetchSigningKey(apt.key, apt.keyring).replace(/^(?=.)/gm, "  ")}  printf '%s\\n' ${shellLiteral(apt.line)} > ${shellLiteral(apt.source)}
  apt-get update
  apt-get install -y --no-install-recommends --allow-downgrades --allow-change-held-packages "cloudflared=$version"
  apt-mark hold cloudflared
fi

# The token file is root's alone; systemd reads it before dropping to the service user.
chown root:root ${shellLiteral(p.tokenEnv)}
chmod 0600 ${shellLiteral(p.tokenEnv)}
${restartOnChangeScript("cloudflared.service", [p.tokenEnv, p.unit], "/var/lib/homelab/cloudflared.stamp")}
`;
  return {
    script,
    files: [
      { path: p.unit, content: input.unit, mode: "0644" },
    ],
  };
}

/**
 * The connector token as a secret 0600 root-only environment file: it travels through stdin, never
 * a command line, and stays a Pulumi secret whatever the caller passed.
 */
export function cloudflaredTokenFile(token: pulumi.Input<string>): ProvisionFile {
  return {
    path: CLOUDFLARED_PATHS.tokenEnv,
    content: pulumi.secret(pulumi.output(token).apply(renderTokenEnv)),
    mode: "0600",
    owner: "root:root",
    secret: true,
  };
}
