import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { bash, bashSync, run } from "./shell";

/**
 * The host double's machinery: a private bridge with NAT to the Debian archive and a DNS forwarder
 * that answers only for it, Debian root filesystems built with debootstrap, and LXC containers made
 * from the inputs the program gives Proxmox. Everything it creates carries the rehearsal's names, so
 * clean-up removes exactly that.
 */

/** Root filesystems are cached here across runs (outside the repository): the cold run builds them. */
export const CACHE_DIR = "/var/cache/homelab-rehearsal";
/** Everything a run creates: tier directories, container configs and root filesystems, logs. */
export const WORK_DIR = "/var/tmp/homelab-rehearsal";
export const LXC_PATH = join(WORK_DIR, "lxc");
export const LOG_DIR = join(WORK_DIR, "logs");
/** nftables table of the NAT rule. */
export const NFT_TABLE = "homelab_rehearsal";
/** Linux bridge names are at most 15 characters; the stack file's vmbrN maps onto hlr-vmbrN. */
export const bridgeFor = (proxmoxBridge: string): string => `hlr-${proxmoxBridge}`.slice(0, 15);
/** Proxmox's unprivileged map: container ids 0..65535 are host ids 100000..165535. */
export const ID_SHIFT = 100000;
const ID_COUNT = 65536;

/** Debian release of a Proxmox template file name (debian-12-standard_… → bookworm). */
export function suiteOfTemplate(fileName: string): string {
  const m = /^debian-(\d+)-/.exec(fileName);
  const suites: Record<string, string> = { "12": "bookworm", "13": "trixie" };
  const suite = m ? suites[m[1] ?? ""] : undefined;
  if (!suite) throw new Error(`the rehearsal builds Debian 12 and 13 root filesystems only, not ${fileName}`);
  return suite;
}

export interface NetworkSpec {
  readonly proxmoxBridge: string;
  /** Gateway address and prefix, e.g. 10.203.117.1/24: the bridge's own address. */
  readonly gatewayCidr: string;
  readonly subnet: string;
}

/** Reads the machine's upstream resolver, which dnsmasq forwards the Debian archive's names to. */
function upstreamResolver(): string {
  const line = readFileSync("/etc/resolv.conf", "utf8").split("\n").find((l) => /^nameserver\s+\d+\.\d+\.\d+\.\d+/.test(l));
  const ip = line?.split(/\s+/)[1];
  if (!ip) throw new Error("no IPv4 nameserver in /etc/resolv.conf to forward the Debian archive's names to");
  return ip;
}

/** Names the containers may resolve: the Debian archive. Everything else is NXDOMAIN, so a vendor download fails at once. */
export const REACHABLE_DOMAINS = ["deb.debian.org", "security.debian.org", "debian.map.fastly.net"];

export class Network {
  readonly bridge: string;
  private forwardBefore = "0";

  constructor(readonly spec: NetworkSpec) {
    this.bridge = bridgeFor(spec.proxmoxBridge);
  }

  async up(): Promise<void> {
    const { gatewayCidr, subnet } = this.spec;
    const gateway = gatewayCidr.split("/")[0] ?? "";
    this.forwardBefore = readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim();
    writeFileSync(join(WORK_DIR, "ip_forward.before"), this.forwardBefore);
    await bash(`set -e
ip link add ${this.bridge} type bridge
ip addr add ${gatewayCidr} dev ${this.bridge}
ip link set ${this.bridge} up
sysctl -qw net.ipv4.ip_forward=1
nft -f - <<'NFT'
table ip ${NFT_TABLE} {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr ${subnet} oifname != "${this.bridge}" masquerade
  }
}
NFT`);
    const upstream = upstreamResolver();
    await run([
      "dnsmasq",
      `--pid-file=${join(WORK_DIR, "dnsmasq.pid")}`,
      `--listen-address=${gateway}`,
      "--bind-interfaces",
      "--except-interface=lo",
      "--no-resolv",
      "--no-hosts",
      ...REACHABLE_DOMAINS.map((d) => `--server=/${d}/${upstream}`),
      "--address=/#/",
      `--log-facility=${join(LOG_DIR, "dnsmasq.log")}`,
      "--log-queries",
    ]);
  }
}

/**
 * Removes everything a run created, by name, whatever state it is in: containers under the
 * rehearsal's lxc path, the bridge, the NAT table, the DNS forwarder, ip_forward as it was.
 */
