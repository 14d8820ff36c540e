import { at, type BadInput } from "./types";

/** Containers, datasets and the host: mistakes an operator makes in services, storage and proxmox. */

type Obj = Record<string, unknown>;
const service = (config: Obj, name: string): Obj => at(config, "homelab:services", name);

export const cases: BadInput[] = [
  {
    name: "bind mounts with API-token authentication",
    mutate: (c) => void (at(c, "homelab:proxmox").auth = "apiToken"),
    path: "homelab:services.immich.mounts",
    message: /bind mounts and device passthrough need root@pam password authentication/,
  },
  {
    name: "keyctl for a Docker app with API-token authentication",
    mutate: (c) => void (at(c, "homelab:proxmox").auth = "apiToken"),
    path: "homelab:services.vaultwarden.features",
    message: /keyctl and fuse need root@pam password authentication/,
  },
  {
    name: "a privileged container without a reason",
    mutate: (c) => void (service(c, "jellyfin").unprivileged = false),
    path: "homelab:services.jellyfin.unprivileged",
    message: /privileged container needs a stated reason in 'privilegedReason'/,
  },
  {
    name: "a service on a template that is not declared",
    mutate: (c) => void (service(c, "n8n").template = "debian-12"),
    path: "homelab:services.n8n.template",
    message: /unknown template 'debian-12' \(declared: debian-13\)/,
  },
  {
    name: "a state path that is not on a dataset",
    mutate: (c) => void (service(c, "sonarr").statePaths = ["/var/lib/sonarr", "/opt/sonarr-state"]),
    path: "homelab:services.sonarr.statePaths",
    message: /\/opt\/sonarr-state keeps state but is not on a writable dataset mount/,
  },
  {
    name: "a state path on a read-only mount",
    mutate: (c) => void (service(c, "jellyfin").statePaths = ["/var/lib/jellyfin", "/media/.jellyfin"]),
    path: "homelab:services.jellyfin.statePaths",
    message: /\/media\/\.jellyfin keeps state but is not on a writable dataset mount/,
  },
  {
    name: "a passed-through device outside /dev",
    mutate: (c) => void (service(c, "jellyfin").devices = [{ path: "/sys/class/drm/renderD128", gid: 993 }]),
    path: "homelab:services.jellyfin.devices.0.path",
    message: /must be a device under \/dev\//,
  },
  {
    name: "the same device passed through twice",
    mutate: (c) => void (service(c, "jellyfin").devices = [{ path: "/dev/dri/renderD128", gid: 993 }, { path: "/dev/dri/renderD128", gid: 44 }]),
    path: "homelab:services.jellyfin.devices.1.path",
    message: /device \/dev\/dri\/renderD128 is also used by homelab:services\.jellyfin\.devices\.0\.path/,
  },
  {
    name: "a Docker Compose app without nesting",
    mutate: (c) => void (service(c, "immich").features = { nesting: false }),
    path: "homelab:services.immich.features",
    message: /Docker Compose, which in an unprivileged container needs features\.nesting and features\.keyctl/,
  },
  {
    name: "an app version that floats",
    mutate: (c) => void (service(c, "vaultwarden").install = { method: "compose", version: "latest" }),
    path: "homelab:services.vaultwarden.install.version",
    message: /'latest' floats; pin a version/,
  },
  {
    name: "an app version that floats, spelled with a capital",
    mutate: (c) => void (service(c, "vaultwarden").install = { method: "compose", version: "Latest" }),
    path: "homelab:services.vaultwarden.install.version",
    message: /'Latest' floats; pin a version/,
  },
  {
    name: "an install method the app's recipe does not implement",
    mutate: (c) => void (service(c, "jellyfin").install = { method: "compose", version: "10.10.7" }),
    path: "homelab:services.jellyfin.install.method",
    message: /the jellyfin recipe installs with 'vendor-apt', not 'compose'/,
  },
  {
    name: "a pin that skips majors of an app that upgrades one major at a time",
    mutate: (c) => void (service(c, "nextcloud").install = { from: "31.0.6-apache" }),
    path: "homelab:services.nextcloud.install.version",
    message: /skips 3 majors after the running 31\.0\.6-apache .*set install\.version to a 32\.x release, then a 33\.x release, then a 34\.x release first/,
  },
  {
    name: "a running version that is not a version",
    mutate: (c) => void (service(c, "immich").install = { from: "release" }),
    path: "homelab:services.immich.install.from",
    message: /'release' must be the version running now, starting with its number/,
  },
  {
    name: "a mount of a dataset that does not exist",
    mutate: (c) => void (service(c, "jellyfin").mounts = { movies: { path: "/movies", readOnly: true } }),
    path: "homelab:services.jellyfin.mounts.movies",
    message: /mounts unknown dataset 'movies'/,
  },
  {
    name: "a dataset mounted over a system directory of the container",
    mutate: (c) => Object.assign(service(c, "uptime-kuma"), { datasets: { data: { path: "/etc" } }, statePaths: ["/etc"] }),
    path: "homelab:services.uptime-kuma.datasets.data.path",
    message: /\/etc is a system directory of the container/,
  },
  {
    name: "an app on the database that starts before Postgres",
    mutate: (c) => void (service(c, "n8n").startupOrder = 5),
    path: "homelab:services.n8n.startupOrder",
    message: /5 starts before or with its database \(postgres starts at 10\)/,
  },
  {
    name: "a shared dataset nested inside an app's dataset",
    mutate: (c) => void (at(c, "homelab:storage", "datasets").thumbs = { tier: "raid", path: "apps/immich/library/thumbs", quotaGiB: 10, content: "cache" }),
    path: "homelab:storage.datasets.thumbs",
    message: /lies inside dataset 'immich-library' \(\/mnt\/raid\/apps\/immich\/library\); datasets must not nest/,
  },
  {
    name: "the two tiers on the same disk path",
    mutate: (c) => void (at(c, "homelab:storage", "tiers", "raid").path = "/mnt/nvme/raid"),
    path: "homelab:storage.tiers.raid.path",
    message: /\/mnt\/nvme\/raid and the nvme tier's \/mnt\/nvme overlap/,
  },
  {
    name: "no container may be created at all",
    mutate: (c) => void (at(c, "homelab:proxmox").parallelCreates = 0),
    path: "homelab:proxmox.parallelCreates",
    message: /Too small|>=1/i,
  },
  {
    name: "a dataset mode that is not octal",
    mutate: (c) => void (at(c, "homelab:storage", "datasets", "media").mode = "rwxr-x---"),
    path: "homelab:storage.datasets.media.mode",
    message: /must be an octal mode like 0750/,
  },
];
