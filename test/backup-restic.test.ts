import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { exampleConfig, modelOf } from "./harness";
import { socketArgs, startCluster, type PgCluster } from "./pg-cluster";
import { inCi, postgresBinDir, requireTool, run } from "./tools";
import { renderJobScript } from "../components/restic-backup/job-scripts";
import { HOST_LAYOUT, scriptName, type ResticJob } from "../components/restic-backup/layout";
import { renderRestoreScript } from "../components/restic-backup/restore-script";
import { renderStateScript } from "../components/restic-backup/state-script";
import { renderPasswordRotation } from "../components/restic-backup/key-rotation";
import { renderInitCommand, renderResticEnv } from "../components/restic-backup/restic-env";
import { modelSources, type BackupSource } from "../components/restic-backup/sources";

/**
 * The rendered jobs against real restic, with a local directory standing in for the B2 repository
 * (the env file is the only thing that differs) and a throwaway PostgreSQL cluster standing in for the
 * Postgres container (a stand-in `pct` runs the rendered `pct exec ... pg_dumpall` against it).
 */

type Obj = Record<string, unknown>;
const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

interface Lab {
  readonly dir: string;
  readonly repo: string;
  readonly textfileDir: string;
  readonly scripts: Record<ResticJob | "restore", string>;
  readonly sources: readonly BackupSource[];
  /** Environment for the rendered scripts; `pg` points the stand-in pct at a cluster. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  script(job: ResticJob | "restore", args?: readonly string[], extra?: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string };
  restic(args: readonly string[]): { status: number; stdout: string; stderr: string };
  cleanup(): void;
}

const FAKE_PCT = `#!/usr/bin/env bash
# Stand-in for Proxmox's pct: "pct exec <vmid> -- runuser -u postgres -- <tool> args" runs the
# PostgreSQL tool against the test cluster, as the cluster owner.
set -euo pipefail
if [ "$1 $2 $3 $4 $5 $6 $7" != "exec $FAKE_VMID -- runuser -u postgres --" ]; then
  echo "pct stand-in: unexpected arguments: $*" >&2
  exit 64
fi
shift 7
if [ "\${FAKE_DUMP_FAIL:-}" = 1 ] && [ "$1" = pg_dumpall ]; then
  echo "-- a dump cut short"
  exit 3
fi
tool="$FAKE_PG_BIN/$1"
shift
cd /
if [ "$(id -u)" = 0 ]; then
  exec runuser -u postgres -- env PGHOST="$FAKE_PG_SOCKET" PGPORT="$FAKE_PG_PORT" "$tool" "$@"
fi
exec env PGHOST="$FAKE_PG_SOCKET" PGPORT="$FAKE_PG_PORT" "$tool" "$@"
`;

/** A model whose tiers live in `root`, with its backup settings changed by `change` and extra shared datasets. */
function labModel(root: string, change: (backup: Obj) => void = () => undefined, datasets: Record<string, Obj> = {}) {
  const config = exampleConfig();
  const storage = config["homelab:storage"] as { tiers: Record<string, Obj>; datasets: Record<string, Obj> };
  storage.tiers.nvme = { ...storage.tiers.nvme, path: join(root, "nvme") };
  storage.tiers.raid = { ...storage.tiers.raid, path: join(root, "raid") };
  Object.assign(storage.datasets, datasets);
  change(config["homelab:backup"] as Obj);
  return modelOf(config);
}

function makeLab(model: ReturnType<typeof modelOf>, root: string, sourceNames: readonly string[], inits = 1): Lab {
  const settings = model.backup;
  assert.ok(settings);
  const repo = join(root, "repo");
  const textfileDir = join(root, "textfile");
  const bin = join(root, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "pct"), FAKE_PCT, { mode: 0o755 });
  const passwordFile = join(root, "password");
  writeFileSync(passwordFile, "correct horse battery staple", { mode: 0o600 });
  const envFile = join(root, "restic.env");
  writeFileSync(envFile, renderResticEnv({ repository: repo, passwordFile }), { mode: 0o600 });
  const layout = { ...HOST_LAYOUT, scriptDir: root, envFile, passwordFile, textfileDir, lockFile: join(root, "restic.lock") };
  const sources = modelSources(model).filter((s) => sourceNames.includes(s.name));
  assert.deepEqual(sources.map((s) => s.name), [...sourceNames]);
  const input = { settings, sources, resticHost: model.proxmox.nodeName, layout };
  const scripts = {} as Record<ResticJob | "restore", string>;
  for (const job of ["backup", "prune", "check"] as const) {
    scripts[job] = join(root, scriptName(job));
    writeFileSync(scripts[job], renderJobScript(job, input), { mode: 0o755 });
  }
  scripts.restore = join(root, scriptName("restore"));
  writeFileSync(scripts.restore, renderRestoreScript(input), { mode: 0o755 });
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, TZ: "UTC", PATH: `${bin}:${process.env.PATH ?? ""}`, RESTIC_CACHE_DIR: join(root, "cache") };
  for (const key of ["RESTIC_REPOSITORY", "RESTIC_PASSWORD", "RESTIC_PASSWORD_FILE", "B2_ACCOUNT_ID", "B2_ACCOUNT_KEY"]) delete baseEnv[key];
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...baseEnv,
    HOMELAB_RESTIC_ENV: envFile,
    HOMELAB_TEXTFILE_DIR: textfileDir,
    HOMELAB_RESTIC_LOCK: layout.lockFile,
    FAKE_VMID: "110",
    ...extra,
  });
  // The same init command `pulumi up` runs on the host (twice where a test proves it idempotent).
  for (let i = 0; i < inits; i++) {
    const init = run("bash", ["-c", renderInitCommand(envFile)], { env: baseEnv });
    assert.equal(init.status, 0, init.stderr);
  }
  return {
    dir: root,
    repo,
    textfileDir,
    scripts,
    sources,
    env,
    script: (job, args = [], extra = {}) => run(scripts[job], args, { env: env(extra) }),
    restic: (args) => run("restic", ["--repo", repo, "--password-file", passwordFile, ...args], { env: baseEnv }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

const pgEnv = (c: PgCluster): NodeJS.ProcessEnv => {
  const [, socket, , port] = socketArgs(c);
  return { FAKE_PG_BIN: c.bin, FAKE_PG_SOCKET: socket, FAKE_PG_PORT: port };
};

/** Prometheus text format → `name{labels}` → value. */
function parseProm(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(\S+) (\S+)$/.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    values.set(match[1] ?? "", Number(match[2]));
  }
  return values;
}

const readMetrics = (lab: Lab, job: ResticJob): Map<string, number> => parseProm(readFileSync(join(lab.textfileDir, `homelab_restic_${job}.prom`), "utf8"));

/** Every entry below `dir`: relative path, kind, mode, owner and content hash (or link target). */
function treeOf(dir: string): string[] {
  const entries: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const full = join(dir, path);
      const st = lstatSync(full);
      const meta = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isSymbolicLink()) entries.push(`${path} -> ${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        entries.push(`${path}/ ${meta}`);
        walk(path);
      } else entries.push(`${path} ${meta} ${createHash("sha256").update(readFileSync(full)).digest("hex")}`);
    }
  };
  walk("");
  return entries;
}

/** Sample content of two datasets, with files their excludes and --exclude-caches must leave out. */
function fillDatasets(model: ReturnType<typeof modelOf>): { vaultwarden: string; sync: string } {
  const path = (name: string): string => {
    const d = model.datasets.find((x) => x.name === name);
    assert.ok(d);
    return d.hostPath;
  };
  const vaultwarden = path("vaultwarden-data");
  const sync = path("syncthing-sync");
  const files: Record<string, Buffer | string> = {
    [`${vaultwarden}/db.sqlite3`]: randomBytes(300_000),
    [`${vaultwarden}/config.json`]: '{"domain":"https://vault.example.com"}\n',
    [`${vaultwarden}/attachments/a1/invoice 2024 (final).pdf`]: randomBytes(50_000),
    [`${vaultwarden}/icon_cache/example.com.png`]: randomBytes(1000),
    [`${vaultwarden}/tmp-cache/CACHEDIR.TAG`]: "Signature: 8a477f597d28d172789f06886806bc55\n",
    [`${vaultwarden}/tmp-cache/blob`]: randomBytes(1000),
    [`${sync}/docs/report.pdf`]: randomBytes(700_000),
    [`${sync}/docs/ünïcödé notes.txt`]: "übung macht den meister\n",
    [`${sync}/.stversions/docs/report~20240101.pdf`]: randomBytes(1000),
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    writeFileSync(file, content);
  }
  writeFileSync(`${vaultwarden}/rsa_key.pem`, randomBytes(2000), { mode: 0o600 });
  chmodSync(`${vaultwarden}/rsa_key.pem`, 0o600);
  symlinkSync("attachments/a1", `${vaultwarden}/latest`);
  mkdirSync(`${sync}/empty`);
  if (asRoot) {
    // Unprivileged containers own their data as 100000+uid on the host; a restore must keep that.
    for (const p of [vaultwarden, `${vaultwarden}/db.sqlite3`, `${vaultwarden}/rsa_key.pem`]) chownSync(p, 101000, 101000);
  }
  return { vaultwarden, sync };
}

function seedDatabase(c: PgCluster): void {
  const setup = c.psql("CREATE ROLE app LOGIN PASSWORD 'app-secret'; CREATE DATABASE app OWNER app; CREATE DATABASE other;");
  assert.equal(setup.status, 0, setup.stderr);
  const rows = c.psql(
    `CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL, created timestamptz NOT NULL, blob bytea);
     INSERT INTO notes SELECT i, 'note ' || i || ' – ünïcödé ✓', timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute', decode(md5(i::text), 'hex')
       FROM generate_series(1, 2000) AS i;
     ALTER TABLE notes OWNER TO app;`,
    { database: "app" },
  );
  assert.equal(rows.status, 0, rows.stderr);
  assert.equal(c.psql("CREATE TABLE t (k text); INSERT INTO t VALUES ('other database row');", { database: "other" }).status, 0);
}

const dumpOfRows = (c: PgCluster): string => {
  const notes = c.psql("SELECT id, body, created, encode(blob, 'hex') FROM notes ORDER BY id", { database: "app" });
  const other = c.psql("SELECT k FROM t", { database: "other" });
  const meta = c.psql("SELECT d.datname, r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname IN ('app', 'other') ORDER BY 1");
  assert.equal(notes.status, 0, notes.stderr);
  return `${meta.stdout}\n${notes.stdout}\n${other.stdout}`;
};

function tools(t: TestContext): boolean {
  return Boolean(requireTool(t, "restic", "restic") && requireTool(t, "runuser", "util-linux") && requireTool(t, "flock", "util-linux"));
}

test("backup, then restore into fresh folders and a fresh cluster: files byte-identical, rows identical", async (t) => {
  if (!tools(t)) return;
  const bin = postgresBinDir();
  if (!bin) {
    requireTool(t, "initdb", "postgresql", ["/usr/lib/postgresql/15/bin"]);
    return;
  }
  const root = mkdtempSync(join(tmpdir(), "homelab-restic-e2e-"));
  chmodSync(root, 0o755);
  const model = labModel(root);
  const lab = makeLab(model, root, ["postgres", "syncthing-sync", "vaultwarden-data"], 2);
  const source = await startCluster(bin);
  const fresh = await startCluster(bin);
  try {
    const { vaultwarden, sync } = fillDatasets(model);
    seedDatabase(source);

    const before = Math.floor(Date.now() / 1000);
    const first = lab.script("backup", [], pgEnv(source));
    const after = Math.ceil(Date.now() / 1000);
    assert.equal(first.status, 0, first.stderr);

    // The metrics file, exactly as the alerts read it.
    assert.deepEqual(readdirSync(lab.textfileDir), ["homelab_restic_backup.prom"], "no temp file is left beside it");
    const m = readMetrics(lab, "backup");
    const lastRun = m.get('homelab_restic_last_run_timestamp_seconds{job="backup"}') ?? -1;
    assert.ok(lastRun >= before && lastRun <= after, `last run ${lastRun} within [${before}, ${after}]`);
    assert.equal(m.get('homelab_restic_last_success_timestamp_seconds{job="backup"}'), lastRun);
    assert.equal(m.get('homelab_restic_last_exit_status{job="backup"}'), 0);
    const duration = m.get('homelab_restic_duration_seconds{job="backup"}') ?? -1;
    assert.ok(duration >= 0 && duration <= after - before, `duration ${duration}`);
    for (const s of ["syncthing-sync", "vaultwarden-data", "postgres"]) {
      assert.ok((m.get(`homelab_restic_bytes_added{job="backup",source="${s}"}`) ?? 0) > 0, `bytes added for ${s}`);
      assert.equal(m.get(`homelab_restic_files_changed{job="backup",source="${s}"}`), 0, s);
    }
    // db.sqlite3, config.json, the invoice, rsa_key.pem and CACHEDIR.TAG (restic keeps the tag, and
    // does not count the symlink as a file; the restore below shows it comes back).
    assert.equal(m.get('homelab_restic_files_new{job="backup",source="vaultwarden-data"}'), 5);
    assert.equal(m.get('homelab_restic_files_new{job="backup",source="syncthing-sync"}'), 2);
    assert.equal(m.get('homelab_restic_files_new{job="backup",source="postgres"}'), 1);

    const lastGood = m.get('homelab_restic_last_success_timestamp_seconds{job="backup"}');

    // The next run: one file changed, and the dump fails. The job fails (pipefail), keeps the last
    // success time, still backs up the datasets, and leaves no partial dump behind.
    writeFileSync(`${vaultwarden}/config.json`, '{"domain":"https://vault.example.com","signups":false}\n');
    const failed = lab.script("backup", [], { ...pgEnv(source), FAKE_DUMP_FAIL: "1" });
    assert.equal(failed.status, 3, failed.stderr);
    assert.match(failed.stderr, /pg_dumpall in container 110 exited 3; the partial dump is not kept/);
    const second = readMetrics(lab, "backup");
    assert.equal(second.get('homelab_restic_last_exit_status{job="backup"}'), 3);
    assert.equal(second.get('homelab_restic_last_success_timestamp_seconds{job="backup"}'), lastGood);
    assert.equal(second.get('homelab_restic_files_changed{job="backup",source="vaultwarden-data"}'), 1);
    assert.equal(second.get('homelab_restic_files_new{job="backup",source="vaultwarden-data"}'), 0);
    assert.equal(second.get('homelab_restic_files_changed{job="backup",source="syncthing-sync"}'), 0);
    assert.equal(second.has('homelab_restic_bytes_added{job="backup",source="postgres"}'), false);

    // Snapshots per source, under the node's name, tagged for their source; one dump, the complete one.
    const snapshots = JSON.parse(lab.restic(["snapshots", "--json"]).stdout) as { hostname: string; tags: string[]; paths: string[] }[];
    assert.deepEqual(
      snapshots.map((s) => [s.hostname, s.tags.join(","), s.paths.join(",")]).sort(),
      [
        ["pve", "homelab,dataset=syncthing-sync", sync],
        ["pve", "homelab,dataset=syncthing-sync", sync],
        ["pve", "homelab,dataset=vaultwarden-data", vaultwarden],
        ["pve", "homelab,dataset=vaultwarden-data", vaultwarden],
        ["pve", "homelab,dump=postgres", "/postgres/pg_dumpall.sql"],
      ].sort(),
    );

    // Restore each dataset into a fresh folder: identical but for what was excluded.
    const restored = join(root, "restored");
    for (const [name, original] of [["vaultwarden-data", vaultwarden], ["syncthing-sync", sync]] as const) {
      const target = join(restored, name);
      const result = lab.script("restore", ["dataset", name, target]);
      assert.equal(result.status, 0, result.stderr);
      const expected = treeOf(original).filter((e) => !/^(icon_cache|\.stversions)(\/| )/.test(e) && !e.startsWith("tmp-cache/blob"));
      assert.deepEqual(treeOf(target), expected, name);
      assert.equal(lstatSync(target).mode & 0o7777, lstatSync(original).mode & 0o7777);
      assert.equal(lstatSync(target).uid, lstatSync(original).uid);
    }
    const refused = lab.script("restore", ["dataset", "vaultwarden-data", join(restored, "vaultwarden-data")]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /is not empty/);

    // Restore the dump into a fresh cluster through `pct exec ... psql`: the same rows, owners and roles.
    const load = lab.script("restore", ["postgres"], pgEnv(fresh));
    assert.equal(load.status, 0, load.stderr);
    assert.equal(dumpOfRows(fresh), dumpOfRows(source));
    assert.equal(fresh.psql("SELECT count(*) FROM notes", { database: "app" }).stdout.trim(), "2000");
    assert.equal(fresh.psql("SELECT 1", { database: "app", user: "app", password: "app-secret", host: "127.0.0.1" }).status, 0, "the app role logs in with its password");
    // Loading twice would duplicate rows: the restore refuses unless told to drop what is there.
    const again = lab.script("restore", ["postgres"], pgEnv(fresh));
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already has databases \(app other \)/);
    const replaced = lab.script("restore", ["postgres", "--drop-existing"], pgEnv(fresh));
    assert.equal(replaced.status, 0, replaced.stderr);
    assert.equal(dumpOfRows(fresh), dumpOfRows(source));

    // The check job reads data back and reports success.
    const check = lab.script("check");
    assert.equal(check.status, 0, check.stderr);
    const checkMetrics = readMetrics(lab, "check");
    assert.equal(checkMetrics.get('homelab_restic_last_exit_status{job="check"}'), 0);
    assert.ok((checkMetrics.get('homelab_restic_last_success_timestamp_seconds{job="check"}') ?? 0) >= before);
  } finally {
    source.stop();
    fresh.stop();
    lab.cleanup();
  }
});

/** One dataset as the rendered backup script hands it over: its path, exclude patterns and live databases. */
interface RenderedDataset {
  readonly name: string;
  readonly path: string;
  /** Patterns relative to the dataset, as backup_dataset receives them (it anchors each at the dataset's path). */
  readonly excludes: readonly string[];
  /** Live SQLite databases relative to the dataset, as sqlite_copies receives them. */
  readonly sqlite: readonly string[];
}

/** The dataset calls of a rendered backup script, read by running them against stubs so that bash does the unquoting. */
function renderedDatasets(script: string): RenderedDataset[] {
  const calls = script.split("\n").filter((l) => /^(backup_dataset|sqlite_copies) /.test(l));
  const stubs = `backup_dataset() { printf '%s\\0' dataset "$#" "$@"; }\nsqlite_copies() { printf '%s\\0' sqlite "$#" "$@"; }\n`;
  const result = run("bash", ["-c", stubs + calls.join("\n")]);
  assert.equal(result.status, 0, result.stderr);
  const words = result.stdout.split("\0").slice(0, -1);
  const sqlite = new Map<string, readonly string[]>();
  const datasets: Omit<RenderedDataset, "sqlite">[] = [];
  for (let i = 0; i < words.length; ) {
    const kind = words[i];
    const args = words.slice(i + 2, i + 2 + Number(words[i + 1]));
    i += 2 + args.length;
    const [name = "", ...rest] = args;
    // sqlite_copies <source> <uid> <gid> <db>...; backup_dataset <source> <path> <pattern>...
    if (kind === "sqlite") sqlite.set(name, rest.slice(2));
    else datasets.push({ name, path: rest[0] ?? "", excludes: rest.slice(1) });
  }
  return datasets.map((d) => ({
    ...d,
    sqlite: (sqlite.get(d.name) ?? []).map((db) => {
      assert.ok(db.startsWith(`${d.path}/`), `${d.name}: ${db} is inside ${d.path}`);
      return db.slice(d.path.length + 1);
    }),
  }));
}

/** A path an exclude pattern names, relative to the dataset. */
interface PatternInstance {
  /** The entry restic must leave out, with everything under it. */
  readonly dropped: string;
  /** The file written for it: the entry itself, or a file inside it when the pattern names a directory's content. */
  readonly file: string;
  /** A path that differs from it only in the last name (appdata_any/kept-preview beside appdata_any/preview), which stays. */
  readonly sibling: string | undefined;
  /** A leading `**` matches at any depth: then a copy deeper down is left out too. */
  readonly anyDepth: boolean;
}

/** Turns a pattern into a path it matches: `*` becomes "any", `?` "q", a class its first character, an inner `**` one directory. */
function instanceOf(pattern: string): PatternInstance {
  if (pattern.includes("\\")) assert.fail(`'${pattern}': escapes are not handled here; extend instanceOf`);
  const parts = pattern.split("/");
  const anyDepth = parts.length > 1 && parts[0] === "**";
  if (anyDepth) parts.shift();
  const content = parts.length > 1 && parts.at(-1) === "**";
  if (content) parts.pop();
  const concrete = parts.map((p) =>
    p === "**"
      ? "sub"
      : p.replace(/\[(!|\^)?([^\]]+)\]|\*|\?/g, (match: string, negated: string | undefined, set: string | undefined) => {
          if (negated) assert.fail(`'${pattern}': negated classes are not handled here; extend instanceOf`);
          return match === "*" ? "any" : match === "?" ? "q" : (set ?? "").charAt(0);
        }),
  );
  const inside = (path: string): string => (content ? `${path}/sub/f.bin` : path);
  const dropped = concrete.join("/");
  const last = parts.at(-1) ?? "";
  // Only a literal last name can be varied safely: "kept-" before a glob could still match it.
  const sibling = concrete.length > 1 && !/[*?[]/.test(last) ? inside([...concrete.slice(0, -1), `kept-${concrete.at(-1) ?? ""}`].join("/")) : undefined;
  return { dropped, file: inside(dropped), sibling, anyDepth };
}

/** Where a test keeps copies, deeper down, of the names a pattern or a database list decides about at a dataset's root. */
const DEEPER = "nested/copy";

/** An extra dataset with patterns the catalog has none of: a glob in a name, a class, `?`, an inner `*`, a literal `$`, and a leading `**`. */
const AWKWARD_PATTERNS = ["*.tmp", "a b/c", "it's a $(test)/**", "draft?.txt", "[Tt]emp/**", "cache/*/blobs/**", "**/*.part"];

// restic tests a pattern against the full path and only a leading "/" anchors it (restic docs, "Excluding
// files"): an unanchored logs/** would drop every logs folder at any depth, which only a deeper copy shows.
test("every exclude pattern the backup renders leaves out what it names at the dataset's root, and a same-named path deeper down comes back", (t) => {
  if (!tools(t)) return;
  const root = mkdtempSync(join(tmpdir(), "homelab-restic-excludes-"));
  chmodSync(root, 0o755);
  const model = labModel(root, undefined, { notes: { tier: "raid", quotaGiB: 10, content: "documents", excludes: AWKWARD_PATTERNS } });
  const names = modelSources(model).filter((s) => s.kind === "dataset" && (s.excludes.length > 0 || s.sqlite.length > 0)).map((s) => s.name);
  const lab = makeLab(model, root, names);
  try {
    const datasets = renderedDatasets(readFileSync(lab.scripts.backup, "utf8"));
    assert.deepEqual(datasets.map((d) => d.name), names, "every dataset with patterns is backed up with them");
    assert.ok(datasets.some((d) => d.excludes.includes("appdata_*/preview/**")) && datasets.some((d) => d.sqlite.length > 1), "the catalog's patterns are among them");
    const dropped = new Map<string, string[]>();
    let patterns = 0;
    for (const d of datasets) {
      const write = (rel: string): void => {
        mkdirSync(join(d.path, rel, ".."), { recursive: true });
        writeFileSync(join(d.path, rel), randomBytes(200));
      };
      const gone: string[] = [];
      write("kept.txt");
      // The live databases themselves are left out here (the online copy of a database that is not
      // there is skipped); the live-database test below seeds them open, with copies deeper down.
      for (const pattern of d.excludes.filter((p) => !d.sqlite.includes(p))) {
        const p = instanceOf(pattern);
        write(p.file);
        write(`${DEEPER}/${p.file}`);
        if (p.sibling) write(p.sibling);
        gone.push(p.dropped, ...(p.anyDepth ? [`${DEEPER}/${p.dropped}`] : []));
        patterns++;
      }
      dropped.set(d.name, gone);
    }
    const notes = datasets.find((d) => d.name === "notes");
    assert.ok(notes);
    // --exclude-caches leaves out the content of a directory tagged with the cache signature, at any
    // depth, and keeps the tag; a file of that name without the signature is just a file.
    const signature = "Signature: 8a477f597d28d172789f06886806bc55\n";
    for (const [dir, tag] of [["tagged", signature], [`${DEEPER}/tagged`, signature], ["untagged", "not a cache\n"]] as const) {
      mkdirSync(join(notes.path, dir), { recursive: true });
      writeFileSync(join(notes.path, dir, "CACHEDIR.TAG"), tag);
      writeFileSync(join(notes.path, dir, "blob"), randomBytes(100));
    }
    dropped.get("notes")?.push("tagged/blob", `${DEEPER}/tagged/blob`);
    // A file that happens to end like the online copy of a database is the user's: it comes back as it is.
    writeFileSync(join(notes.path, "report.pdf"), randomBytes(100));
    writeFileSync(join(notes.path, "report.pdf.homelab-copy"), randomBytes(100));
    assert.ok(patterns >= 20, `${patterns} patterns seeded`);

    const backup = lab.script("backup");
    assert.equal(backup.status, 0, backup.stderr);
    for (const d of datasets) {
      const gone = dropped.get(d.name) ?? [];
      for (const rel of gone) assert.ok(existsSync(join(d.path, rel)), `${d.name}: ${rel} was there to be left out`);
      const target = join(root, "restored", d.name);
      const restore = lab.script("restore", ["dataset", d.name, target]);
      assert.equal(restore.status, 0, restore.stderr);
      for (const rel of gone) assert.equal(existsSync(join(target, rel)), false, `${d.name}: ${rel} is left out`);
      for (const pattern of d.excludes.filter((p) => !d.sqlite.includes(p))) {
        const p = instanceOf(pattern);
        if (!p.anyDepth) assert.ok(existsSync(join(target, DEEPER, p.file)), `${d.name}: '${pattern}' leaves ${DEEPER}/${p.file} alone`);
        if (p.sibling) assert.ok(existsSync(join(target, p.sibling)), `${d.name}: '${pattern}' leaves ${p.sibling} alone`);
      }
      // Exactly the source tree but for what was left out: same names, modes, owners and bytes.
      const left = (entry: string): boolean => gone.some((rel) => entry === rel || entry.startsWith(`${rel}/`) || entry.startsWith(`${rel} `));
      assert.deepEqual(treeOf(target), treeOf(d.path).filter((e) => !left(e)), d.name);
    }
  } finally {
    lab.cleanup();
  }
});

test("a job records its first run as it starts, before it finishes, and every later run keeps that time", (t) => {
  if (!tools(t)) return;
  const root = mkdtempSync(join(tmpdir(), "homelab-restic-first-run-"));
  const lab = makeLab(labModel(root), root, ["vaultwarden-data"]);
  try {
    // The environment file is read mid-run: a copy of it that also copies the metrics as they are then.
    const seen = join(root, "seen.prom");
    const spy = join(root, "spy.env");
    writeFileSync(spy, `. ${join(root, "restic.env")}\ncp "$TEXTFILE_DIR/homelab_restic_check.prom" ${seen}\n`, { mode: 0o600 });
    const before = Math.floor(Date.now() / 1000);
    const first = lab.script("check", [], { HOMELAB_RESTIC_ENV: spy });
    const after = Math.ceil(Date.now() / 1000);
    assert.equal(first.status, 0, first.stderr);
    const during = parseProm(readFileSync(seen, "utf8"));
    const firstRun = during.get('homelab_restic_first_run_timestamp_seconds{job="check"}') ?? -1;
    assert.ok(firstRun >= before && firstRun <= after, `first run ${firstRun} within [${before}, ${after}]`);
    assert.equal(during.get('homelab_restic_last_success_timestamp_seconds{job="check"}'), 0, "no success yet while the first run is going");
    assert.equal(during.has('homelab_restic_last_exit_status{job="check"}'), false, "no exit status before the run ends");
    assert.equal(readMetrics(lab, "check").get('homelab_restic_first_run_timestamp_seconds{job="check"}'), firstRun);

    // A first run long ago: a failed run and a successful one both keep it.
    const prom = join(lab.textfileDir, "homelab_restic_check.prom");
    writeFileSync(prom, readFileSync(prom, "utf8").replace(`homelab_restic_first_run_timestamp_seconds{job="check"} ${firstRun}`, 'homelab_restic_first_run_timestamp_seconds{job="check"} 1000'));
    const broken = join(root, "broken.env");
    writeFileSync(broken, "exit 2\n", { mode: 0o600 });
    assert.equal(lab.script("check", [], { HOMELAB_RESTIC_ENV: broken }).status, 2);
    assert.equal(readMetrics(lab, "check").get('homelab_restic_first_run_timestamp_seconds{job="check"}'), 1000);
    assert.equal(lab.script("check").status, 0);
    const last = readMetrics(lab, "check");
    assert.equal(last.get('homelab_restic_first_run_timestamp_seconds{job="check"}'), 1000);
    assert.ok((last.get('homelab_restic_last_success_timestamp_seconds{job="check"}') ?? 0) >= before);
  } finally {
    lab.cleanup();
  }
});

test("prune keeps exactly the configured retention, per source", (t) => {
  if (!tools(t)) return;
  const root = mkdtempSync(join(tmpdir(), "homelab-restic-prune-"));
  const model = labModel(root, (b) => (b.retention = { daily: 2, weekly: 2, monthly: 2, yearly: 2 }));
  const lab = makeLab(model, root, ["vaultwarden-data"]);
  try {
    const data = join(root, "data");
    mkdirSync(data);
    const snap = (tag: string, time: string): void => {
      writeFileSync(join(data, "f"), time);
      const r = lab.restic(["backup", "--quiet", "--host", "pve", "--tag", "homelab", "--tag", tag, "--time", time, data]);
      assert.equal(r.status, 0, r.stderr);
    };
    const main = [
      "2024-03-10 03:00:00", "2024-03-10 01:00:00", "2024-03-09 03:00:00", "2024-03-08 03:00:00", "2024-03-01 03:00:00",
      "2024-02-20 03:00:00", "2024-02-10 03:00:00", "2023-12-31 03:00:00", "2023-06-01 03:00:00",
    ];
    for (const time of main) snap("dataset=vaultwarden-data", time);
    // Another source: an old snapshot its own yearly budget keeps, however many the first one has.
    snap("dataset=syncthing-sync", "2021-01-01 03:00:00");

    const result = lab.script("prune");
    assert.equal(result.status, 0, result.stderr);
    const left = JSON.parse(lab.restic(["snapshots", "--json"]).stdout) as { time: string; tags: string[] }[];
    const kept = (tag: string): string[] => left.filter((s) => s.tags.includes(tag)).map((s) => s.time.slice(0, 19).replace("T", " ")).sort().reverse();
    assert.deepEqual(kept("dataset=vaultwarden-data"), [
      "2024-03-10 03:00:00", // newest of its day, ISO week 10, month and year
      "2024-03-09 03:00:00", // daily 2; 03-10 01:00 shares a day, 03-08 a week and month with kept ones
      "2024-03-01 03:00:00", // weekly 2 (ISO week 9)
      "2024-02-20 03:00:00", // monthly 2; 02-10 is left over
      "2023-12-31 03:00:00", // yearly 2; 2023-06-01 is left over
    ]);
    assert.deepEqual(kept("dataset=syncthing-sync"), ["2021-01-01 03:00:00"]);
    assert.equal(readMetrics(lab, "prune").get('homelab_restic_last_exit_status{job="prune"}'), 0);
  } finally {
    lab.cleanup();
  }
});

test("a changed restic password is moved into the repository: the jobs open it with the new one, the old one no longer opens it, and a re-run or a run cut short after the key was added converges", (t) => {
  if (!tools(t)) return;
  const root = mkdtempSync(join(tmpdir(), "homelab-restic-rotate-"));
  const model = labModel(root);
  const lab = makeLab(model, root, ["vaultwarden-data"]);
  try {
    const passwordFile = join(root, "password");
    const envFile = join(root, "restic.env");
    const rotate = (password: string): { status: number; stdout: string; stderr: string } =>
      run("bash", ["-c", renderPasswordRotation(envFile, passwordFile)], { env: lab.env(), input: password });
    const opens = (password: string): boolean => {
      const file = join(root, "probe");
      writeFileSync(file, password, { mode: 0o600 });
      return run("restic", ["--repo", lab.repo, "--password-file", file, "cat", "config"], { env: lab.env() }).status === 0;
    };
    const keys = (): string[] => (JSON.parse(lab.restic(["key", "list", "--json"]).stdout) as { id: string }[]).map((k) => k.id);
    const data = join(root, "data");
    mkdirSync(data);
    writeFileSync(join(data, "f"), "kept across the rotation");
    assert.equal(lab.restic(["backup", "--quiet", "--host", "pve", "--tag", "homelab", data]).status, 0);

    const first = rotate("a new passphrase");
    assert.equal(first.status, 0, first.stderr);
    assert.equal(readFileSync(passwordFile, "utf8"), "a new passphrase");
    assert.equal(statSync(passwordFile).mode & 0o777, 0o600);
    assert.equal(existsSync(`${passwordFile}.new`), false, "nothing stays staged");
    assert.equal(opens("a new passphrase"), true);
    assert.equal(opens("correct horse battery staple"), false, "the old password no longer opens the repository");
    assert.equal(keys().length, 1);
    assert.ok(!first.stdout.includes("a new passphrase") && !first.stderr.includes("a new passphrase"), "the password is never printed");
    const check = lab.script("check");
    assert.equal(check.status, 0, check.stderr);
    assert.equal(JSON.parse(lab.restic(["snapshots", "--json"]).stdout).length, 1, "the snapshots are still there");

    // Same password again: nothing changes in the repository.
    const before = keys();
    const again = rotate("a new passphrase");
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(keys(), before);

    // A run cut short after `key add`: the new key is there, the old one too, the host still has the old file.
    const third = join(root, "third");
    writeFileSync(third, "a third passphrase", { mode: 0o600 });
    assert.equal(lab.restic(["key", "add", "--new-password-file", third]).status, 0);
    const resumed = rotate("a third passphrase");
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(keys().length, 1);
    assert.equal(opens("a third passphrase"), true);
    assert.equal(opens("a new passphrase"), false);

    // Neither password opens the repository: the host keeps its file, the run fails and says why.
    writeFileSync(passwordFile, "a password the repository never had", { mode: 0o600 });
    const lost = rotate("yet another passphrase");
    assert.notEqual(lost.status, 0);
    assert.match(lost.stderr, /neither the current nor the new password opens/);
    assert.equal(readFileSync(passwordFile, "utf8"), "a password the repository never had");
  } finally {
    lab.cleanup();
  }
});

test("the first password is written before the repository exists, and init then creates the repository with it", (t) => {
  if (!tools(t)) return;
  const root = mkdtempSync(join(tmpdir(), "homelab-restic-first-"));
  try {
    const passwordFile = join(root, "password");
    const envFile = join(root, "restic.env");
    writeFileSync(envFile, renderResticEnv({ repository: join(root, "repo"), passwordFile }), { mode: 0o600 });
    const env: NodeJS.ProcessEnv = { ...process.env, RESTIC_CACHE_DIR: join(root, "cache") };
    for (const key of ["RESTIC_REPOSITORY", "RESTIC_PASSWORD", "RESTIC_PASSWORD_FILE"]) delete env[key];
    for (const password of ["first", "first"]) {
      const r = run("bash", ["-c", renderPasswordRotation(envFile, passwordFile)], { env, input: password });
      assert.equal(r.status, 0, r.stderr);
    }
    // The old file is there but the repository is not yet: a changed password still goes straight in.
    const changed = run("bash", ["-c", renderPasswordRotation(envFile, passwordFile)], { env, input: "second" });
    assert.equal(changed.status, 0, changed.stderr);
    assert.equal(readFileSync(passwordFile, "utf8"), "second");
    const init = run("bash", ["-c", renderInitCommand(envFile)], { env });
    assert.equal(init.status, 0, init.stderr);
    assert.equal(run("restic", ["--repo", join(root, "repo"), "--password-file", passwordFile, "cat", "config"], { env }).status, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the Pulumi state export is kept in the repository and comes back byte-identical; prune keeps it; a broken export is refused", (t) => {
  if (!tools(t)) return;
  const root = mkdtempSync(join(tmpdir(), "homelab-restic-state-"));
  const model = labModel(root);
  const lab = makeLab(model, root, ["vaultwarden-data"]);
  try {
    const script = join(root, scriptName("state"));
    writeFileSync(script, renderStateScript({ resticHost: model.proxmox.nodeName, layout: { ...HOST_LAYOUT, envFile: join(root, "restic.env"), lockFile: join(root, "restic.lock") } }), { mode: 0o755 });
    const state = (args: readonly string[], input?: string) => run(script, args, { env: lab.env(), ...(input === undefined ? {} : { input }) });
    const exported = `${JSON.stringify({ version: 3, deployment: { secrets_providers: { type: "passphrase", state: { salt: "v1:abc" } }, resources: [{ urn: "urn:pulumi:homelab::homelab::pulumi:pulumi:Stack::homelab-homelab", outputs: { grafanaAdminPassword: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:Zm9v" } } }] } }, null, 4)}\n`;
    const saved = state(["save", "homelab"], exported);
    assert.equal(saved.status, 0, saved.stderr);
    const snapshots = JSON.parse(lab.restic(["snapshots", "--json", "--tag", "state=homelab"]).stdout) as { tags: string[]; hostname: string; paths: string[] }[];
    assert.equal(snapshots.length, 1);
    assert.deepEqual([...(snapshots[0]?.tags ?? [])].sort(), ["homelab", "state=homelab"]);
    assert.equal(snapshots[0]?.hostname, model.proxmox.nodeName);
    const back = state(["restore", "homelab"]);
    assert.equal(back.status, 0, back.stderr);
    assert.equal(back.stdout, exported, "the export comes back byte for byte, ready for pulumi stack import");

    for (const broken of ["", "not json\n", '{"version": 3}\n']) {
      const refused = state(["save", "homelab"], broken);
      assert.notEqual(refused.status, 0, `refused: ${JSON.stringify(broken)}`);
      assert.match(refused.stderr, /homelab-restic-state: stdin (is empty|is not a pulumi stack export)/);
    }
    assert.equal(state(["save", "../etc"], exported).status, 64, "a stack name is one plain word");
    assert.equal(JSON.parse(lab.restic(["snapshots", "--json", "--tag", "state=homelab"]).stdout).length, 1, "nothing broken was kept");

    const prune = lab.script("prune");
    assert.equal(prune.status, 0, prune.stderr);
    assert.equal(state(["restore", "homelab"]).stdout, exported, "prune keeps the newest state");
  } finally {
    lab.cleanup();
  }
});

/** Processes a test started (restic, sqlite3); killed at the end of the test whatever happened, so none hangs the run. */
const heldChildren = new Set<ChildProcess>();

/** Starts a restic backup that reads stdin until it is closed, and waits until it holds its lock. */
async function holdLock(lab: Lab): Promise<{ child: ChildProcess; lock: string }> {
  const child = spawn("restic", ["--repo", lab.repo, "--password-file", join(lab.dir, "password"), "backup", "--quiet", "--host", "pve", "--tag", "homelab", "--tag", "dataset=held", "--stdin", "--stdin-filename", "held"], {
    env: lab.env(),
    stdio: ["pipe", "ignore", "ignore"],
  });
  heldChildren.add(child);
  child.once("exit", () => heldChildren.delete(child));
  const locks = join(lab.repo, "locks");
  for (let i = 0; i < 3000; i++) {
    // The local backend writes a `-tmp-` file and renames it into place: wait for the final name with content.
    const found = readdirSync(locks).find((f) => !f.includes("-tmp-") && (statSync(join(locks, f), { throwIfNoEntry: false })?.size ?? 0) > 0);
    if (found) {
      // The file can still be half written: read it again until it decrypts and parses.
      const read = lab.restic(["--no-lock", "cat", "lock", found]);
      let lock: { pid: number } | undefined;
      try {
        lock = JSON.parse(read.stdout) as { pid: number };
      } catch {
        lock = undefined;
      }
      if (lock) {
        if (lock.pid !== child.pid) child.kill("SIGKILL");
        assert.equal(lock.pid, child.pid, "the lock is the held process's");
        return { child, lock: found };
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  assert.fail("restic never took its lock");
}

test("a stale lock left by a killed restic does not block the next run, and a live lock survives it", async (t) => {
  if (!tools(t)) return;
  const root = mkdtempSync(join(tmpdir(), "homelab-restic-lock-"));
  const model = labModel(root);
  const lab = makeLab(model, root, ["vaultwarden-data"]);
  try {
    const dataset = model.datasets.find((d) => d.name === "vaultwarden-data");
    assert.ok(dataset);
    mkdirSync(dataset.hostPath, { recursive: true });
    writeFileSync(join(dataset.hostPath, "db.sqlite3"), randomBytes(10_000));

    // kill -9 leaves the lock of a process that no longer exists.
    const crashed = await holdLock(lab);
    crashed.child.kill("SIGKILL");
    await new Promise((r) => crashed.child.once("exit", r));
    assert.deepEqual(readdirSync(join(lab.repo, "locks")), [crashed.lock]);
    const blocked = lab.restic(["prune"]);
    assert.notEqual(blocked.status, 0, "without unlock, the stale lock blocks an exclusive job");
    assert.match(blocked.stderr, /already locked/);
    const prune = lab.script("prune");
    assert.equal(prune.status, 0, prune.stderr);
    assert.equal(readMetrics(lab, "prune").get('homelab_restic_last_exit_status{job="prune"}'), 0);
    assert.deepEqual(readdirSync(join(lab.repo, "locks")), []);

    // A running restic keeps its lock through the next job's unlock, and finishes its snapshot.
    const live = await holdLock(lab);
    const backup = lab.script("backup");
    assert.equal(backup.status, 0, backup.stderr);
    assert.ok(readdirSync(join(lab.repo, "locks")).includes(live.lock), "the live lock is still there");
    const exited = new Promise<number | null>((r) => live.child.once("exit", r));
    live.child.stdin?.end("still writing\n");
    assert.equal(await exited, 0);
    const held = JSON.parse(lab.restic(["snapshots", "--json", "--tag", "dataset=held"]).stdout) as unknown[];
    assert.equal(held.length, 1);
    assert.equal(readMetrics(lab, "backup").get('homelab_restic_last_exit_status{job="backup"}'), 0);
  } finally {
    for (const child of heldChildren) child.kill("SIGKILL");
    lab.cleanup();
  }
});

test("every live SQLite database is snapshotted from its online copy: the restore holds every committed row, even those still in the WAL, and same-named files deeper down come back as they were", async (t) => {
  if (!tools(t) || !requireTool(t, "sqlite3", "sqlite3") || !requireTool(t, "setpriv", "util-linux")) return;
  if (!asRoot) {
    // CI runs as root, so there a missing root is a failure, not a skip.
    if (inCi()) throw new Error("the online copy runs as the dataset's shifted owner, which needs root: required under CI=true");
    t.skip("SKIPPED: the online copy runs as the dataset's shifted owner, which needs root");
    return;
  }
  const root = mkdtempSync(join(tmpdir(), "homelab-restic-sqlite-"));
  chmodSync(root, 0o755);
  const model = labModel(root);
  const names = modelSources(model).filter((s) => s.kind === "dataset" && s.sqlite.length > 0).map((s) => s.name);
  const lab = makeLab(model, root, names);
  const datasets = renderedDatasets(readFileSync(lab.scripts.backup, "utf8"));
  assert.deepEqual(datasets.map((d) => [d.name, d.sqlite]), lab.sources.flatMap((s) => (s.kind === "dataset" ? [[s.name, s.sqlite]] : [])));
  const live = (db: string): string[] => [db, `${db}-wal`, `${db}-shm`];
  const apps: ChildProcess[] = [];
  try {
    for (const d of datasets) {
      const source = lab.sources.find((s) => s.name === d.name);
      assert.ok(source?.kind === "dataset");
      const owned = (rel: string, content?: Buffer): void => {
        const full = join(d.path, rel);
        mkdirSync(content ? join(full, "..") : full, { recursive: true });
        if (content) writeFileSync(full, content);
        // The whole chain of directories up to the dataset, so that the app and the online copy can write beside the database.
        for (let p = full; p.startsWith(d.path); p = join(p, "..")) chownSync(p, source.hostUid, source.hostGid);
      };
      owned(".");
      for (const db of d.sqlite) {
        owned(join(db, ".."));
        // Same names deeper down (an app's own backup folder): not the live database, so not copied or left out.
        for (const name of [...live(db), `${db}-journal`, `${db}.homelab-copy`]) owned(`${DEEPER}/${name}`, randomBytes(500));
        // The app: WAL mode, no checkpoint, connection held open, so the rows live only in <db>-wal.
        const app = spawn("setpriv", [`--reuid=${source.hostUid}`, `--regid=${source.hostGid}`, "--clear-groups", "sqlite3", join(d.path, db)], { stdio: ["pipe", "pipe", "inherit"] });
        heldChildren.add(app);
        apps.push(app);
        app.stdin?.write("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE heartbeat (id INTEGER PRIMARY KEY, msg TEXT);\n");
        app.stdin?.write("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO heartbeat (msg) SELECT 'up ' || i FROM n;\nSELECT 'ready';\n");
        await new Promise<void>((resolve, reject) => {
          app.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
          app.once("exit", (code) => reject(new Error(`${d.name}: sqlite3 on ${db} exited ${code} before it was ready`)));
        });
        assert.ok(statSync(join(d.path, `${db}-wal`)).size > 0, `${d.name}: the rows are in ${db}-wal, not yet in ${db}`);
      }
    }
    assert.ok(datasets.flatMap((d) => d.sqlite).length >= 7, "every catalog database is among them");
    // Everything but the live files the app (and the online copy, through the -shm) keeps changing.
    const others = (d: RenderedDataset, tree: string[]): string[] => tree.filter((e) => !d.sqlite.some((db) => live(db).some((name) => e.startsWith(`${name} `))));
    const before = new Map(datasets.map((d) => [d.name, others(d, treeOf(d.path))]));

    const backup = lab.script("backup");
    assert.equal(backup.status, 0, backup.stderr);
    for (const d of datasets) {
      assert.deepEqual(others(d, treeOf(d.path)), before.get(d.name), `${d.name}: the copies are removed once they are in the snapshot, and nothing else changed`);
      const listed = new Set(lab.restic(["ls", "latest", "--tag", `dataset=${d.name}`]).stdout.split("\n").filter((l) => l.startsWith(`${d.path}/`)).map((l) => l.slice(d.path.length + 1)));
      for (const db of d.sqlite) {
        for (const name of live(db)) assert.equal(listed.has(name), false, `${d.name}: the live ${name} is not in the snapshot`);
        assert.ok(listed.has(`${db}.homelab-copy`), `${d.name}: the consistent copy of ${db} is`);
        for (const name of [...live(db), `${db}-journal`, `${db}.homelab-copy`]) assert.ok(listed.has(`${DEEPER}/${name}`), `${d.name}: ${DEEPER}/${name} is`);
      }

      const target = join(root, "restored", d.name);
      const restore = lab.script("restore", ["dataset", d.name, target]);
      assert.equal(restore.status, 0, restore.stderr);
      const source = lab.sources.find((s) => s.name === d.name);
      assert.ok(source?.kind === "dataset");
      for (const db of d.sqlite) {
        const restored = run("sqlite3", [join(target, db), "PRAGMA integrity_check; SELECT count(*) FROM heartbeat;"]);
        assert.equal(restored.stdout, "ok\n500\n", `${d.name} ${db}: ${restored.stderr}`);
        assert.equal(statSync(join(target, db)).uid, source.hostUid, `${d.name}: ${db} is owned by the dataset's owner, as the app expects`);
      }
      // Everything else exactly as it was, the same-named files deeper down included; no copy is left under its suffix.
      assert.deepEqual(others(d, treeOf(target)), before.get(d.name), d.name);
    }
  } finally {
    for (const app of apps) {
      app.stdin?.end();
      app.kill("SIGKILL");
    }
    lab.cleanup();
  }
});
