import type { Service } from "../../config";
import { TRAEFIK_PATHS } from "./traefik-paths";

/**
 * traefik.service: runs as its own user, allowed to bind port 80 and nothing more. No mount
 * namespacing options: they fail inside an unprivileged container without nesting.
 */
export function renderTraefikUnit(user: Service["user"], acme = false): string {
  return `# Managed by homelab-as-code.
[Unit]
Description=Traefik reverse proxy
Documentation=https://doc.traefik.io/traefik/
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
User=${user.name}
Group=${user.name}
${acme ? `# lego (the DNS-01 challenge) reads the Cloudflare token from this file; the token is never in the environment.
Environment=CF_DNS_API_TOKEN_FILE=${TRAEFIK_PATHS.dnsTokenFile}
` : ""}ExecStart=${TRAEFIK_PATHS.binary} --configFile=${TRAEFIK_PATHS.staticConfig}
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=true
LimitNOFILE=1048576
Restart=on-failure
RestartSec=5s

[Install]
WantedBy=multi-user.target
`;
}
