import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as b2 from "@pulumi/b2";
import * as cloudflare from "@pulumi/cloudflare";
import type { Homelab } from "../config";
import type { HomelabSecrets } from "./secrets";

export interface Providers {
  readonly proxmox: proxmoxve.Provider;
  readonly cloudflare: cloudflare.Provider | undefined;
  readonly b2: b2.Provider | undefined;
}

/** Explicit providers, so no resource silently picks up ambient credentials. */
export function createProviders(model: Homelab, secrets: HomelabSecrets): Providers {
  const { proxmox } = model;
  const proxmoxProvider = new proxmoxve.Provider("proxmox", {
    endpoint: proxmox.endpoint,
    insecure: proxmox.insecure,
    ...(proxmox.auth === "password"
      ? { username: "root@pam", password: secrets.proxmoxPassword }
      : { apiToken: secrets.proxmoxApiToken }),
    // Bind mounts, idmaps and file uploads go over SSH to the node.
    ssh: {
      agent: false,
      username: "root",
      privateKey: secrets.hostSshPrivateKey,
      // One entry per node: files and bind mounts go to the node a container runs on.
      nodes: model.nodes.map((n) => ({ name: n.name, address: n.sshAddress, port: n.sshPort })),
    },
  });
  const cloudflareProvider = model.ingress?.enabled
    ? new cloudflare.Provider("cloudflare", { apiToken: secrets.cloudflareApiToken })
    : undefined;
  const b2Provider = model.backup?.enabled
    ? new b2.Provider("b2", { applicationKeyId: secrets.b2ApplicationKeyId, applicationKey: secrets.b2ApplicationKey })
    : undefined;
  return { proxmox: proxmoxProvider, cloudflare: cloudflareProvider, b2: b2Provider };
}
