import type * as command from "@pulumi/command";
import type * as pulumi from "@pulumi/pulumi";

/** SSH access to the Proxmox host; every command inside a container goes through `pct` there. */
export interface HostConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Secret: the host's root SSH private key. */
  readonly privateKey: pulumi.Output<string>;
}

export const sshConnection = (conn: HostConnection): command.types.input.remote.ConnectionArgs => ({
  host: conn.host,
  port: conn.port,
  user: conn.user,
  privateKey: conn.privateKey,
});
