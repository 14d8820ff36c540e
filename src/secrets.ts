import type * as pulumi from "@pulumi/pulumi";

/** Secret config values, read once by the program and handed to the components as Outputs. */
export interface HomelabSecrets {
  readonly proxmoxPassword?: pulumi.Output<string>;
  readonly proxmoxApiToken?: pulumi.Output<string>;
  readonly hostSshPrivateKey: pulumi.Output<string>;
  readonly cloudflareApiToken?: pulumi.Output<string>;
  readonly b2ApplicationKeyId?: pulumi.Output<string>;
  readonly b2ApplicationKey?: pulumi.Output<string>;
  readonly resticPassword?: pulumi.Output<string>;
  readonly ntfyToken?: pulumi.Output<string>;
  readonly smtpPassword?: pulumi.Output<string>;
  readonly webhookToken?: pulumi.Output<string>;
}