export function cleanUp(options: { readonly keepWork?: boolean } = {}): string[] {
  const said: string[] = [];
  if (existsSync(LXC_PATH)) {
    const names = bashSync(`lxc-ls -P ${LXC_PATH} -1 2>/dev/null`).stdout.split("\n").filter(Boolean);
    for (const n of names) {
      bashSync(`lxc-stop -P ${LXC_PATH} -n ${n} -k 2>/dev/null; lxc-destroy -P ${LXC_PATH} -n ${n} -f 2>/dev/null`);
      said.push(`container ${n}`);
    }
  }
  const pidFile = join(WORK_DIR, "dnsmasq.pid");
  if (existsSync(pidFile)) {
    bashSync(`kill "$(cat ${pidFile})" 2>/dev/null; rm -f ${pidFile}`);
    said.push("dnsmasq");
  }
  const links = bashSync("ip -o link show type bridge").stdout;
  for (const m of links.matchAll(/^\d+: (hlr-[^:@]+)/gm)) {
    bashSync(`ip link del ${m[1]}`);
    said.push(`bridge ${m[1]}`);
  }
  if (bashSync(`nft list table ip ${NFT_TABLE}`).code === 0) {
    bashSync(`nft delete table ip ${NFT_TABLE}`);
    said.push(`nft table ${NFT_TABLE}`);
  }
  const forward = join(WORK_DIR, "ip_forward.before");
  if (existsSync(forward)) {
    bashSync(`sysctl -qw net.ipv4.ip_forward=$(cat ${forward}); rm -f ${forward}`);
  }
  if (!options.keepWork && existsSync(WORK_DIR)) {
    bashSync(`umount -R ${WORK_DIR}/host/merged 2>/dev/null; umount ${WORK_DIR}/host 2>/dev/null; for m in $(awk '$2 ~ "^${WORK_DIR}/" {print $2}' /proc/mounts | sort -r); do umount -l "$m"; done; rm -rf --one-file-system ${WORK_DIR}`);
    said.push(WORK_DIR);
  }
  return said;
}

interface RootFs {
  readonly plain: string;
  readonly shifted: string;
  readonly built: boolean;
}

/** Builds of this process, by suite: containers created side by side share one build, never race two. */
const rootfsBuilds = new Map<string, Promise<RootFs>>();

/** A root filesystem per Debian release, owned as the unprivileged map expects; built once and cached. */
export function rootfs(suite: string, log: string): Promise<RootFs> {
  let build = rootfsBuilds.get(suite);
  if (!build) {
    build = buildRootfs(suite, log);
    rootfsBuilds.set(suite, build);
    // A failed build is not kept: the next container tries again.
    build.catch(() => rootfsBuilds.delete(suite));
  }
  return build;
}

async function buildRootfs(suite: string, log: string): Promise<RootFs> {
  const plain = join(CACHE_DIR, `rootfs-${suite}`);
  const shifted = join(CACHE_DIR, `rootfs-${suite}-shifted`);
  let built = false;
  if (!existsSync(join(plain, ".complete"))) {
    mkdirSync(CACHE_DIR, { recursive: true });
    await bash(`rm -rf ${plain} ${shifted}`);
    // A mirror caught mid-sync serves an InRelease or a .deb that does not verify for a while, and
    // debootstrap cannot resume a failed run: it starts again from nothing, a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        await run(["debootstrap", "--variant=minbase", "--include=systemd,systemd-sysv,dbus", suite, plain, "http://deb.debian.org/debian"], { log });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await bash(`rm -rf ${plain}`);
        await new Promise((r) => setTimeout(r, 20_000));
      }
    }
    // The Debian archive of the release itself plus its security updates, as a Proxmox template has.
    writeFileSync(
      join(plain, "etc/apt/sources.list"),
      `deb http://deb.debian.org/debian ${suite} main\ndeb http://deb.debian.org/debian ${suite}-updates main\ndeb http://security.debian.org/debian-security ${suite}-security main\n`,
    );
    await bash(`rm -f ${plain}/etc/hostname; touch ${plain}/.complete`);
    built = true;
  }
  if (!existsSync(join(shifted, ".complete"))) {
    await bash(`rm -rf ${shifted}; cp -a ${plain} ${shifted}`);
    await shiftOwnership(shifted);
    await bash(`touch ${shifted}/.complete`);
  }
  return { plain, shifted, built };
}

