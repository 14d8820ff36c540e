import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { RecordedResource } from "../src/mock-runtime";
import { byName, exampleConfig, runProgram, type RunResult } from "../test/harness";
import { policies } from "./policies";
import { runPolicies, type Violation } from "./test/policy-args";
import { T } from "./tokens";

/** The example homelab under mocks, run once for the tests that only read it. */
let exampleRun: Promise<RunResult> | undefined;
const example = async (): Promise<RecordedResource[]> => (await (exampleRun ??= runProgram())).resources;

/** A copy of the stack with one resource's inputs (or options) changed. */
function changed(resources: readonly RecordedResource[], name: string, change: (r: RecordedResource) => Partial<RecordedResource>): RecordedResource[] {
  byName(resources, name);
  return resources.map((r) => (r.name === name ? { ...r, ...change(r) } : r));
}

const without = (resources: readonly RecordedResource[], name: string): RecordedResource[] => {
  byName(resources, name);
  return resources.filter((r) => r.name !== name);
};

const messages = (violations: readonly Violation[], policy: string): string[] => violations.filter((v) => v.policy === policy).map((v) => v.message);

/** What one rule reports on a stack, sorted. */
const reportedBy = async (stack: readonly RecordedResource[], policy: string): Promise<string[]> => messages(await runPolicies(policies, stack), policy).sort();

test("the example homelab passes every rule of the pack", async () => {
  assert.deepEqual(await runPolicies(policies, await example()), []);
});

test("the pack has the five rules, each mandatory, with unique names", () => {
  assert.deepEqual(
    policies.map((p) => [p.name, p.enforcementLevel]),
    [
      ["containers-unprivileged-unless-justified", "mandatory"],
      ["stateful-datasets-backed-up", "mandatory"],
      ["hostnames-public-by-choice-or-behind-access", "mandatory"],
      ["data-resources-retained-or-protected", "mandatory"],
      ["containers-firewalled-inbound-drop", "mandatory"],
    ],
  );
});

test("the pack is a Node.js policy pack whose package pins the SDKs the program resolves", () => {
  const project = parse(readFileSync(join(__dirname, "PulumiPolicy.yaml"), "utf8")) as { runtime: unknown };
  assert.equal(project.runtime, "nodejs");
  const pack = JSON.parse(readFileSync(join(__dirname, "package.json"), "utf8")) as { version?: string; main?: string; dependencies?: Record<string, string> };
  const root = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { dependencies: Record<string, string> };
  assert.match(pack.version ?? "", /^\d+\.\d+\.\d+$/, "PolicyPack refuses to start without a version in package.json");
  assert.equal(pack.main, "index.ts");
  assert.deepEqual(pack.dependencies, { "@pulumi/policy": root.dependencies["@pulumi/policy"], "@pulumi/pulumi": root.dependencies["@pulumi/pulumi"] });
});

// --- containers-unprivileged-unless-justified

test("a privileged container with its reason in the description passes; without one, or with a short one, it is reported", async () => {
  const config = exampleConfig();
  const services = config["homelab:services"] as Record<string, Record<string, unknown>>;
  services.syncthing = { ...services.syncthing, unprivileged: false, privilegedReason: "syncs files owned by host users with their real ids" };
  const justified = (await runProgram(config)).resources;
  assert.equal(byName(justified, "syncthing-container").inputs.unprivileged, false);
  assert.deepEqual(messages(await runPolicies(policies, justified), "containers-unprivileged-unless-justified"), []);

  const noReason = changed(await example(), "jellyfin-container", (r) => ({ inputs: { ...r.inputs, unprivileged: false } }));
  assert.deepEqual(messages(await runPolicies(policies, noReason), "containers-unprivileged-unless-justified"), [
    "container jellyfin-container is privileged (unprivileged: false) and its description gives no 'Privileged because: <reason>' line",
  ]);

  const shortReason = changed(await example(), "jellyfin-container", (r) => ({
    inputs: { ...r.inputs, unprivileged: false, description: "Jellyfin media server\nPrivileged because: gpu\nManaged by homelab-as-code." },
  }));
  assert.deepEqual(messages(await runPolicies(policies, shortReason), "containers-unprivileged-unless-justified"), [
    "container jellyfin-container is privileged (unprivileged: false) and its reason 'gpu' is shorter than 10 characters",
  ]);

  const unset = changed(await example(), "grafana-container", (r) => {
    const { unprivileged: _dropped, ...inputs } = r.inputs;
    return { inputs };
  });
  assert.deepEqual(messages(await runPolicies(policies, unset), "containers-unprivileged-unless-justified"), [
    "container grafana-container is privileged (unprivileged is unset, and the provider defaults to privileged) and its description gives no 'Privileged because: <reason>' line",
  ]);
});

// --- stateful-datasets-backed-up

