import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Service } from "../../config";
import { webPort } from "../../components/lxc-service/recipes/compose";
import { QBITTORRENT_CREDENTIALS } from "../../components/lxc-service/recipes/native-apps";
import { SECURITY_ORIGINS } from "../../components/lxc-service/recipes/security-updates";
import { probeTargets } from "../../components/monitoring-stack/targets";
import { HOST_LAYOUT, scriptPath } from "../../components/restic-backup/layout";
import { executeStep, type ConvergeContext } from "./converge";
import type { StandInHost } from "./host";
import { attach, destroyContainer, ID_SHIFT, LOG_DIR } from "./lab";
import type { Outcome } from "./scheduler";
import { run } from "./shell";
import type { RehearsalPlan, Step } from "./steps";
import { serviceOf, vmIdOfCommand } from "./selection";
import { checkSubjects } from "./subjects";
import { componentOf, type Timings } from "./summary";

/** What the checks read: the plan, what each step did, and the machinery to look inside. */
export interface CheckContext {
  readonly plan: RehearsalPlan;
  readonly steps: readonly Step[];
  readonly outcomes: ReadonlyMap<string, Outcome>;
  readonly host: StandInHost;
  readonly convergeCtx: ConvergeContext;
  readonly timings: Timings;
}

const sh = async (vmId: number, script: string, input?: string, check = true) => (await attach(vmId, ["bash", "-c", script], input, check));

/** Services enabled by the recipes: what `systemctl enable` linked into multi-user.target. */
async function enabledUnits(vmId: number): Promise<string[]> {
  const r = await sh(vmId, "ls /etc/systemd/system/multi-user.target.wants/ 2>/dev/null | grep '\\.service$' || true");
  return r.stdout.split("\n").filter(Boolean).sort();
}

async function waitFor(what: string, attempt: () => Promise<boolean>, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await attempt().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.fail(`${what} after ${seconds}s`);
}

/** Every file a recipe manages, with its mtime: what a second run must leave alone. */
const SNAPSHOT = "find /etc /opt /usr/local /var/lib/homelab -xdev -type f -printf '%T@ %p\\n' 2>/dev/null | sort -k2";
/** Start time and restart count of each enabled unit: a second run must restart none. */
const unitStamps = (units: readonly string[]): string =>
  units.length === 0 ? "true" : `for u in ${units.join(" ")}; do echo "$u $(systemctl show -p ActiveEnterTimestampMonotonic,NRestarts --value "$u" | tr '\\n' ' ')"; done`;

