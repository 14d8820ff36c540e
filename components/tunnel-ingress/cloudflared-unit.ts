import type { Service } from "../../config";

/** Where cloudflared's files live inside its container. */
export const CLOUDFLARED_PATHS = {
  binary: "/usr/bin/cloudflared",
  /** 0600 root-only: holds TUNNEL_TOKEN, read by systemd before it drops privileges. */
  tokenEnv: "/etc/cloudflared/tunnel.env",
  unit: "/etc/systemd/system/cloudflared.service",
} as const;

/**
 * cloudflared.service: `tunnel run` of the remote-managed tunnel. The connector token reaches it
 * only through the environment file, never the command line, where any local user could read it.
 */
export function renderCloudflaredUnit(user: Service["user"], metricsPort: number): string {
  return `# Managed by homelab-as-code.
[Unit]
Description=Cloudflare Tunnel connector
Documentation=https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
User=${user.name}
Group=${user.name}
EnvironmentFile=${CLOUDFLARED_PATHS.tokenEnv}
ExecStart=${CLOUDFLARED_PATHS.binary} tunnel --no-autoupdate --metrics 0.0.0.0:${metricsPort} run
NoNewPrivileges=true
Restart=on-failure
RestartSec=5s
TimeoutStartSec=30s

[Install]
WantedBy=multi-user.target
`;
}

/** The environment file holding the connector token. */
export const renderTokenEnv = (token: string): string => `TUNNEL_TOKEN=${token}\n`;
