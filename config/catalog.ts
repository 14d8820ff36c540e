import type { AppSpecInput } from "./schema/app";

/**
 * Known apps and their defaults: the typed version of the per-app tables homelab users already think
 * in. A service entry names one of these and overrides only what differs. Sizes are MiB / GiB; versions
 * are pinned so that a `pulumi up` next month installs what was tested.
 */
export const catalog: Readonly<Record<string, AppSpecInput>> = {
  postgres: {
    description: "Shared PostgreSQL with pgvector and VectorChord",
    role: "postgres",
    cores: 2,
    memoryMiB: 4096,
    diskGiB: 8,
    // Outside the system id range on purpose: on Debian 12, gid 999 is systemd-journal and system ids
    // are handed out dynamically, so a fixed 1xx-9xx id could collide. The dataset is owned by 100000+this.
    user: { name: "postgres", uid: 5432, gid: 5432 },
    datasets: {
      // Dumped by the backup job instead of copied: a file copy of a live cluster is not consistent.
      data: { tier: "fast", path: "/var/lib/postgresql", quotaGiB: 60, content: "database", mode: "0700" },
    },
    metrics: [{ port: 9187 }],
    statePaths: ["/var/lib/postgresql"],
    // The PostgreSQL major: Debian's own where the release packages it (Debian 13: 17), else PGDG's.
    // Must equal homelab:postgres.version (the config checks compare them).
    install: { method: "debian", version: "17" },
    startupOrder: 10,
    tags: ["database"],
  },
  traefik: {
    description: "Traefik v3 reverse proxy behind the tunnel",
    role: "traefik",
    cores: 1,
    memoryMiB: 512,
    diskGiB: 4,
    user: { name: "traefik", uid: 1000, gid: 1000 },
    extraRoutes: { traefik: { port: 8080, healthPath: "/ping", exposure: "protected" } },
    metrics: [{ port: 8082 }],
    // Held at v3.7.12: v3.7.13 (github.com/traefik/traefik/releases/tag/v3.7.13) fixes security
    // advisories, but no published SHA-256 of its linux_amd64 archive was found to pin in
    // TRAEFIK_RELEASE_SHA256; until then run it with homelab:ingress.traefikSha256 set.
    install: { method: "binary", version: "v3.7.12" },
    startupOrder: 20,
    tags: ["ingress"],
  },
  cloudflared: {
    description: "Cloudflare Tunnel connector",
    role: "cloudflared",
    cores: 1,
    memoryMiB: 256,
    diskGiB: 4,
    user: { name: "cloudflared", uid: 1000, gid: 1000 },
    metrics: [{ port: 2000 }],
    // Cloudflare's apt repository names its packages by release: github.com/cloudflare/cloudflared/releases/tag/2026.10.0.
    install: { method: "vendor-apt", version: "2026.10.0" },
    startupOrder: 25,
    tags: ["ingress"],
  },
  prometheus: {
    description: "Prometheus and Alertmanager",
    role: "prometheus",
    cores: 2,
    memoryMiB: 2048,
    diskGiB: 8,
    // A system id: Debian's prometheus, alertmanager and blackbox packages run `adduser --system`,
    // which exits 13 ("already exists, but is not a system user") for an account of uid >= 1000 and
    // accepts an existing system account (adduser 3.152 on Debian 13, run in the rehearsal).
    user: { name: "prometheus", uid: 900, gid: 900 },
    // Its units use systemd sandboxing (Debian 13's prometheus.service: PrivateUsers, ProtectSystem, ...;
    // our pve-exporter unit), which Proxmox's AppArmor refuses (226/NAMESPACE) without nesting.
    features: { nesting: true },
    datasets: {
      tsdb: { tier: "fast", path: "/var/lib/prometheus", quotaGiB: 40, content: "metrics" },
    },
    web: { port: 9090, healthPath: "/-/healthy", exposure: "protected" },
    extraRoutes: { alertmanager: { port: 9093, healthPath: "/-/healthy", exposure: "protected" } },
    metrics: [{ port: 9090 }, { port: 9093 }],
    statePaths: ["/var/lib/prometheus"],
    // Debian 13's prometheus is 2.53.3: an upstream glob, so a point release's rebuild still matches.
    install: { method: "debian", version: "2.53.*" },
    startupOrder: 30,
    tags: ["monitoring"],
  },
  grafana: {
    description: "Grafana dashboards",
    role: "grafana",
    cores: 1,
    memoryMiB: 512,
    diskGiB: 4,
    user: { name: "grafana", uid: 1000, gid: 1000 },
    // Grafana's packaged unit uses systemd sandboxing, which Proxmox's AppArmor refuses (226/NAMESPACE)
    // in an unprivileged container without nesting.
    features: { nesting: true },
    datasets: { data: { tier: "fast", path: "/var/lib/grafana", quotaGiB: 5, content: "state", sqlite: ["grafana.db"] } },
    web: { port: 3000, healthPath: "/api/health", exposure: "protected" },
    metrics: [{ port: 3000 }],
    statePaths: ["/var/lib/grafana"],
    // github.com/grafana/grafana/releases/tag/v13.2.3, from apt.grafana.com.
    install: { method: "vendor-apt", version: "13.2.3" },
    // Grafana migrates its database on start; its upgrade guide calls a step of one major safe and
    // asks for a database backup first.
    upgrade: { oneMajorAtATime: true, backupFirst: true, note: "Grafana migrates grafana.db on its first start and cannot roll it back" },
    startupOrder: 40,
    tags: ["monitoring"],
  },
  immich: {
    description: "Immich photo library (server, machine learning, Redis in Docker Compose)",
    cores: 4,
    memoryMiB: 6144,
    diskGiB: 24,
    // Docker inside an unprivileged LXC needs nesting and keyctl.
    features: { nesting: true, keyctl: true },
    user: { name: "root", uid: 0, gid: 0 },
    datasets: {
      library: { tier: "bulk", path: "/data/immich/library", quotaGiB: 4000, content: "photos", excludes: ["thumbs/**", "encoded-video/**"] },
      cache: { tier: "fast", path: "/data/immich/cache", quotaGiB: 50, content: "cache" },
    },
    web: { port: 2283, healthPath: "/api/server/ping", exposure: "public" },
    // Immich creates these as superuser unless they exist; the admin creates them first. v3 accepts
    // VectorChord >=0.3 <2 over pgvector >=0.5 <1 (homelab:postgres.vectorchordVersion).
    database: { pool: 10, extensions: ["vector", "vchord", "cube", "earthdistance"] },
    statePaths: ["/data/immich/library"],
    // github.com/immich-app/immich/releases/tag/v3.3.1; the ghcr.io/immich-app tag of that release.
    install: { method: "compose", version: "v3.3.1" },
    // Immich's migrations run in order: 1.137+ starts only after a boot on 1.132-1.136, and its v3
    // migration guide starts from v2. v3 drops pgvecto.rs and serves no v2 mobile app.
    upgrade: {
      oneMajorAtATime: true,
      backupFirst: true,
      note:
        "v3 migrates from v2 only (immich.app/blog/v3-migration); mobile apps must match the server's major; " +
        "a library first started at /usr/src/app/upload runs immich-admin change-media-location to /data",
    },
    tags: ["photos"],
    // Its first visitor signs up as admin; held behind Access until setupDone (no API step checked here).
    firstBoot: "wizard",
  },
  nextcloud: {
    description: "Nextcloud files (Apache image in Docker Compose)",
    cores: 2,
    memoryMiB: 2048,
    diskGiB: 16,
    features: { nesting: true, keyctl: true },
    user: { name: "www-data", uid: 33, gid: 33 },
    datasets: {
      // Previews are regenerated on demand; they live in the data directory's appdata folder.
      data: { tier: "bulk", path: "/data/nextcloud/data", quotaGiB: 4000, content: "documents", excludes: ["appdata_*/preview/**"] },
      html: { tier: "fast", path: "/data/nextcloud/html", quotaGiB: 10, content: "state" },
    },
    web: { port: 8080, healthPath: "/status.php", exposure: "public" },
    // Nextcloud's pool: php-fpm workers plus cron.
    database: { pool: 20 },
    statePaths: ["/data/nextcloud/data", "/data/nextcloud/html"],
    // github.com/nextcloud/server/releases/tag/v35.0.1; the docker.io/library/nextcloud tag of that release.
    install: { method: "compose", version: "35.0.1-apache" },
    // The image's entrypoint refuses to start on data more than one major older than itself.
    upgrade: { oneMajorAtATime: true, backupFirst: true, note: "the image upgrades the data on start and cannot downgrade it" },
    tags: ["files"],
    // The image installs with NEXTCLOUD_ADMIN_USER/PASSWORD on first start: no install page.
    firstBoot: "claimed",
  },
  n8n: {
    description: "n8n workflow automation",
    cores: 2,
    memoryMiB: 1024,
    diskGiB: 8,
    features: { nesting: true, keyctl: true },
    user: { name: "node", uid: 1000, gid: 1000 },
    datasets: { data: { tier: "fast", path: "/data/n8n", quotaGiB: 10, content: "state" } },
    web: { port: 5678, healthPath: "/healthz", exposure: "protected" },
    metrics: [{ port: 5678 }],
    database: { pool: 10, extensions: ["uuid-ossp"] },
    statePaths: ["/data/n8n"],
    // github.com/n8n-io/n8n/releases/tag/n8n%402.42.5; the docker.n8n.io/n8nio/n8n tag of that release.
    // 2.x always runs Code nodes in a task runner, by default one n8n launches itself (internal mode).
    install: { method: "compose", version: "2.42.5" },
    // 2.0 migrates the database and drops what 1.x deprecated: its guide starts from the last 1.x.
    upgrade: {
      oneMajorAtATime: true,
      backupFirst: true,
      note: "2.0 has breaking changes: on the last 1.x run the migration report of docs.n8n.io/release-notes/v20-breaking-changes first",
    },
    tags: ["automation"],
  },
  vaultwarden: {
    description: "Vaultwarden password manager",
    cores: 1,
    memoryMiB: 512,
    diskGiB: 4,
    features: { nesting: true, keyctl: true },
    user: { name: "root", uid: 0, gid: 0 },
    datasets: { data: { tier: "fast", path: "/data/vaultwarden", quotaGiB: 5, content: "state", excludes: ["icon_cache/**"] } },
    web: { port: 8000, healthPath: "/alive", exposure: "public" },
    // Vaultwarden opens 10 connections by default (DATABASE_MAX_CONNS).
    database: { pool: 10 },
    statePaths: ["/data/vaultwarden"],
    // github.com/dani-garcia/vaultwarden/releases/tag/1.37.4; Bitwarden clients 2026.8.0+ need 1.37.2 or later.
    install: { method: "compose", version: "1.37.4" },
    tags: ["security"],
    // Sign-ups off; the admin page is guarded by a generated token (argon2 hash).
    firstBoot: "claimed",
  },
  jellyfin: {
    description: "Jellyfin media server",
    cores: 4,
    memoryMiB: 4096,
    diskGiB: 16,
    user: { name: "jellyfin", uid: 1000, gid: 2000 },
    datasets: {
      config: { tier: "fast", path: "/var/lib/jellyfin", quotaGiB: 30, content: "state", excludes: ["transcodes/**", "metadata/**"], sqlite: ["data/library.db", "data/jellyfin.db"] },
      cache: { tier: "fast", path: "/var/cache/jellyfin", quotaGiB: 50, content: "cache" },
    },
    mounts: { media: { path: "/media", readOnly: true } },
    web: { port: 8096, healthPath: "/health", exposure: "public" },
    statePaths: ["/var/lib/jellyfin"],
    // github.com/jellyfin/jellyfin/releases/tag/v12.1: after 10.11 the numbering dropped the leading
    // "10." (10.11 -> 12.0), so there is no 11; repo.jellyfin.org packages it as 12.1+deb13.
    install: { method: "vendor-apt", version: "12.1" },
    // Each release line migrates jellyfin.db and library.db on its first start and cannot roll them
    // back; plugins built for 10.11 do not load on 12. No oneMajorAtATime: 10 -> 12 is one step, not two.
    upgrade: {
      backupFirst: true,
      note: "step through a 10.11 release (it needs 10.10.7) before 12.x, and update plugins for 12 (github.com/jellyfin/jellyfin/releases/tag/v12.0)",
    },
    tags: ["media"],
    // Its startup wizard creates the admin for whoever comes first; held behind Access until setupDone.
    firstBoot: "wizard",
  },
  qbittorrent: {
    description: "qBittorrent download client (headless)",
    cores: 2,
    memoryMiB: 1024,
    diskGiB: 4,
    user: { name: "qbittorrent", uid: 1000, gid: 2000 },
    datasets: { config: { tier: "fast", path: "/var/lib/qbittorrent", quotaGiB: 2, content: "state" } },
    mounts: { downloads: { path: "/downloads", readOnly: false } },
    web: { port: 8080, healthPath: "/", exposure: "lan" },
    statePaths: ["/var/lib/qbittorrent"],
    // Debian 13's qbittorrent-nox is 5.1.0.
    install: { method: "debian", version: "5.1.*" },
    tags: ["media"],
    // The WebUI login is set from a generated password before the first start.
    firstBoot: "claimed",
  },
  sonarr: {
    description: "Sonarr TV series manager",
    cores: 1,
    memoryMiB: 1024,
    diskGiB: 4,
    user: { name: "sonarr", uid: 1000, gid: 2000 },
    datasets: { config: { tier: "fast", path: "/var/lib/sonarr", quotaGiB: 5, content: "state", excludes: ["MediaCover/**", "logs/**"], sqlite: ["sonarr.db"] } },
    mounts: { media: { path: "/media", readOnly: false }, downloads: { path: "/downloads", readOnly: false } },
    web: { port: 8989, healthPath: "/ping", exposure: "protected" },
    statePaths: ["/var/lib/sonarr"],
    // github.com/Sonarr/Sonarr/releases/tag/v4.0.20.3014 (main branch asset).
    install: { method: "binary", version: "4.0.20.3014" },
    tags: ["media"],
  },
  radarr: {
    description: "Radarr movie manager",
    cores: 1,
    memoryMiB: 1024,
    diskGiB: 4,
    user: { name: "radarr", uid: 1000, gid: 2000 },
    datasets: { config: { tier: "fast", path: "/var/lib/radarr", quotaGiB: 5, content: "state", excludes: ["MediaCover/**", "logs/**"], sqlite: ["radarr.db"] } },
    mounts: { media: { path: "/media", readOnly: false }, downloads: { path: "/downloads", readOnly: false } },
    web: { port: 7878, healthPath: "/ping", exposure: "protected" },
    statePaths: ["/var/lib/radarr"],
    // github.com/Radarr/Radarr/releases/tag/v6.4.4.10685 (master branch asset).
    install: { method: "binary", version: "6.4.4.10685" },
    tags: ["media"],
  },
  prowlarr: {
    description: "Prowlarr indexer manager",
    cores: 1,
    memoryMiB: 512,
    diskGiB: 4,
    user: { name: "prowlarr", uid: 1000, gid: 1000 },
    datasets: { config: { tier: "fast", path: "/var/lib/prowlarr", quotaGiB: 2, content: "state", excludes: ["logs/**"], sqlite: ["prowlarr.db"] } },
    web: { port: 9696, healthPath: "/ping", exposure: "protected" },
    statePaths: ["/var/lib/prowlarr"],
    // github.com/Prowlarr/Prowlarr/releases/tag/v2.6.5.5623 (master branch asset).
    install: { method: "binary", version: "2.6.5.5623" },
    tags: ["media"],
  },
  "uptime-kuma": {
    description: "Uptime Kuma status page",
    cores: 1,
    memoryMiB: 512,
    diskGiB: 8,
    features: { nesting: true, keyctl: true },
    user: { name: "root", uid: 0, gid: 0 },
    datasets: { data: { tier: "fast", path: "/data/uptime-kuma", quotaGiB: 2, content: "state", sqlite: ["kuma.db"] } },
    // `/` redirects to /dashboard (or a status page), which the probe does not follow; the server
    // answers /robots.txt itself, with 200 and no login, once its database is up.
    web: { port: 3001, healthPath: "/robots.txt", exposure: "protected" },
    statePaths: ["/data/uptime-kuma"],
    // github.com/louislam/uptime-kuma/releases/tag/2.5.5; the docker.io/louislam/uptime-kuma tag of that release.
    install: { method: "compose", version: "2.5.5" },
    // 2.0 migrates kuma.db on its first start; on a long history that takes hours and must not be stopped.
    upgrade: {
      oneMajorAtATime: true,
      backupFirst: true,
      note: "1.23.x -> 2.x migrates kuma.db on first start; let it finish (github.com/louislam/uptime-kuma/wiki/Migration-From-v1-To-v2)",
    },
    tags: ["monitoring"],
    // Its first visitor creates the admin (setup over socket.io only); held behind Access until setupDone.
    firstBoot: "wizard",
  },
  syncthing: {
    description: "Syncthing file synchronisation",
    cores: 1,
    memoryMiB: 512,
    diskGiB: 4,
    user: { name: "syncthing", uid: 1000, gid: 1000 },
    datasets: {
      config: { tier: "fast", path: "/var/lib/syncthing", quotaGiB: 2, content: "state" },
      sync: { tier: "bulk", path: "/data/sync", quotaGiB: 500, content: "documents", excludes: [".stversions/**"] },
    },
    web: { port: 8384, healthPath: "/rest/noauth/health", exposure: "lan" },
    statePaths: ["/var/lib/syncthing", "/data/sync"],
    // Debian 13 packages Syncthing 1.29.5 itself; no vendor repository needed.
    install: { method: "debian", version: "1.29.*" },
    tags: ["files"],
  },
};

export const catalogApps = (): string[] => Object.keys(catalog).sort();