/** Moves every file's owner into the unprivileged range, keeping setuid bits (chown clears them). */
async function shiftOwnership(dir: string): Promise<void> {
  await run([
    "python3",
    "-c",
    `import os, stat, sys
root, shift = sys.argv[1], int(sys.argv[2])
for dirpath, dirnames, filenames in os.walk(root):
    for path in [dirpath] + [os.path.join(dirpath, n) for n in filenames] + [os.path.join(dirpath, n) for n in dirnames if os.path.islink(os.path.join(dirpath, n))]:
        st = os.lstat(path)
        os.lchown(path, st.st_uid + shift, st.st_gid + shift)
        if not stat.S_ISLNK(st.st_mode):
            os.chmod(path, stat.S_IMODE(st.st_mode))`,
    dir,
    String(ID_SHIFT),
  ]);
}

/**
 * Base-system units that fail in a plain LXC container here (no kernel debugfs, no module loading),
 * whatever the program does; the checks would otherwise count them as the program's failures.
 */
export const MASKED_BASE_UNITS = ["sys-kernel-debug.mount", "systemd-modules-load.service"];

/** What the host double reads from a ContainerLegacy's inputs. */
export interface ContainerSpec {
  readonly vmId: number;
  readonly hostname: string;
  readonly address: string;
  readonly gateway: string;
  readonly dnsServers: readonly string[];
  readonly searchDomain?: string;
  readonly sshKeys: readonly string[];
  readonly bridge: string;
  readonly cores: number;
  readonly memoryMiB: number;
  readonly swapMiB: number;
  readonly unprivileged: boolean;
  readonly nesting: boolean;
  readonly mounts: readonly { readonly volume: string; readonly path: string; readonly readOnly: boolean }[];
  readonly devices: readonly { readonly path: string; readonly gid: number; readonly mode: string }[];
  readonly startOrder: number;
  readonly upDelay: number;
  readonly suite: string;
}

const cgroupV2 = (): boolean => existsSync("/sys/fs/cgroup/cgroup.controllers");

/** The LXC config Proxmox would write for these inputs, as far as plain LXC can say it. */
export function lxcConfig(spec: ContainerSpec, rootfsPath: string, deviceNodes: readonly string[]): string {
  const cores = Math.min(spec.cores, cpus().length);
  const v2 = cgroupV2();
  const cg = v2 ? "lxc.cgroup2" : "lxc.cgroup";
  const lines = [
    "lxc.include = /usr/share/lxc/config/common.conf",
    ...(spec.unprivileged ? ["lxc.include = /usr/share/lxc/config/userns.conf", `lxc.idmap = u 0 ${ID_SHIFT} ${ID_COUNT}`, `lxc.idmap = g 0 ${ID_SHIFT} ${ID_COUNT}`] : []),
    "lxc.arch = x86_64",
    `lxc.uts.name = ${spec.hostname}`,
    `lxc.rootfs.path = dir:${rootfsPath}`,
    // No AppArmor on this machine: the profile Proxmox would apply cannot be.
    "lxc.apparmor.profile = unconfined",
    spec.nesting ? "lxc.mount.auto = proc:rw sys:rw cgroup:rw:force" : "lxc.mount.auto = proc:mixed sys:mixed cgroup:mixed",
    "lxc.net.0.type = veth",
    `lxc.net.0.link = ${spec.bridge}`,
    "lxc.net.0.name = eth0",
    "lxc.net.0.flags = up",
    `lxc.net.0.ipv4.address = ${spec.address}`,
    `lxc.net.0.ipv4.gateway = ${spec.gateway}`,
    `${cg}.cpuset.cpus = 0-${cores - 1}`,
    ...(v2
      ? [`${cg}.memory.max = ${spec.memoryMiB}M`, `${cg}.memory.swap.max = ${spec.swapMiB}M`]
      : [`${cg}.memory.limit_in_bytes = ${spec.memoryMiB}M`, ...(existsSync("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes") ? [`${cg}.memory.memsw.limit_in_bytes = ${spec.memoryMiB + spec.swapMiB}M`] : [])]),
    "lxc.start.auto = 1",
    `lxc.start.order = ${spec.startOrder}`,
    `lxc.start.delay = ${spec.upDelay}`,
  ];
  for (const m of spec.mounts) lines.push(`lxc.mount.entry = ${m.volume} ${m.path.replace(/^\//, "")} none bind,create=dir${m.readOnly ? ",ro" : ""} 0 0`);
  spec.devices.forEach((d, i) => {
    lines.push(`lxc.mount.entry = ${deviceNodes[i]} ${d.path.replace(/^\//, "")} none bind,create=file 0 0`);
    lines.push(`${cg}.devices.allow = c 1:3 rwm`);
  });
  return `${lines.join("\n")}\n`;
}

