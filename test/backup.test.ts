import assert from "node:assert/strict";
import { test } from "node:test";
import { byName, dependencyNames, exampleConfig, modelOf, ofType, PLACEHOLDER_MARK, runProgram } from "./harness";
import type { RecordedResource } from "../src/mock-runtime";
import { backupReport } from "../components/restic-backup/report";
import { estimateMonthlyCost } from "../components/restic-backup/cost";
import { renderBackupScript, renderPruneScript } from "../components/restic-backup/job-scripts";
import { HOST_LAYOUT } from "../components/restic-backup/layout";
import { modelSources } from "../components/restic-backup/sources";
import { renderAllUnits } from "../components/restic-backup/systemd-units";

const BUCKET = "b2:index/bucket:Bucket";
const KEY = "b2:index/applicationKey:ApplicationKey";
const COMMAND = "command:remote:Command";

type Obj = Record<string, unknown>;

/** Every string in a resource's inputs that did not arrive as a secret, with its dotted path. */
function plainStrings(r: RecordedResource): { path: string; value: string }[] {
  const found: { path: string; value: string }[] = [];
  const isSecret = (p: string): boolean => r.secretPaths.some((s) => p === s || p.startsWith(`${s}.`));
  const walk = (v: unknown, p: string): void => {
    if (isSecret(p)) return;
    if (typeof v === "string") found.push({ path: p, value: v });
    else if (Array.isArray(v)) v.forEach((item, i) => walk(item, p ? `${p}.${i}` : String(i)));
    else if (v && typeof v === "object") for (const [k, child] of Object.entries(v as Obj)) walk(child, p ? `${p}.${k}` : k);
  };
  walk(r.inputs, "");
  return found;
}

test("the bucket is private, encrypted with SSE-B2 and expires hidden versions and stale uploads", async () => {
  const { resources } = await runProgram();
  const [bucket, ...more] = ofType(resources, BUCKET);
  assert.ok(bucket);
  assert.equal(more.length, 0);
  assert.equal(bucket.inputs.bucketName, "harmeetrai-homelab-backup");
  assert.equal(bucket.inputs.bucketType, "allPrivate");
  assert.deepEqual(bucket.inputs.defaultServerSideEncryption, { mode: "SSE-B2", algorithm: "AES256" });
  assert.deepEqual(bucket.inputs.lifecycleRules, [{ fileNamePrefix: "", daysFromHidingToDeleting: 1, daysFromStartingToCancelingUnfinishedLargeFiles: 1 }]);
  assert.equal(bucket.inputs.fileLockConfigurations, undefined, "object lock would stop restic prune from deleting");
  assert.ok(bucket.parentUrn?.includes("homelab:index:ResticBackup"));
  assert.ok(bucket.provider.includes("pulumi:providers:b2"), `bucket uses the explicit b2 provider, got ${bucket.provider}`);
});

test("the application key is a single-bucket key on the repository prefix, with no key or bucket write capability", async () => {
  const { resources } = await runProgram();
  const key = byName(resources, "backup-key");
  assert.equal(key.type, KEY);
  assert.equal(key.inputs.bucketId, "bucket-backup-bucket");
  assert.equal(key.inputs.bucketIds, undefined, "bucketIds makes a multi-bucket key, which needs b2_authorize_account v4 (restic #5741)");
  assert.equal(key.inputs.namePrefix, "restic/");
  assert.deepEqual([...(key.inputs.capabilities as string[])].sort(), ["deleteFiles", "listBuckets", "listFiles", "readFiles", "writeFiles"]);
  for (const forbidden of ["writeKeys", "deleteKeys", "listKeys", "writeBuckets", "deleteBuckets", "listAllBucketNames", "writeBucketRetentions", "bypassGovernance"]) {
    assert.ok(!(key.inputs.capabilities as string[]).includes(forbidden), forbidden);
  }
  assert.ok(dependencyNames(key).includes("backup-bucket"));
  assert.ok(key.additionalSecretOutputs.includes("applicationKey"));
  assert.ok(key.additionalSecretOutputs.includes("applicationKeyId"));
});

test("the key's name prefix follows homelab:backup.prefix, slash included", async () => {
  const config = exampleConfig();
  (config["homelab:backup"] as Obj).prefix = "pve/restic";
  const { resources } = await runProgram(config);
  assert.equal(byName(resources, "backup-key").inputs.namePrefix, "pve/restic/");
});