export function checks(ctx: CheckContext): void {
  const { plan, steps, outcomes } = ctx;
  // Each check looks only at services whose own steps ran in this run; one with nothing to look at says why.
  const { rehearsed, composeApps, postgres: pg, dbApps, backup, commands: commandSteps } = checkSubjects(plan, steps, outcomes);
  const names = (services: readonly Service[]): string => services.map((s) => s.name).join(", ") || "none";

  test("no step failed: each converged, was stood in for, or names the download it needs", () => {
    const failed = steps.filter((s) => outcomes.get(s.resource.name)?.kind === "failed");
    assert.deepEqual(
      failed.map((s) => {
        const o = outcomes.get(s.resource.name);
        return `${s.resource.name}: ${o?.kind === "failed" ? o.error : ""}`;
      }),
      [],
    );
  });

  for (const s of rehearsed) {
    describe(`${s.name} (rehearsed)`, () => {
      test("its units are active, and none has failed", async () => {
        const units = await enabledUnits(s.vmId);
        for (const u of units) {
          await waitFor(`${u} in ${s.name} is not active`, async () => (await sh(s.vmId, `systemctl is-active --quiet ${u}`, undefined, false)).code === 0, 60);
        }
        const failed = (await sh(s.vmId, "systemctl list-units --failed --plain --no-legend --no-pager")).stdout.trim();
        assert.equal(failed, "", `failed units in ${s.name}`);
      });

      for (const probe of probeTargets(plan.model).filter((p) => p.labels.service === s.name)) {
        test(`its health endpoint answers the blackbox probe's URL ${probe.address} from the host`, async () => {
          await waitFor(`${probe.address} did not answer 2xx`, async () => {
            const r = await fetch(probe.address, { signal: AbortSignal.timeout(5000) });
            return r.status >= 200 && r.status < 300;
          }, 90);
        });
      }

      test("its unattended-upgrades, asked itself, takes Debian's security origin and nothing else, from apt's daily timer", async () => {
        const codename = (await sh(s.vmId, ". /etc/os-release && echo \"$VERSION_CODENAME\"")).stdout.trim();
        const said = (await sh(s.vmId, "unattended-upgrade --dry-run -d 2>&1 | sed -n 's/^Allowed origins are: //p'")).stdout.trim();
        assert.equal(said, SECURITY_ORIGINS.map((o) => o.replace("${distro_codename}", codename)).join(", "));
        assert.equal((await sh(s.vmId, "systemctl is-enabled apt-daily-upgrade.timer")).stdout.trim(), "enabled");
      });

      const own = s.mounts.find((m) => !m.readOnly && m.dataset.startsWith(`${s.name}-`));
      if (own && s.user.uid !== 0) {
        test(`a file its account writes in ${own.path} is owned by ${ID_SHIFT + s.user.uid} on the host`, async () => {
          const name = ".homelab-rehearsal-owner";
          await sh(s.vmId, `setpriv --reuid=${s.user.uid} --regid=${s.user.gid} --clear-groups touch ${own.path}/${name}`);
          const st = statSync(join(own.hostPath, name));
          assert.equal(st.uid, ID_SHIFT + s.user.uid);
          assert.equal(st.gid, ID_SHIFT + s.user.gid);
          await sh(s.vmId, `rm -f ${own.path}/${name}`);
        });
      }
    });
  }

  // qBittorrent stores only the PBKDF2 hash the recipe derives in the container: the login must work.
  const torrent = rehearsed.find((s) => s.app === "qbittorrent");
  if (!torrent) test("qBittorrent's WebUI accepts the generated login", { skip: "no qBittorrent service is rehearsed in this run" });
  else {
    test(`qBittorrent's WebUI in ${torrent.name} accepts the generated login, and refuses another password`, async () => {
      const [user = "", password = ""] = (await sh(torrent.vmId, `cat ${QBITTORRENT_CREDENTIALS}`)).stdout.split(/\n(.*)/s);
      const login = async (pass: string): Promise<string> => {
        const r = await fetch(`http://${torrent.ip}:${webPort(torrent, 8080)}/api/v2/auth/login`, { method: "POST", body: new URLSearchParams({ username: user, password: pass }), signal: AbortSignal.timeout(5000) });
        return (await r.text()).trim();
      };
      await waitFor(`qBittorrent's WebUI in ${torrent.name} did not answer`, async () => (await login(password)) === "Ok.", 60);
      assert.equal(await login(`${password}-not`), "Fails.");
    });
  }

  // Compose apps: the engine comes from Debian and their images from registries this machine cannot
  // reach, so the recipe runs up to the pull. The engine itself must run a container in the nested
  // unprivileged LXC (runc and its cgroup, mount and user namespaces), from an image made here.
  const docker = composeApps[0];
  if (!docker) test("the Docker engine from Debian runs a container inside a nested unprivileged container", { skip: "no Compose app in this run reached its image pull" });
  else {
    test(`the Docker engine from Debian runs a container inside the nested unprivileged ${docker.name} container, and Compose accepts every rendered file`, async () => {
      await sh(docker.vmId, "systemctl is-active --quiet docker");
      await sh(docker.vmId, "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null && rm -rf /tmp/img && mkdir -p /tmp/img/bin && cp /bin/busybox /tmp/img/bin/ && tar -C /tmp/img -c . | docker import - homelab-rehearsal/busybox:1 >/dev/null");
      const r = await sh(docker.vmId, "docker run --rm homelab-rehearsal/busybox:1 /bin/busybox echo ran-in-docker");
      assert.equal(r.stdout.trim(), "ran-in-docker");
      for (const app of composeApps) {
        const config = await sh(app.vmId, `docker compose --file /opt/${app.name}/compose.yaml config --quiet`, undefined, false);
        assert.equal(config.code, 0, `${app.name}: ${config.stderr}`);
      }
    });
  }

  const noDatabase = !pg ? "Postgres is not rehearsed in this run" : dbApps.length === 0 ? "no app in this run has its db.env pushed" : undefined;
  if (!pg || noDatabase) test("the shared Postgres over the real network", { skip: noDatabase });
  else {
    describe("the shared Postgres over the real network", () => {
      const psql = (sql: string) => `set -a; . /etc/homelab/db.env; set +a; psql -X -At -v ON_ERROR_STOP=1 -c ${JSON.stringify(sql)}`;
      test("each app's pushed db.env connects from its own container to its own database", async () => {
        for (const app of dbApps) {
          // The check's own client, not the app's: an app whose recipe did not run has not even apt lists.
          await sh(app.vmId, "command -v psql >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null; }");
          const r = await sh(app.vmId, psql("select current_user || '@' || current_database()"));
          assert.equal(r.stdout.trim(), `${app.database?.user ?? app.name}@${app.database?.name ?? app.name}`);
          await sh(app.vmId, psql("create table if not exists rehearsal_rows (id int primary key, note text); insert into rehearsal_rows select g, md5(g::text) from generate_series(1, 500) g on conflict do nothing"));
        }
      });
      // Another app's container and database are the only ones to be refused from: one app alone proves nothing.
      const tooFew = dbApps.length < 2 ? `needs two apps with a database in this run; it has ${names(dbApps)}` : undefined;
      test("the same credentials are refused from another app's container and on another app's database", { skip: tooFew }, async () => {
        for (const [i, app] of dbApps.entries()) {
          const other = dbApps[(i + 1) % dbApps.length] as Service;
          const env = (await sh(app.vmId, "cat /etc/homelab/db.env")).stdout;
          // stdin is a socket here, which /dev/stdin cannot be opened on: the env arrives through cat.
          const fromOther = await sh(other.vmId, `set -a; eval "$(cat)"; set +a; psql -X -At -c 'select 1'`, env, false);
          assert.notEqual(fromOther.code, 0, `${app.name}'s role got in from ${other.name}'s container`);
          assert.match(fromOther.stderr, /pg_hba\.conf rejects connection|no pg_hba\.conf entry|password authentication failed/);
          const otherDb = await sh(app.vmId, `set -a; . /etc/homelab/db.env; set +a; PGDATABASE=${other.database?.name ?? other.name} psql -X -At -c 'select 1'`, undefined, false);
          assert.notEqual(otherDb.code, 0, `${app.name}'s role opened ${other.name}'s database`);
        }
      });
    });
  }

  test("idempotence: every command runs a second time with exit 0, rewrites no file and restarts no unit", async () => {
    const containers = [...new Set(commandSteps.map((s) => vmIdOfCommand(s.resource)).filter((v): v is number => v !== undefined))];
    const snapshot = async (): Promise<Map<string, string>> => {
      const out = new Map<string, string>();
      for (const id of containers) {
        const units = await enabledUnits(id);
        out.set(`${id} files`, (await sh(id, SNAPSHOT)).stdout);
        out.set(`${id} units`, (await sh(id, unitStamps(units))).stdout);
      }
      out.set("host files", (await run(["bash", "-c", `cd ${ctx.host.upper} && find . -xdev -type f -not -path './var/lib/apt/*' -not -path './var/cache/*' -not -path './var/log/*' -not -path './tmp/*' -not -path './run/*' -not -path './root/.cache/*' -printf '%T@ %p\\n' | sort -k2`])).stdout);
      return out;
    };
    // Tool caches (restic's own under /root/.cache, apt's) are the tools', not files the program writes.
    const before = await snapshot();
    for (const s of commandSteps) {
      const o = await executeStep(s, ctx.convergeCtx);
      assert.equal(o.kind, "done", `${s.resource.name} on its second run: ${o.kind === "failed" ? o.error : o.kind}`);
    }
    const after = await snapshot();
    for (const [key, text] of before) assert.equal(after.get(key), text, `${key} changed on the second run (logs in ${LOG_DIR})`);
  });

  const backupUnit = "homelab-restic-backup.service";
  const backupInRun = steps.some((s) => componentOf(s.resource) === "backup");
  const noBackup = noDatabase ?? (backup ? undefined : backupInRun ? "the backup's timers were not installed" : "the backup is not in this run: no selected service needs it");
  if (!pg || noBackup) test("backup: the job dumps the real Postgres, and the dump restores with identical rows", { skip: noBackup });
  else {
    test("backup: the job dumps the real Postgres into a local restic repository, and the dump restores into a fresh cluster with identical rows", async () => {
      await ctx.host.exec(`systemctl start ${backupUnit}`, { log: join(LOG_DIR, "backup-run.log") });
      // The runbook's own tool (RESTORE.md), as an operator runs it on the host.
      const restore = scriptPath(HOST_LAYOUT, "restore");
      const dump = (await ctx.host.exec(`${restore} postgres-file /tmp/rehearsal-dump.sql && cat /tmp/rehearsal-dump.sql`, { log: join(LOG_DIR, "restore.log") })).stdout;
      assert.match(dump, /CREATE TABLE public\.rehearsal_rows/);
      const major = plan.model.postgres.version;
      await sh(pg.vmId, `pg_lsclusters -h | grep -q '^${major} restore ' || pg_createcluster ${major} restore -p 5499 --start -- --auth-local=peer >/dev/null`);
      await sh(pg.vmId, "runuser -u postgres -- psql -X -q -p 5499 -d postgres >/dev/null 2>&1", dump, false);
      const app = dbApps[0] as Service;
      const db = app.database?.name ?? app.name;
      const query = "select count(*), sum(id), md5(string_agg(note, ',' order by id)) from rehearsal_rows;";
      const rows = async (port: number) => (await sh(pg.vmId, `runuser -u postgres -- psql -X -At -p ${port} -d ${db}`, query)).stdout.trim();
      const live = await rows(5432);
      const restored = await rows(5499);
      assert.equal(restored, live);
      assert.match(live, /^500\|125250\|/);
      await sh(pg.vmId, `pg_dropcluster --stop ${major} restore`);
    });
  }

  if (!pg || noDatabase) test("cattle and pets: the Postgres container destroyed and recreated comes back with its data", { skip: noDatabase });
  else {
    test("cattle and pets: the Postgres container destroyed and recreated with its commands comes back with its data", async () => {
      const own = steps.filter((s) => serviceOf(s.resource, plan) === pg.name && (s.resource.type.includes("containerLegacy") || s.resource.type === "command:remote:Command"));
      await destroyContainer(pg.vmId, join(LOG_DIR, "replace.log"));
      for (const s of own) {
        const o = await executeStep(s, ctx.convergeCtx);
        assert.ok(o.kind === "done" || o.kind === "needs", `${s.resource.name} after the replacement: ${o.kind === "failed" ? o.error : o.kind}`);
      }
      const app = dbApps[0] as Service;
      const r = await sh(app.vmId, `set -a; . /etc/homelab/db.env; set +a; psql -X -At -c 'select count(*) from rehearsal_rows'`);
      assert.equal(r.stdout.trim(), "500");
    });
  }
}
