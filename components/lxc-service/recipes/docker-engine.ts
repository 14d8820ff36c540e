import { debianPinned } from "./shell-steps";

/**
 * The Docker engine and Compose v2 from Debian 13's own archive (docker.io 26.1.5, docker-compose
 * 2.26.1, containerd 1.7.24, runc 1.1.15), pinned as a set so a rebuilt container runs the combination
 * that was rehearsed. Debian's runc predates 1.3.3, whose changes broke Docker in nested unprivileged
 * containers (containerd/containerd#12484).
 */
export const DOCKER_PINS: Readonly<Record<string, string>> = {
  "docker.io": "26.1.*",
  // Only a Recommends of docker.io, which the recipes do not install: without it there is no `docker`.
  "docker-cli": "26.1.*",
  "docker-compose": "2.26.*",
  containerd: "1.7.*",
  runc: "1.1.*",
};

/** Installs the pinned engine and Compose and makes sure the daemon runs. */
export function dockerEngine(): string {
  return `${debianPinned("docker", DOCKER_PINS)}systemctl enable --now docker
ensure_active docker
`;
}