test("bucket and key are protected and retained on destroy; only allowDataLoss lets a destroy delete them", async () => {
  const guarded = await runProgram();
  for (const name of ["backup-bucket", "backup-key"]) {
    const r = byName(guarded.resources, name);
    assert.equal(r.protect, true, name);
    assert.equal(r.retainOnDelete, true, name);
  }
  const config = exampleConfig();
  config["homelab:allowDataLoss"] = true;
  const loose = await runProgram(config);
  for (const name of ["backup-bucket", "backup-key"]) {
    const r = byName(loose.resources, name);
    assert.equal(r.protect, false, name);
    assert.equal(r.retainOnDelete, false, `${name}: the stack file asked for deletable data`);
  }
});

test("credentials reach the host only as secret stdin of 0600 writes with logging off", async () => {
  const { resources } = await runProgram();
  const env = byName(resources, "backup-env");
  const password = byName(resources, "backup-password");
  for (const r of [env, password]) {
    assert.deepEqual(r.secretPaths.filter((p) => p === "stdin"), ["stdin"], r.name);
    assert.equal(r.inputs.logging, "none", r.name);
    assert.equal(r.inputs.addPreviousOutputInEnv, false, r.name);
    assert.match(String(r.inputs.create), /umask 077/);
    assert.match(String(r.inputs.create), /chmod 0600/);
  }
  assert.match(String(env.inputs.create), /\/etc\/homelab\/restic\/restic\.env/);
  const stdin = String(env.inputs.stdin);
  // Exactly the variables restic's S3 backend reads, and no B2_* left for the native backend.
  assert.deepEqual(stdin.split("\n").filter((l) => l && !l.startsWith("#")), [
    "RESTIC_REPOSITORY=s3:https://s3.us-west-004.backblazeb2.com/harmeetrai-homelab-backup/restic",
    "RESTIC_PASSWORD_FILE=/etc/homelab/restic/password",
    "AWS_ACCESS_KEY_ID=keyid-backup-key",
    "AWS_SECRET_ACCESS_KEY=mock-application-key-backup-key",
    "AWS_DEFAULT_REGION=us-west-004",
  ]);
  assert.equal(password.inputs.stdin, `${PLACEHOLDER_MARK}homelab_resticPassword`);
});

test("no secret value appears in any plain input or command line of the whole program", async () => {
  const { resources } = await runProgram();
  const leaks = resources.flatMap((r) =>
    plainStrings(r)
      .filter(({ value }) => value.includes(PLACEHOLDER_MARK) || value.includes("mock-application-key") || value.includes("keyid-backup-key"))
      .map(({ path }) => `${r.name}.${path}`),
  );
  assert.deepEqual(leaks, []);
});

test("one service and one timer per job, enabled together once the repository exists", async () => {
  const { resources } = await runProgram();
  const commands = ofType(resources, COMMAND).filter((c) => c.name.startsWith("backup-unit-"));
  assert.deepEqual(commands.map((c) => c.name).sort(), [
    "backup-unit-backup-service", "backup-unit-backup-timer",
    "backup-unit-check-service", "backup-unit-check-timer",
    "backup-unit-prune-service", "backup-unit-prune-timer",
  ]);
  for (const c of commands) {
    const unit = c.name.replace(/^backup-unit-(\w+)-(\w+)$/, "homelab-restic-$1.$2");
    assert.match(String(c.inputs.create), new RegExp(`/etc/systemd/system/${unit.replace(".", "\\.")}\\b`));
    assert.match(String(c.inputs.stdin), c.name.endsWith("timer") ? /Persistent=true[\s\S]*WantedBy=timers.target/ : /ExecStart=\/usr\/local\/lib\/homelab\/homelab-restic-/);
  }
  const timers = byName(resources, "backup-timers");
  assert.equal(timers.inputs.create, "systemctl daemon-reload && systemctl enable --now homelab-restic-backup.timer homelab-restic-prune.timer homelab-restic-check.timer");
  const deps = dependencyNames(timers);
  for (const d of ["backup-init", "backup-script-backup", "backup-script-restore", ...commands.map((c) => c.name)]) assert.ok(deps.includes(d), d);
  const init = byName(resources, "backup-init");
  assert.match(String(init.inputs.create), /restic cat config >\/dev\/null 2>&1 \|\| restic init/);
  assert.ok(dependencyNames(init).includes("backup-env") && dependencyNames(init).includes("backup-password"));
  // A dependency on a component expands to its children: everything the host component creates.
  const hostParts = resources.filter((r) => r.custom && r.parentUrn?.includes("homelab:index:ProxmoxHost")).map((r) => r.name);
  assert.ok(hostParts.length > 0);
  for (const part of hostParts) assert.ok(dependencyNames(init).includes(part), `restic is installed by the host first: ${part}`);
  assert.ok(dependencyNames(init).includes("postgres-container"));
});

