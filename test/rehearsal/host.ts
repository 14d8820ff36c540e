import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PCT_DOUBLE, SYSTEMCTL_DOUBLE } from "./doubles";
import { LXC_PATH, WORK_DIR } from "./lab";
import { bash, run, type RunResult } from "./shell";

/** No one host command of the program takes this long here; one that does is hung, and fails. */
export const HOST_COMMAND_TIMEOUT_MS = 20 * 60_000;

/**
 * The stand-in Proxmox host: this machine's own root filesystem seen through an overlay, so what the
 * host commands install and write (packages, /etc, units) lands in a throwaway upper layer and the
 * machine itself is left as it was. The tier directories and the containers' LXC path are bound in
 * at their real paths, so a dataset made here is the one a container mounts.
 */
export class StandInHost {
  readonly root = join(WORK_DIR, "host", "merged");
  /** The overlay's upper layer: everything the host commands wrote. */
  readonly upper = join(WORK_DIR, "host", "upper");

  constructor(private readonly tierPaths: readonly string[]) {}

  async up(): Promise<void> {
    const base = join(WORK_DIR, "host");
    mkdirSync(base, { recursive: true });
    const binds = [LXC_PATH, ...this.tierPaths];
    for (const b of binds) mkdirSync(b, { recursive: true });
    await bash(`set -e
mount -t tmpfs -o size=4g homelab-rehearsal-host ${base}
mkdir -p ${base}/upper ${base}/work ${this.root}
mount -t overlay homelab-rehearsal-host -o lowerdir=/,upperdir=${base}/upper,workdir=${base}/work ${this.root}
mount -t proc proc ${this.root}/proc
for d in /sys /dev /run; do mount --rbind "$d" "${this.root}$d"; done
${binds.map((b) => `mkdir -p "${this.root}${b}" && mount --bind "${b}" "${this.root}${b}"`).join("\n")}`);
    // A stock host's root has Debian's shell startup files; bash reads .bashrc for commands over SSH.
    await bash(`cp /etc/skel/.bashrc /etc/skel/.profile ${this.root}/root/ && rm -rf ${this.root}/root/.pyenv ${this.root}/root/.bash_profile`);
    for (const [name, text] of [["pct", PCT_DOUBLE], ["systemctl", SYSTEMCTL_DOUBLE]] as const) {
      const path = join(this.root, "usr/local/sbin", name);
      writeFileSync(path, text);
      chmodSync(path, 0o755);
    }
  }

  /** Runs a host command the way SSH runs a remote.Command: through bash, with its stdin. */
  exec(command: string, options: { readonly input?: string; readonly log?: string; readonly check?: boolean; readonly timeoutMs?: number } = {}): Promise<RunResult> {
    // pivot_root, not chroot: a chrooted process may not create user namespaces, and lxc-attach
    // into an unprivileged container needs one. The way in is sh, which reads no startup file of this
    // machine; the command's own bash then starts at level 1 with the socket on stdin, as under sshd,
    // and reads the stand-in's .bashrc.
    const enter = 'cd "$1" && mkdir -p .hl-oldroot && pivot_root . .hl-oldroot && cd / && umount -l /.hl-oldroot && exec /bin/bash -c "$2"';
    return run(["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", enter, "enter-host", this.root, command], {
      input: options.input,
      log: options.log,
      check: options.check,
      timeoutMs: options.timeoutMs ?? HOST_COMMAND_TIMEOUT_MS,
      env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: "/root", LANG: "C.UTF-8", TERM: "dumb" },
    });
  }

  /** A path of the stand-in host as seen from this machine. */
  path(p: string): string {
    return join(this.root, p);
  }
}

/** Tier directories are mount points on a real host; here each is a bind mount of itself. */
export async function mountTiers(paths: readonly string[]): Promise<void> {
  for (const p of paths) await bash(`mkdir -p ${p} && (mountpoint -q ${p} || mount --bind ${p} ${p})`);
}
