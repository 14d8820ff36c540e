/** IPv4 arithmetic for the homelab's single flat network. Pure functions only. */

export interface Cidr {
  readonly network: number;
  readonly prefix: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

export function ipToInt(ip: string): number {
  if (!isIpv4(ip)) throw new Error(`not an IPv4 address: ${ip}`);
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** A network in CIDR form naming its network address; prefixes 8-30 unless told (a LAN), e.g. 0-32 for source ranges. */
export function parseCidr(text: string, prefixes: { readonly min: number; readonly max: number } = { min: 8, max: 30 }): Cidr | undefined {
  const [ip, prefixText, ...rest] = text.split("/");
  if (rest.length > 0 || ip === undefined || prefixText === undefined || !isIpv4(ip)) return undefined;
  if (!/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix < prefixes.min || prefix > prefixes.max) return undefined;
  const size = 2 ** (32 - prefix);
  const value = ipToInt(ip);
  // The CIDR must name its network address, not a host inside it.
  if (value % size !== 0) return undefined;
  return { network: value, prefix };
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function broadcast(cidr: Cidr): number {
  return cidr.network + cidrSize(cidr) - 1;
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const value = ipToInt(ip);
  return value >= cidr.network && value <= broadcast(cidr);
}

export function formatCidr(cidr: Cidr): string {
  return `${intToIp(cidr.network)}/${cidr.prefix}`;
}