test("vzdump backs up every container to the RAID tier's storage with its own retention", async () => {
  const { resources } = await runProgram();
  const [job] = ofType(resources, "proxmoxve:backup/job:Job");
  assert.ok(job);
  assert.equal(job.inputs.storage, "raid-backup");
  assert.equal(job.inputs.schedule, "sun 01:00");
  assert.deepEqual(job.inputs.pruneBackups, { "keep-last": "4" });
  assert.equal((job.inputs.vmids as string[]).length, 16);
  assert.ok((job.inputs.vmids as string[]).includes("110"));
  assert.equal(job.inputs.node, "pve");
});

test("with backups off, nothing of B2, restic or vzdump is registered", async () => {
  const config = exampleConfig();
  (config["homelab:backup"] as Obj).enabled = false;
  const { resources } = await runProgram(config);
  assert.deepEqual(resources.filter((r) => r.name.startsWith("backup") || r.type.startsWith("b2:index")).map((r) => r.name), []);
});

test("the backup script dumps container 110 first, then snapshots exactly the datasets marked for backup", () => {
  const model = modelOf();
  const settings = model.backup;
  assert.ok(settings);
  const script = renderBackupScript({ settings, sources: modelSources(model), resticHost: "pve", layout: HOST_LAYOUT });
  const calls = script.split("\n").filter((l) => /^backup_(dataset|postgres) /.test(l));
  assert.deepEqual(calls, [
    "backup_postgres postgres 110 postgres/pg_dumpall.sql",
    "backup_dataset grafana-data /mnt/nvme/apps/grafana/data grafana.db grafana.db-wal grafana.db-shm grafana.db-journal",
    "backup_dataset immich-library /mnt/raid/apps/immich/library 'thumbs/**' 'encoded-video/**'",
    "backup_dataset jellyfin-config /mnt/nvme/apps/jellyfin/config 'transcodes/**' 'metadata/**' data/library.db data/library.db-wal data/library.db-shm data/library.db-journal data/jellyfin.db data/jellyfin.db-wal data/jellyfin.db-shm data/jellyfin.db-journal",
    "backup_dataset n8n-data /mnt/nvme/apps/n8n/data",
    "backup_dataset nextcloud-data /mnt/raid/apps/nextcloud/data 'appdata_*/preview/**'",
    "backup_dataset nextcloud-html /mnt/nvme/apps/nextcloud/html",
    "backup_dataset prowlarr-config /mnt/nvme/apps/prowlarr/config 'logs/**' prowlarr.db prowlarr.db-wal prowlarr.db-shm prowlarr.db-journal",
    "backup_dataset qbittorrent-config /mnt/nvme/apps/qbittorrent/config",
    "backup_dataset radarr-config /mnt/nvme/apps/radarr/config 'MediaCover/**' 'logs/**' radarr.db radarr.db-wal radarr.db-shm radarr.db-journal",
    "backup_dataset sonarr-config /mnt/nvme/apps/sonarr/config 'MediaCover/**' 'logs/**' sonarr.db sonarr.db-wal sonarr.db-shm sonarr.db-journal",
    "backup_dataset syncthing-config /mnt/nvme/apps/syncthing/config",
    "backup_dataset syncthing-sync /mnt/raid/apps/syncthing/sync '.stversions/**'",
    "backup_dataset uptime-kuma-data /mnt/nvme/apps/uptime-kuma/data kuma.db kuma.db-wal kuma.db-shm kuma.db-journal",
    "backup_dataset vaultwarden-data /mnt/nvme/apps/vaultwarden/data 'icon_cache/**'",
  ]);
  assert.match(script, /pct exec "\$vmid" -- runuser -u postgres -- pg_dumpall \\\n\s+\| restic backup --json --quiet --stdin --stdin-filename/);
  assert.match(script, /--exclude-caches/);
  // Every live SQLite database of the catalog is copied online first, as its dataset's host owner.
  const copies = script.split("\n").filter((l) => l.startsWith("sqlite_copies "));
  assert.deepEqual(copies, [
    "sqlite_copies grafana-data 101000 101000 /mnt/nvme/apps/grafana/data/grafana.db",
    "sqlite_copies jellyfin-config 101000 102000 /mnt/nvme/apps/jellyfin/config/data/library.db /mnt/nvme/apps/jellyfin/config/data/jellyfin.db",
    "sqlite_copies prowlarr-config 101000 101000 /mnt/nvme/apps/prowlarr/config/prowlarr.db",
    "sqlite_copies radarr-config 101000 102000 /mnt/nvme/apps/radarr/config/radarr.db",
    "sqlite_copies sonarr-config 101000 102000 /mnt/nvme/apps/sonarr/config/sonarr.db",
    "sqlite_copies uptime-kuma-data 100000 100000 /mnt/nvme/apps/uptime-kuma/data/kuma.db",
  ]);
  assert.match(script, /setpriv --reuid="\$uid" --regid="\$gid" --clear-groups sqlite3 "\$db" "\.backup '\$db\.homelab-copy'"/);
  assert.match(script, /^set -euo pipefail$/m);
  const prune = renderPruneScript({ settings, sources: [], resticHost: "pve", layout: HOST_LAYOUT });
  assert.match(prune, /^restic forget --prune --tag homelab --group-by host,tags --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --keep-yearly 2$/m);
});

