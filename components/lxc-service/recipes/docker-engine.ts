import { aptRepo } from "./shell-steps";

/**
 * Docker Engine from Docker's own apt repository (Debian's docker.io has no Compose v2 plugin),
 * pinned so a rebuilt container runs the engine that was tested.
 */
export const DOCKER_ENGINE_VERSION = "5:27.5.1-1~debian.12~*";
export const DOCKER_COMPOSE_VERSION = "2.32.4-1~debian.12~*";
/** Docker's release signing key, checked before the key is trusted. */
export const DOCKER_KEY_FINGERPRINT = "9DC858229FC7DD38854AE2D88D81803C0EBFCD88";

/** Installs the pinned engine and Compose plugin and makes sure the daemon runs at boot. */
export function dockerEngine(): string {
  return `${aptRepo({
    name: "docker",
    keyUrl: "https://download.docker.com/linux/debian/gpg",
    keyFile: "docker.asc",
    fingerprint: DOCKER_KEY_FINGERPRINT,
    uri: "https://download.docker.com/linux/debian",
    suite: "bookworm",
    components: ["stable"],
    pins: { "docker-ce": DOCKER_ENGINE_VERSION, "docker-ce-cli": DOCKER_ENGINE_VERSION, "docker-compose-plugin": DOCKER_COMPOSE_VERSION },
  })}apt_install docker-ce docker-ce-cli containerd.io docker-compose-plugin
systemctl enable --now docker
`;
}
