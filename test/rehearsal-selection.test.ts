import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { Outcome } from "./rehearsal/scheduler";
import { selectServices, SelectionError, serviceOf, waitsOnlyForTurn, type Selection } from "./rehearsal/selection";
import { rehearsalPlan, type RehearsalPlan, type Step } from "./rehearsal/steps";
import { checkedServices, checkSubjects } from "./rehearsal/subjects";
import { componentOf, serviceLines, serviceState } from "./rehearsal/summary";
import { ROOT } from "./harness";

const REHEARSAL_STACK = join(ROOT, "test/rehearsal/Pulumi.rehearsal.yaml");
const INFRASTRUCTURE = ["postgres", "traefik", "cloudflared", "prometheus", "grafana"];

// Evaluated once, inside the first test that asks: the mocks are global, so never beside another file's program.
let evaluated: Promise<RehearsalPlan> | undefined;
const realPlan = (): Promise<RehearsalPlan> => (evaluated ??= rehearsalPlan(REHEARSAL_STACK));

const names = (steps: readonly Step[]): string[] => steps.map((s) => s.resource.name);
/** Every step of the run done, as on a machine that reaches every download. */
const allDone = (steps: readonly Step[]): Map<string, Outcome> => new Map(steps.map((s) => [s.resource.name, { kind: "done", ms: 0 }]));
/** Dependencies a chosen step has outside the run, as [step, dependency]. */
const outside = (selection: Selection): string[][] => {
  const chosen = new Set(names(selection.steps));
  return selection.steps.flatMap((s) => s.after.filter((d) => !chosen.has(d)).map((d) => [s.resource.name, d]));
};
/** The steps of a service left out that a run must not touch: its own, its firewall, its database. */
const touches = (plan: RehearsalPlan, selection: Selection, service: string): string[] =>
  names(selection.steps).filter((n) => serviceOf(plan.byName.get(n) ?? assert.fail(n), plan) === service || n.startsWith(`firewall-${service}-`) || n.startsWith(`postgres-${service}-`));

test("--only syncthing runs syncthing and the infrastructure every app waits for, and no step of Immich, n8n, Jellyfin, Sonarr or Prowlarr", async () => {
  const plan = await realPlan();
  const selection = selectServices(plan, ["syncthing"]);
  assert.deepEqual(selection.named, ["syncthing"]);
  assert.deepEqual(selection.services, [...INFRASTRUCTURE, "syncthing"]);
  assert.deepEqual(selection.leftOut, ["immich", "nextcloud", "n8n", "vaultwarden", "jellyfin", "qbittorrent", "sonarr", "radarr", "prowlarr", "uptime-kuma"]);
  for (const s of selection.leftOut) assert.deepEqual(touches(plan, selection, s), [], s);
  const chosen = new Set(names(selection.steps));
  for (const n of ["syncthing-container", "syncthing-files", "syncthing-provision", "firewall-syncthing-rules", "postgres-provision", "postgres-preload", "monitoring-pve-exporter"]) assert.ok(chosen.has(n), n);
  // The one thing syncthing waits for and does not get: its turn behind Prowlarr's container.
  assert.deepEqual(outside(selection), [["syncthing-container", "prowlarr-container"]]);
  assert.deepEqual(new Set(selection.steps.map((s) => serviceOf(s.resource, plan))), new Set([...selection.services, "host"]));
});

test("--only n8n brings Postgres with n8n's own role and database and its server's own, but no other app's", async () => {
  const plan = await realPlan();
  const selection = selectServices(plan, ["n8n"]);
  assert.deepEqual(selection.services, [...INFRASTRUCTURE, "n8n"]);
  const sql = names(selection.steps.filter((s) => s.resource.type.startsWith("postgresql:"))).sort();
  assert.deepEqual(sql, ["postgres-monitoring-pg-monitor", "postgres-monitoring-role", "postgres-n8n-database", "postgres-n8n-public-database-privileges", "postgres-n8n-role", "postgres-n8n-uuid-ossp"]);
  assert.ok(names(selection.steps).includes("postgres-n8n-password"));
  assert.deepEqual(outside(selection), [["n8n-container", "immich-container"]]);
  for (const s of selection.leftOut) assert.deepEqual(touches(plan, selection, s), [], s);
  // Two names: both, and each one's own database.
  const two = selectServices(plan, ["n8n", "immich"]);
  assert.deepEqual(two.services, [...INFRASTRUCTURE, "immich", "n8n"]);
  assert.ok(names(two.steps).includes("postgres-immich-vchord") && names(two.steps).includes("postgres-n8n-database"));
  assert.ok(!names(two.steps).some((n) => /^postgres-(nextcloud|vaultwarden)-/.test(n)));
});

