import { codePointOrder } from "../../../config/order";

/** What a long-running app needs from systemd. */
export interface UnitSpec {
  readonly description: string;
  /** User name; systemd also applies its supplementary groups (e.g. a device's render group). */
  readonly user: string;
  /** Primary gid, numeric so it is right whatever the group is called. */
  readonly gid: number;
  readonly execStart: string;
  readonly workingDirectory?: string;
  /** 0002 for apps that share media with a group. */
  readonly umask?: string;
  readonly environment?: Readonly<Record<string, string>>;
}

/** Renders a systemd service unit: deterministic, restarted on failure, after the network is up. */
export function renderUnit(spec: UnitSpec): string {
  const lines = [
    "[Unit]",
    `Description=${spec.description}`,
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `User=${spec.user}`,
    `Group=${spec.gid}`,
  ];
  if (spec.umask) lines.push(`UMask=${spec.umask}`);
  if (spec.workingDirectory) lines.push(`WorkingDirectory=${spec.workingDirectory}`);
  for (const [k, v] of Object.entries(spec.environment ?? {}).sort(([a], [b]) => codePointOrder(a, b))) lines.push(`Environment=${k}=${v}`);
  lines.push(`ExecStart=${spec.execStart}`, "Restart=on-failure", "RestartSec=5", "TimeoutStopSec=30", "", "[Install]", "WantedBy=multi-user.target");
  return `${lines.join("\n")}\n`;
}