test("every backup unit has a finite start timeout, so a hung job ends and alerts: 3 days for a first upload of terabytes, 12 h for prune and check, each from the stack file", () => {
  const settings = modelOf().backup;
  assert.ok(settings);
  const timeoutsOf = (s: typeof settings) => Object.fromEntries(renderAllUnits(s, HOST_LAYOUT).map((u) => [u.job, /^TimeoutStartSec=(.*)$/m.exec(u.service)?.[1]]));
  assert.deepEqual(timeoutsOf(settings), { backup: "3d", prune: "12h", check: "12h" });
  const config = exampleConfig();
  (config["homelab:backup"] as Record<string, unknown>).backupTimeout = "5d";
  const custom = modelOf(config).backup;
  assert.ok(custom);
  assert.deepEqual(timeoutsOf(custom), { backup: "5d", prune: "12h", check: "12h" });
  for (const never of ["infinity", "0", "0h", "3 days"]) {
    const bad = exampleConfig();
    (bad["homelab:backup"] as Record<string, unknown>).backupTimeout = never;
    assert.throws(() => modelOf(bad), /backupTimeout/, never);
  }
});

test("the rendered scripts are the same bytes for the same model", () => {
  const model = modelOf();
  const settings = model.backup;
  assert.ok(settings);
  const render = (): string => renderBackupScript({ settings, sources: modelSources(model), resticHost: "pve", layout: HOST_LAYOUT });
  assert.equal(render(), render());
});

test("the cost estimate is quota GiB in decimal TB times the price", () => {
  const cost = estimateMonthlyCost(
    [{ kind: "dataset", name: "a", tier: "raid", path: "/a", excludes: [], tag: "dataset=a", quotaGiB: 1000, sqlite: [], hostUid: 100000, hostGid: 100000 }],
    6,
  );
  assert.equal(cost.gib, 1000);
  assert.ok(Math.abs(cost.tb - 1.073741824) < 1e-9);
  assert.equal(cost.usdPerMonth, 6.44);
  const model = modelOf();
  const text = backupReport(model).flatMap((s) => s.lines).join("\n");
  // 14 datasets + the postgres data quota: 8578 + 60 GiB.
  assert.match(text, /at most 8638 GiB \(9\.27 TB\) at 6 USD\/TB-month = 55\.65 USD\/month/);
  assert.match(text, /immich-library\s+raid\s+\/mnt\/raid\/apps\/immich\/library\s+4000/);
  assert.match(text, /not backed up: downloads, immich-cache, jellyfin-cache, media, prometheus-tsdb\n/);
  assert.match(text, /prune\s+Sun \*-\*-\* 05:00:00\s+30min\s+forget --prune, keep 7 daily, 4 weekly, 12 monthly, 2 yearly/);
  assert.match(text, /password manager/);
});
