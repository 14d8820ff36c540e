/** Type tokens of the resources the homelab's rules look at (as the program registers them). */
export const T = {
  container: "proxmoxve:index/containerLegacy:ContainerLegacy",
  firewallOptions: "proxmoxve:firewall/optionsLegacy:OptionsLegacy",
  firewallRules: "proxmoxve:firewall/rulesLegacy:RulesLegacy",
  command: "command:remote:Command",
  tieredStorage: "homelab:index:TieredStorage",
  resticBackup: "homelab:index:ResticBackup",
  dnsRecord: "cloudflare:index/dnsRecord:DnsRecord",
  accessApplication: "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication",
  tunnelConfig: "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
  pgDatabase: "postgresql:index/database:Database",
  pgRole: "postgresql:index/role:Role",
  b2Bucket: "b2:index/bucket:Bucket",
  b2ApplicationKey: "b2:index/applicationKey:ApplicationKey",
} as const;

/**
 * The type of the resource a URN names: the last `$`-separated segment of its qualified type
 * (`urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`). Undefined for anything else.
 */
export function typeOfUrn(urn: string | undefined): string | undefined {
  if (urn === undefined || !urn.startsWith("urn:pulumi:")) return undefined;
  const qualified = urn.split("::")[2];
  return qualified?.split("$").pop();
}

/** Whether a resource is a dataset directory: a host command that the TieredStorage component owns. */
export const isDatasetDir = (type: string, parentUrn: string | undefined): boolean =>
  type === T.command && typeOfUrn(parentUrn) === T.tieredStorage;