/** Creates the container from the cached root filesystem and writes what Proxmox writes into it. */
export async function createContainer(spec: ContainerSpec, log: string): Promise<{ readonly notes: string[] }> {
  const notes: string[] = [];
  const fs = await rootfs(spec.suite, log);
  const dir = join(LXC_PATH, String(spec.vmId));
  const root = join(dir, "rootfs");
  await bash(`rm -rf ${dir}; mkdir -p ${dir}; cp -a ${spec.unprivileged ? fs.shifted : fs.plain} ${root}; rm -f ${root}/.complete`, { log });
  const owner = spec.unprivileged ? ID_SHIFT : 0;
  // Units of the base system that fail only because this is plain LXC, not Proxmox: masked, and said so.
  for (const unit of MASKED_BASE_UNITS) await bash(`ln -sfn /dev/null ${root}/etc/systemd/system/${unit} && chown -h ${owner}:${owner} ${root}/etc/systemd/system/${unit}`);
  const resolv = [...(spec.searchDomain ? [`search ${spec.searchDomain}`] : []), ...spec.dnsServers.map((s) => `nameserver ${s}`)].join("\n");
  writeFileSync(join(root, "etc/hostname"), `${spec.hostname}\n`);
  writeFileSync(join(root, "etc/hosts"), `127.0.0.1 localhost\n${spec.address.split("/")[0]} ${spec.hostname}${spec.searchDomain ? ` ${spec.hostname}.${spec.searchDomain}` : ""}\n`);
  writeFileSync(join(root, "etc/resolv.conf"), `${resolv}\n`);
  await bash(`chown ${owner}:${owner} ${root}/etc/hostname ${root}/etc/hosts ${root}/etc/resolv.conf`);
  if (spec.sshKeys.length > 0) {
    mkdirSync(join(root, "root/.ssh"), { recursive: true, mode: 0o700 });
    writeFileSync(join(root, "root/.ssh/authorized_keys"), `${spec.sshKeys.join("\n")}\n`, { mode: 0o600 });
    await bash(`chown -R ${owner}:${owner} ${root}/root/.ssh`);
  }
  const deviceNodes: string[] = [];
  for (const [i, d] of spec.devices.entries()) {
    // A stand-in: a character device with /dev/null's numbers, owned and moded as asked.
    const node = join(dir, `device-${i}`);
    await bash(`mknod ${node} c 1 3; chown ${owner}:${owner + d.gid} ${node}; chmod ${d.mode} ${node}`);
    deviceNodes.push(node);
    notes.push(`device ${d.path}: a stand-in node (char 1:3), not the real device`);
  }
  if (spec.cores > cpus().length) notes.push(`cores ${spec.cores} capped at this machine's ${cpus().length}`);
  writeFileSync(join(dir, "config"), lxcConfig(spec, root, deviceNodes));
  return { notes };
}

export const lxc = (tool: string, vmId: number, ...args: string[]): string[] => [tool, "-P", LXC_PATH, "-n", String(vmId), ...args];

export async function startContainer(vmId: number, log: string): Promise<void> {
  await run(lxc("lxc-start", vmId, "-l", "INFO", "-o", join(LOG_DIR, `lxc-${vmId}.log`)), { log });
  await run(lxc("lxc-wait", vmId, "-s", "RUNNING", "-t", "30"), { log });
}

export async function destroyContainer(vmId: number, log: string): Promise<void> {
  await run(lxc("lxc-stop", vmId, "-k"), { log, check: false });
  await run(lxc("lxc-destroy", vmId, "-f"), { log });
}

/** Runs a command inside a container as root, like `pct exec`. */
export const attach = (vmId: number, command: readonly string[], input?: string, check = true) =>
  run([...lxc("lxc-attach", vmId, "--clear-env", "-v", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "-v", "HOME=/root", "-v", "LANG=C.UTF-8", "--"), ...command], { input, check });