test("a state dataset the stack file opts out of backup is reported", async () => {
  const config = exampleConfig();
  const services = config["homelab:services"] as Record<string, Record<string, unknown>>;
  services.n8n = { ...services.n8n, datasets: { data: { tier: "nvme", path: "/data/n8n", quotaGiB: 10, content: "state", backup: false } } };
  const { resources } = await runProgram(config);
  assert.match(String(byName(resources, "storage-n8n-data").inputs.create), /^# dataset n8n-data: content=state backup=no\n/);
  const violations = await runPolicies(policies, resources);
  assert.deepEqual(messages(violations, "stateful-datasets-backed-up"), ["dataset n8n-data (content=state) is not in restic's backup job; the stack file sets backup: false for it"]);
  assert.deepEqual(violations.map((v) => v.name), ["storage-n8n-data"], "the violation names the dataset's resource");
});

test("with backup disabled in the stack file, every stateful dataset is reported, the database too", async () => {
  const config = exampleConfig();
  config["homelab:backup"] = { ...(config["homelab:backup"] as Record<string, unknown>), enabled: false };
  const { resources } = await runProgram(config);
  assert.equal(resources.some((r) => r.type === T.resticBackup), false, "no ResticBackup is built");
  const reported = messages(await runPolicies(policies, resources), "stateful-datasets-backed-up");
  const stateful = resources
    .filter((r) => r.type === T.command && r.parentUrn?.includes(T.tieredStorage))
    .map((r) => /^# dataset (\S+): content=(\S+) /.exec(String(r.inputs.create)))
    .filter((m): m is RegExpExecArray => m !== null && ["state", "photos", "documents", "database"].includes(m[2] ?? ""));
  assert.ok(stateful.some((m) => m[2] === "database") && stateful.length > 10, "the example has stateful datasets and a database");
  assert.deepEqual(
    reported.sort(),
    stateful.map((m) => `dataset ${m[1]} (content=${m[2]}) is not backed up: the stack has no restic backup job (backup is disabled in the stack file)`).sort(),
  );
});

test("a dataset dropped from the backup script, a missing Postgres dump, or a dataset that hides its content is reported", async () => {
  const script = (r: RecordedResource): string => String(r.inputs.stdin);
  const noPhotos = changed(await example(), "backup-script-backup", (r) => ({ inputs: { ...r.inputs, stdin: script(r).replace(/^backup_dataset immich-library .*\n/m, "") } }));
  assert.deepEqual(messages(await runPolicies(policies, noPhotos), "stateful-datasets-backed-up"), ["dataset immich-library (content=photos) is not in restic's backup job"]);

  const noDump = changed(await example(), "backup-script-backup", (r) => ({ inputs: { ...r.inputs, stdin: script(r).replace(/^backup_postgres .*\n/m, "") } }));
  assert.deepEqual(messages(await runPolicies(policies, noDump), "stateful-datasets-backed-up"), ["dataset postgres-data (content=database) is not backed up: restic's backup job has no backup_postgres dump"]);

  const elsewhere = changed(await example(), "backup-script-backup", (r) => ({
    inputs: { ...r.inputs, stdin: script(r).replace(/^backup_dataset vaultwarden-data \S+/m, "backup_dataset vaultwarden-data /tmp/elsewhere") },
  }));
  assert.deepEqual(messages(await runPolicies(policies, elsewhere), "stateful-datasets-backed-up"), [
    "dataset vaultwarden-data (content=state) lives in /mnt/nvme/apps/vaultwarden/data but restic's backup job backs up /tmp/elsewhere under its name",
  ]);

  const silent = changed(await example(), "storage-n8n-data", (r) => ({ inputs: { ...r.inputs, create: String(r.inputs.create).replace(/^# dataset .*\n/, "") } }));
  assert.deepEqual(messages(await runPolicies(policies, silent), "stateful-datasets-backed-up"), [
    "dataset directory storage-n8n-data does not declare its content (no '# dataset <name>: content=<content> backup=<yes|no>' line)",
  ]);
});

// --- hostnames-public-by-choice-or-behind-access

test("a protected hostname whose Access application is missing is reported", async () => {
  const unguarded = without(await example(), "ingress-access-grafana");
  assert.deepEqual(messages(await runPolicies(policies, unguarded), "hostnames-public-by-choice-or-behind-access"), [
    "hostname grafana.harmeetrai.com is declared exposure=protected but no Cloudflare Access application guards it",
  ]);
});

test("a DNS record that does not state its exposure passes only behind Access", async () => {
  const plain = (r: RecordedResource) => ({ inputs: { ...r.inputs, comment: "managed by homelab-as-code" } });
  // Vaultwarden is public by choice; without the statement it is just unguarded.
  const publicUnstated = changed(await example(), "ingress-dns-vault", plain);
  assert.deepEqual(messages(await runPolicies(policies, publicUnstated), "hostnames-public-by-choice-or-behind-access"), [
    "hostname vault.harmeetrai.com is neither declared public (no 'exposure=public' in its DNS record's comment) nor behind a Cloudflare Access application",
  ]);
  const guardedUnstated = changed(await example(), "ingress-dns-grafana", plain);
  assert.deepEqual(messages(await runPolicies(policies, guardedUnstated), "hostnames-public-by-choice-or-behind-access"), []);
});

test("a tunnel route without a DNS record is reported", async () => {
  const noRecord = without(await example(), "ingress-dns-photos");
  assert.deepEqual(messages(await runPolicies(policies, noRecord), "hostnames-public-by-choice-or-behind-access"), [
    "tunnel route photos.harmeetrai.com has no DNS record in this stack, so nothing states whether it is public or guarded",
  ]);
});

test("a route the stack file makes public passes without an Access application", async () => {
  const config = exampleConfig();
  const services = config["homelab:services"] as Record<string, Record<string, unknown>>;
  services.n8n = { ...services.n8n, web: { exposure: "public" } };
  const { resources } = await runProgram(config);
  assert.equal(resources.some((r) => r.name === "ingress-access-n8n"), false);
  assert.equal(byName(resources, "ingress-dns-n8n").inputs.comment, "managed by homelab-as-code; exposure=public");
  assert.deepEqual(await runPolicies(policies, resources), []);
});

// --- data-resources-retained-or-protected

test("an unprotected bucket, database, role or dataset directory is reported", async () => {
  let stack = await example();
  for (const name of ["backup-bucket", "backup-key", "postgres-n8n-database", "postgres-n8n-role", "storage-immich-library"]) {
    stack = changed(stack, name, () => ({ protect: false }));
  }
  assert.deepEqual(await reportedBy(stack, "data-resources-retained-or-protected"), [
    "B2 bucket backup-bucket is neither protected nor retained on delete, so pulumi destroy would delete its data",
    "B2 application key backup-key is neither protected nor retained on delete, so pulumi destroy would delete its data",
    "Postgres database postgres-n8n-database is neither protected nor retained on delete, so pulumi destroy would delete its data",
    "Postgres role postgres-n8n-role is neither protected nor retained on delete, so pulumi destroy would delete its data",
    "dataset directory storage-immich-library is neither protected nor retained on delete, so pulumi destroy would delete its data",
  ].sort());
});

test("a stack with allowDataLoss passes only when the policy's allowDataLoss config says so", async () => {
  const config = exampleConfig();
  config["homelab:allowDataLoss"] = true;
  const { resources } = await runProgram(config);
  const dataTypes: string[] = [T.pgDatabase, T.pgRole, T.b2Bucket, T.b2ApplicationKey];
  const data = resources.filter((r) => dataTypes.includes(r.type) || (r.type === T.command && r.parentUrn?.includes(T.tieredStorage)));
  const isDir = (r: (typeof data)[number]): boolean => r.type === T.command;
  assert.ok(data.every((r) => !r.protect && r.retainOnDelete === isDir(r)), "allowDataLoss drops protect; only dataset directories stay retained");
  const reported = (await runPolicies(policies, resources)).filter((v) => v.policy === "data-resources-retained-or-protected");
  assert.deepEqual(reported.map((v) => v.name).sort(), data.map((r) => r.name).sort(), "the policy cannot see retainOnDelete");
  const allowDataLoss = JSON.parse(readFileSync(join(__dirname, "allow-data-loss.json"), "utf8")) as Record<string, Record<string, unknown>>;
  assert.deepEqual(await runPolicies(policies, resources, allowDataLoss), [], "the shipped --policy-pack-config file accepts it");
});

// --- containers-firewalled-inbound-drop

test("a container without a DROP policy, with its NIC firewall off, or a rule accepting from anywhere is reported", async () => {
  let stack = await example();
  stack = changed(stack, "firewall-n8n-options", (r) => ({ inputs: { ...r.inputs, inputPolicy: "ACCEPT" } }));
  stack = without(stack, "firewall-sonarr-options");
  stack = changed(stack, "jellyfin-container", (r) => ({ inputs: { ...r.inputs, networkInterfaces: [{ name: "eth0", bridge: "vmbr0", firewall: false }] } }));
  stack = changed(stack, "firewall-postgres-rules", (r) => ({ inputs: { ...r.inputs, rules: [{ type: "in", action: "ACCEPT", proto: "tcp", dport: "5432" }] } }));
  assert.deepEqual(await reportedBy(stack, "containers-firewalled-inbound-drop"), [
    "container jellyfin-container has a network interface without firewall: true",
    "container n8n-container has firewall options with enabled=true and inputPolicy=ACCEPT; inbound must be DROP by default",
    "container sonarr-container (vmId 126) has no firewall options, so its inbound policy is not stated",
    'firewall rules firewall-postgres-rules accept {"type":"in","action":"ACCEPT","proto":"tcp","dport":"5432"} from any source',
  ].sort());
});