test("without --only every step and every service runs", async () => {
  const plan = await realPlan();
  const selection = selectServices(plan, []);
  assert.deepEqual(names(selection.steps), names(plan.steps));
  assert.deepEqual(selection.services, plan.model.services.map((s) => s.name));
  assert.deepEqual(selection.leftOut, []);
  // Naming every service runs all of theirs; the host's own setup that no service waits for stays out.
  const every = new Set(names(selectServices(plan, plan.model.services.map((s) => s.name)).steps));
  const out = names(plan.steps).filter((n) => !every.has(n));
  assert.deepEqual(new Set(out.map((n) => componentOf(plan.byName.get(n) ?? assert.fail(n)))), new Set(["pve", "firewall", "backup"]));
  assert.ok(out.every((n) => !n.startsWith("firewall-") || n.startsWith("firewall-host-")), out.join(", "));
});

test("an --only naming no service is refused with the names of the services there are", async () => {
  const plan = await realPlan();
  const services = plan.model.services.map((s) => s.name).join(", ");
  for (const only of [["nope"], ["syncthing", "syncthng"], ["host"]]) {
    assert.throws(() => selectServices(plan, only), (e: unknown) => {
      assert.ok(e instanceof SelectionError);
      assert.equal(e.message, `--only: no service named ${only.filter((o) => o !== "syncthing").join(", ")} (services: ${services})`);
      return true;
    });
  }
});

test("a container that waits for another service's container alone waits for its creation lane, parallelCreates places earlier", async () => {
  const plan = await realPlan();
  const order = plan.model.services.map((s) => s.name);
  const byName = new Map(plan.steps.map((s) => [s.resource.name, s]));
  const turns = plan.steps.flatMap((s) =>
    s.after.flatMap((d) => {
      const dep = byName.get(d);
      return dep && waitsOnlyForTurn(s, dep, plan) ? [[serviceOf(s.resource, plan), serviceOf(dep.resource, plan)]] : [];
    }),
  );
  assert.ok(turns.length >= 10, `only ${turns.length} lane waits found`);
  for (const [svc = "", dep = ""] of turns) assert.equal(order.indexOf(svc) - order.indexOf(dep), plan.model.proxmox.parallelCreates, `${svc} after ${dep}`);
  // A container that uses what runs in another (an app in the infrastructure) waits for more than its turn.
  const n8n = byName.get("n8n-container") as Step;
  assert.equal(waitsOnlyForTurn(n8n, byName.get("postgres-container") as Step, plan), false);
});

test("the checks of a run look at exactly the services whose steps ran in it", async () => {
  const plan = await realPlan();
  for (const only of [["syncthing"], ["n8n"], ["n8n", "immich"], []]) {
    const selection = selectServices(plan, only);
    const subjects = checkSubjects(plan, selection.steps, allDone(selection.steps));
    assert.deepEqual(checkedServices(plan, subjects), selection.services, only.join(","));
    assert.deepEqual(subjects.rehearsed.map((s) => s.name), selection.services, only.join(","));
    const withDatabase = selection.services.filter((n) => plan.model.services.find((s) => s.name === n)?.database !== undefined);
    assert.deepEqual(subjects.dbApps.map((s) => s.name), withDatabase, only.join(","));
  }
  // As here, where downloads fail: a recipe that needs one leaves its service out of the service checks.
  const selection = selectServices(plan, ["syncthing"]);
  const outcomes = allDone(selection.steps);
  outcomes.set("traefik-provision", { kind: "needs", url: "https://github.com/traefik/traefik/releases/", ms: 0 });
  outcomes.set("syncthing-provision", { kind: "failed", error: "exit 1", ms: 0 });
  const subjects = checkSubjects(plan, selection.steps, outcomes);
  assert.deepEqual(subjects.rehearsed.map((s) => s.name), ["postgres", "cloudflared", "prometheus", "grafana"]);
  assert.deepEqual(subjects.dbApps, []);
  assert.ok(checkedServices(plan, subjects).every((n) => selection.services.includes(n)));
});

test("a service with only some of its steps in the run is not rehearsed, though each of them converged", async () => {
  const plan = await realPlan();
  const selection = selectServices(plan, ["syncthing"]);
  // What the old selection did: Immich's container came along in Syncthing's creation lane.
  const immich = plan.steps.find((s) => s.resource.name === "immich-container") as Step;
  const steps = [...selection.steps, immich];
  const outcomes = allDone(steps);
  assert.deepEqual(serviceState("immich", plan, steps, outcomes), { rehearsed: false, text: "not rehearsed: its steps immich-files, immich-secret-0, immich-provision were not selected" });
  assert.ok(!checkSubjects(plan, steps, outcomes).rehearsed.some((s) => s.name === "immich"));
  // A step without an outcome did not run: no service is rehearsed on it.
  outcomes.delete("syncthing-provision");
  assert.deepEqual(serviceState("syncthing", plan, steps, outcomes), { rehearsed: false, text: "not rehearsed: syncthing-provision did not run" });
});

test("the summary names the services of a partial run and, apart, those left out and why", async () => {
  const plan = await realPlan();
  const selection = selectServices(plan, ["syncthing"]);
  const outcomes = allDone(selection.steps);
  const hostSteps = plan.steps.filter((s) => serviceOf(s.resource, plan) === "host");
  const hostInRun = selection.steps.filter((s) => serviceOf(s.resource, plan) === "host");
  assert.deepEqual(serviceLines(plan, selection, outcomes), [
    "Services (--only syncthing, with what it needs: postgres, traefik, cloudflared, prometheus, grafana):",
    ...[...INFRASTRUCTURE, "syncthing"].map((s) => `  ${s.padEnd(14)} rehearsed`),
    `  ${"host".padEnd(14)} rehearsed (${hostInRun.length} of its ${hostSteps.length} steps: those the selected services need)`,
    "Rehearsed: postgres, traefik, cloudflared, prometheus, grafana, syncthing",
    "",
    "Left out (not selected, and no selected service depends on them; no step run, no check):",
    "  immich, nextcloud, n8n, vaultwarden, jellyfin, qbittorrent, sonarr, radarr, prowlarr, uptime-kuma",
    "  host steps none of the selected services needs, by component: nextcloud (1), vaultwarden (1), qbittorrent (1), firewall (22), pve (6), postgres (4), backup (18)",
  ]);
  assert.ok(hostInRun.length < hostSteps.length);
  // An app whose recipe stops at its image pull is not rehearsed, and the summary says what of it was checked.
  const n8n = selectServices(plan, ["n8n"]);
  const pulled = allDone(n8n.steps);
  pulled.set("n8n-provision", { kind: "needs", url: "https://docker.n8n.io/", ms: 0 });
  const n8nLines = serviceLines(plan, n8n, pulled, checkSubjects(plan, n8n.steps, pulled));
  assert.ok(n8nLines.includes(`  ${"n8n".padEnd(14)} not rehearsed: n8n-provision needs https://docker.n8n.io/`), n8nLines.join("\n"));
  assert.ok(n8nLines.includes("Rehearsed: postgres, traefik, cloudflared, prometheus, grafana"));
  const inPart = n8nLines.indexOf("Not rehearsed, checked in part:");
  assert.deepEqual(n8nLines.slice(inPart + 1, inPart + 3), [`  ${"n8n".padEnd(14)} its db.env on Postgres; its Compose file under Debian's Docker engine`, ""]);
  const full = selectServices(plan, []);
  const lines = serviceLines(plan, full, allDone(full.steps));
  assert.equal(lines[0], "Services:");
  assert.ok(!lines.some((l) => l.startsWith("Left out")));
});
