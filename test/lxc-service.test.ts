import assert from "node:assert/strict";
import { test } from "node:test";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LxcService } from "../components/lxc-service";
import { ensureRunningCommand, execStdinCommand, secretFileCommand } from "../components/lxc-service/push-files";
import { appRecipes } from "../components/lxc-service/recipes";
import { CreationLanes } from "../components/shared/lanes";
import type { ContainerPlatform } from "../components/shared/platform";
import { catalog, type Service } from "../config";
import { renderPveExporterUnit } from "../components/monitoring-stack/pve-exporter";
import { renderCloudflaredUnit } from "../components/tunnel-ingress/cloudflared-unit";
import { renderTraefikUnit } from "../components/tunnel-ingress/traefik-unit";
import { installMocks, runStack, type RecordedResource } from "../src/mock-runtime";
import { byName, dependencyNames, exampleConfig, modelOf, ofType, PLACEHOLDER_MARK, runProgram } from "./harness";
import { requireTool, run } from "./tools";

const CONTAINER = "proxmoxve:index/containerLegacy:ContainerLegacy";
const COMMAND = "command:remote:Command";

const containersOf = (resources: readonly RecordedResource[]): RecordedResource[] => ofType(resources, CONTAINER);

test("each service gets exactly one container with the inputs its model entry asks for", async () => {
  const model = modelOf();
  const { resources } = await runProgram();
  const containers = containersOf(resources);
  assert.equal(containers.length, model.services.length);
  assert.ok(model.services.length >= 15);
  for (const s of model.services) {
    const c = byName(resources, `${s.name}-container`);
    const template = model.proxmox.templates[s.template];
    assert.deepEqual(c.inputs, {
      nodeName: "pve",
      vmId: s.vmId,
      description: `${s.description}\nManaged by homelab-as-code (homelab:services.${s.name}).`,
      unprivileged: true,
      cpu: { cores: s.cores },
      memory: { dedicated: s.memoryMiB, swap: 512 },
      disk: { datastoreId: "local-lvm", size: s.diskGiB },
      operatingSystem: { templateFileId: `pve-template-${s.template}-id`, type: template?.osType },
      initialization: {
        hostname: s.name,
        ipConfigs: [{ ipv4: { address: `${s.ip}/24`, gateway: "192.168.1.1" } }],
        dns: { domain: "harmeetrai.com", servers: ["192.168.1.1", "1.1.1.1"] },
        userAccount: { keys: model.proxmox.sshPublicKeys },
      },
      networkInterfaces: [{ name: "eth0", bridge: "vmbr0", firewall: true }],
      mountPoints: s.mounts.map((m) => ({ volume: m.hostPath, path: m.path, readOnly: m.readOnly, backup: false })),
      ...(s.features.nesting || s.features.keyctl ? { features: { nesting: true, ...(s.features.keyctl ? { keyctl: true } : {}) } } : {}),
      devicePassthroughs: s.devices.map((d) => ({ path: d.path, gid: d.gid, mode: "0660" })),
      startOnBoot: true,
      started: true,
      waitForIp: { ipv4: true },
      startup: { order: s.startupOrder, upDelay: s.role === "postgres" ? 15 : 0 },
      tags: [...new Set(["homelab", s.role, ...s.tags])].sort(),
      protection: false,
    });
    // Replacing a container must free its fixed vmId first.
    assert.equal(c.deleteBeforeReplace, true, s.name);
    assert.equal(c.protect, false, `${s.name}: containers are cattle`);
  }
  // Concrete spot checks of values the model derives.
  const jellyfin = byName(resources, "jellyfin-container");
  assert.deepEqual(jellyfin.inputs.devicePassthroughs, [{ path: "/dev/dri/renderD128", gid: 993, mode: "0660" }]);
  assert.deepEqual(jellyfin.inputs.mountPoints, [
    { volume: "/mnt/nvme/apps/jellyfin/config", path: "/var/lib/jellyfin", readOnly: false, backup: false },
    { volume: "/mnt/nvme/apps/jellyfin/cache", path: "/var/cache/jellyfin", readOnly: false, backup: false },
    { volume: "/mnt/raid/media", path: "/media", readOnly: true, backup: false },
  ]);
  assert.equal(byName(resources, "postgres-container").inputs.startup && (byName(resources, "postgres-container").inputs.startup as { order: number }).order, 10);
});

test("containers are unprivileged unless the service states why; Docker apps get nesting and keyctl, sandboxed units nesting only", async () => {
  const config = exampleConfig();
  const services = config["homelab:services"] as Record<string, Record<string, unknown>>;
  services.syncthing = { ...services.syncthing, unprivileged: false, privilegedReason: "needs to sync host-owned files with their real uids" };
  const { resources } = await runProgram(config);
  for (const c of containersOf(resources)) {
    const name = c.name.replace(/-container$/, "");
    assert.equal(c.inputs.unprivileged, name !== "syncthing", name);
    const compose = catalog[name]?.install.method === "compose";
    // Units with systemd sandboxing need nesting under Proxmox's AppArmor (226/NAMESPACE otherwise).
    const sandboxed = ["prometheus", "grafana"].includes(name);
    assert.deepEqual(c.inputs.features, compose ? { nesting: true, keyctl: true } : sandboxed ? { nesting: true } : undefined, name);
    // The stated reason travels in the description, where the policy pack can see it.
    const reasonLines = String(c.inputs.description).split("\n").filter((l) => l.startsWith("Privileged because: "));
    assert.deepEqual(reasonLines, name === "syncthing" ? ["Privileged because: needs to sync host-owned files with their real uids"] : [], name);
  }
});

/** Minimum number of chains (along direct dependency edges) that cover the DAG: n - maximum matching. */
function minimumChainCover(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>): number {
  const matchedTo = new Map<string, string>();
  const augment = (node: string, seen: Set<string>): boolean => {
    for (const dep of edges.get(node) ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      const owner = matchedTo.get(dep);
      if (owner === undefined || augment(owner, seen)) {
        matchedTo.set(dep, node);
        return true;
      }
    }
    return false;
  };
  let matching = 0;
  for (const n of nodes) if (augment(n, new Set())) matching++;
  return nodes.length - matching;
}

for (const parallelCreates of [1, 2, 3]) {
  test(`containers are created in at most ${parallelCreates} lane(s), each a chain of direct dependencies`, async () => {
    const config = exampleConfig();
    (config["homelab:proxmox"] as Record<string, unknown>).parallelCreates = parallelCreates;
    const { resources } = await runProgram(config);
    const containers = containersOf(resources);
    const names = new Set(containers.map((c) => c.name));
    const edges = new Map(containers.map((c) => [c.name, dependencyNames(c).filter((d) => names.has(d))]));
    const roots = containers.filter((c) => (edges.get(c.name) ?? []).length === 0);
    assert.ok(roots.length >= 1 && roots.length <= parallelCreates, `${roots.length} containers start at once`);
    // Covering every container with at most N chains means no N+1 containers can be created at once.
    assert.ok(minimumChainCover([...names], edges) <= parallelCreates);
  });
}

/** Every resource a resource waits for, directly or through others. */
function waitsFor(resources: readonly RecordedResource[]): (r: RecordedResource) => Set<string> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, Set<string>>();
  const closure = (r: RecordedResource): Set<string> => {
    const known = memo.get(r.urn);
    if (known) return known;
    const all = new Set<string>();
    memo.set(r.urn, all);
    for (const d of r.dependencies) {
      all.add(d);
      const dep = byUrn.get(d);
      if (dep) for (const x of closure(dep)) all.add(x);
    }
    return all;
  };
  return closure;
}

/** The resource and everything registered below it. */
function descendants(resources: readonly RecordedResource[], root: RecordedResource): RecordedResource[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...resources.filter((r) => r.parentUrn === out[i]?.urn));
  return out;
}

for (const parallelCreates of [1, 2, 3]) {
  test(`with ${parallelCreates} lane(s) the infrastructure is provisioned before any app container, and no infrastructure waits for an app`, async () => {
    const model = modelOf();
    const config = exampleConfig();
    (config["homelab:proxmox"] as Record<string, unknown>).parallelCreates = parallelCreates;
    const { resources } = await runProgram(config);
    const closure = waitsFor(resources);
    const infraNames = model.services.filter((x) => x.role !== "app").map((x) => x.name);
    assert.deepEqual([...infraNames].sort(), ["cloudflared", "grafana", "postgres", "prometheus", "traefik"]);
    for (const app of model.services.filter((x) => x.role === "app")) {
      const waits = closure(byName(resources, `${app.name}-container`));
      for (const infra of infraNames) {
        assert.ok(waits.has(byName(resources, `${infra}-container`).urn), `${app.name} is created after the ${infra} container`);
        assert.ok(waits.has(byName(resources, `${infra}-provision`).urn), `${app.name} is created after ${infra} is provisioned`);
      }
    }
    const appUrns = new Set(
      resources
        .filter((r) => r.type === "homelab:index:LxcService" && model.services.some((x) => x.role === "app" && x.name === r.name))
        .flatMap((r) => descendants(resources, r).map((d) => d.urn)),
    );
    const infraComponents = resources.filter((r) => ["homelab:index:SharedPostgres", "homelab:index:TunnelIngress", "homelab:index:MonitoringStack"].includes(r.type));
    assert.equal(infraComponents.length, 3);
    for (const r of infraComponents.flatMap((c) => descendants(resources, c))) {
      const onApps = [...closure(r)].filter((u) => appUrns.has(u));
      assert.deepEqual(onApps, [], `${r.name} waits for an app, so a failed app would hold it back`);
    }
  });
}

test("the lanes refuse infrastructure declared after an app, so no app can hold the infrastructure back", () => {
  const lanes = new CreationLanes(2);
  lanes.take("infra", "postgres");
  lanes.take("app", "immich");
  assert.throws(() => lanes.take("infra", "traefik"), /infrastructure container traefik was declared after an app/);
});

test("every provisioning step depends on its own container, and the recipe runs after the files", async () => {
  const model = modelOf();
  const { resources } = await runProgram();
  for (const s of model.services.filter((x) => x.role === "app")) {
    const files = byName(resources, `${s.name}-files`);
    const provision = byName(resources, `${s.name}-provision`);
    assert.ok(dependencyNames(files).includes(`${s.name}-container`), s.name);
    assert.ok(dependencyNames(provision).includes(`${s.name}-files`), s.name);
    assert.equal(files.inputs.create, `${ensureRunningCommand(s.vmId)} && pct exec ${s.vmId} -- bash -s`);
    assert.equal(provision.inputs.create, `${ensureRunningCommand(s.vmId)} && pct exec ${s.vmId} -- bash -s`);
    assert.match(String(provision.inputs.stdin), /^#!\/bin\/bash\nset -Eeuo pipefail\n/);
  }
});

test("every provisioning command of every service is replaced with its own container (replaceWith), so a rebuilt container is provisioned again", async () => {
  const model = modelOf();
  const { resources } = await runProgram();
  const containerUrn = new Map(containersOf(resources).map((c) => [c.name, c.urn]));
  let checked = 0;
  for (const s of model.services) {
    const lxc = resources.find((r) => r.type === "homelab:index:LxcService" && r.name === s.name);
    assert.ok(lxc, s.name);
    const steps = resources.filter((r) => r.parentUrn === lxc.urn && r.type === COMMAND);
    assert.ok(steps.some((r) => r.name === `${s.name}-files`) && steps.some((r) => r.name === `${s.name}-provision`), s.name);
    for (const step of steps) {
      assert.deepEqual(step.replaceWith, [containerUrn.get(`${s.name}-container`)], `${step.name} follows its container`);
      // No hand-kept hash of the container's inputs is left in the triggers.
      assert.ok(!(step.inputs.triggers as unknown[]).some((t) => t === undefined), step.name);
      checked++;
    }
  }
  // Files and recipe for every service, plus the secret files of those that have one.
  assert.ok(checked >= 2 * model.services.length + 10, `only ${checked} provisioning commands`);
  // Every command that runs inside a container follows that container (the VectorChord and pve-exporter
  // steps too); host commands follow none.
  const byVmId = new Map(containersOf(resources).map((c) => [Number(c.inputs.vmId), c.urn]));
  for (const r of resources.filter((x) => x.type === COMMAND)) {
    const inside = /pct exec (\d+) --/.exec(String(r.inputs.create));
    assert.deepEqual(r.replaceWith, inside ? [byVmId.get(Number(inside[1]))] : [], r.name);
  }
});

test("every pct exec on the host first starts its container when it is not running", async () => {
  const { resources } = await runProgram();
  let execs = 0;
  for (const r of ofType(resources, COMMAND)) {
    for (const key of ["create", "update", "delete"]) {
      const text = r.inputs[key];
      if (typeof text !== "string") continue;
      for (const m of text.matchAll(/pct exec (\d+) /g)) {
        const vmId = Number(m[1]);
        assert.ok(text.slice(0, m.index).endsWith(`${ensureRunningCommand(vmId)} && `), `${r.name}.${key} runs pct exec ${vmId} without starting it first`);
        execs++;
      }
    }
  }
  assert.ok(execs >= 40, `only ${execs} pct exec commands`);
});

test("a stopped container is started before pct exec, a running one is left alone, and one that will not start fails with a clear message", (t) => {
  const bash = requireTool(t, "bash", "bash");
  const shellcheck = requireTool(t, "shellcheck", "shellcheck");
  if (!bash || !shellcheck) return;
  const dir = mkdtempSync(join(tmpdir(), "homelab-pct-"));
  try {
    // A pct double with the subcommands the program uses: status, start, exec; it logs each call.
    writeFileSync(`${dir}/pct`, `#!/bin/bash
echo "$*" >> "$PCT_LOG"
case "$1" in
  status) echo "status: $(cat "$PCT_STATE")" ;;
  start) if [ "$PCT_START_FAILS" = yes ]; then echo "startup for container '$2' failed" >&2; exit 255; fi; echo running > "$PCT_STATE" ;;
  exec) [ "$(cat "$PCT_STATE")" = running ] || { echo "CT $2 not running" >&2; exit 255; }; shift 3; exec "$@" ;;
  *) echo "unexpected pct $1" >&2; exit 2 ;;
esac
`, { mode: 0o755 });
    const command = execStdinCommand(120);
    const checked = (text: string, ...exclude: string[]) => run(shellcheck, ["-s", "bash", ...exclude.map((e) => `--exclude=${e}`), "-"], { input: `#!/bin/bash\n${text}\n` });
    assert.equal(checked(command).status, 0, checked(command).stdout);
    // The secret file's script is single-quoted on purpose: it expands in the container's sh, not on the host.
    const secretCommand = secretFileCommand(120, "/etc/app/secret.env", "0600", "root:root");
    assert.equal(checked(secretCommand, "SC2016").status, 0, checked(secretCommand, "SC2016").stdout);
    const attempt = (state: string, startFails = false) => {
      writeFileSync(`${dir}/state`, state);
      writeFileSync(`${dir}/log`, "");
      const env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ""}`, PCT_LOG: `${dir}/log`, PCT_STATE: `${dir}/state`, PCT_START_FAILS: startFails ? "yes" : "no" };
      const result = run(bash, ["-c", command], { input: "echo provisioned\n", env });
      return { ...result, calls: readFileSync(`${dir}/log`, "utf8").trim().split("\n") };
    };
    const stopped = attempt("stopped");
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.equal(stopped.stdout, "provisioned\n");
    assert.deepEqual(stopped.calls, ["status 120", "start 120", "exec 120 -- bash -s"]);
    const running = attempt("running");
    assert.equal(running.status, 0, running.stderr);
    assert.deepEqual(running.calls, ["status 120", "exec 120 -- bash -s"]);
    const broken = attempt("stopped", true);
    assert.notEqual(broken.status, 0);
    assert.match(broken.stderr, /container 120 is not running and pct start 120 failed/);
    assert.deepEqual(broken.calls, ["status 120", "start 120"], "nothing is executed in a container that is not running");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("every catalog app with role app has a recipe, and every service is provisioned by a recipe", async () => {
  const apps = Object.entries(catalog).filter(([, spec]) => (spec.role ?? "app") === "app").map(([name]) => name).sort();
  assert.deepEqual(Object.keys(appRecipes).sort(), apps);
  const { resources } = await runProgram();
  const provisioned = ofType(resources, COMMAND).filter((r) => r.name.endsWith("-provision")).map((r) => r.name.replace(/-provision$/, "")).sort();
  // App recipes come from the catalog; infrastructure components hand over their own.
  assert.deepEqual(provisioned, modelOf().services.map((s) => s.name).sort());
});

test("a recipe runs again when its content changes, not on a change the container applies in place", async () => {
  const triggersOf = async (mutate: (config: Record<string, unknown>) => void): Promise<unknown[]> => {
    const config = exampleConfig();
    mutate(config);
    const { resources } = await runProgram(config);
    return byName(resources, "n8n-provision").inputs.triggers as unknown[];
  };
  const services = (c: Record<string, unknown>): Record<string, Record<string, unknown>> => c["homelab:services"] as Record<string, Record<string, unknown>>;
  const base = await triggersOf(() => undefined);
  assert.deepEqual(await triggersOf(() => undefined), base, "same config, same triggers");
  assert.deepEqual(await triggersOf((c) => void (services(c).n8n = { ...services(c).n8n, memoryMiB: 2048 })), base, "a memory change re-runs nothing");
  const newVersion = await triggersOf((c) => void (services(c).n8n = { ...services(c).n8n, install: { method: "compose", version: "1.98.0" } }));
  assert.notDeepEqual(newVersion[0], base[0], "a new image tag re-runs the recipe");
});

/** Runs one LxcService on its own with a secret file, as SharedPostgres hands it the db env file. */
async function runWithSecretFile(secretValue: string): Promise<RecordedResource[]> {
  const model = modelOf();
  const service = model.services.find((s) => s.name === "vaultwarden");
  assert.ok(service);
  const session = installMocks();
  await runStack(() => {
    const platform: ContainerPlatform = {
      domain: model.domain,
      network: model.network,
      proxmox: model.proxmox,
      templateIds: { "debian-12": "local:vztmpl/debian-12.tar.zst" },
      connection: { host: "192.168.1.10", port: 22, user: "root", privateKey: pulumi.secret("ssh-private-key-value") },
      lanes: new CreationLanes(2),
      provider: new proxmoxve.Provider("proxmox", { endpoint: model.proxmox.endpoint }),
      allowDataLoss: false,
    };
    new LxcService("vaultwarden", {
      service,
      platform,
      files: [
        { path: "/etc/homelab/db.env", content: pulumi.secret(`PGHOST=192.168.1.110\nPGPASSWORD=${secretValue}\n`), secret: true },
        { path: "/etc/homelab/note.txt", content: "plain note" },
      ],
    });
    return {};
  });
  return session.resources;
}

/** Every input value outside the paths that arrived marked secret. */
function plainValues(r: RecordedResource): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (r.secretPaths.includes(path)) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, path ? `${path}.${i}` : String(i)));
    else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    else out.push(String(v));
  };
  walk(r.inputs, "");
  return out;
}

test("a secret file reaches the container only on stdin, marked secret, with logging off", async () => {
  const secretValue = "s3cret-Pa$$word-'quoted'";
  const resources = await runWithSecretFile(secretValue);
  const push = byName(resources, "vaultwarden-secret-0");
  assert.equal(push.inputs.stdin, `PGHOST=192.168.1.110\nPGPASSWORD=${secretValue}\n`);
  assert.ok(push.secretPaths.includes("stdin"));
  assert.equal(push.inputs.logging, "none");
  assert.ok(["stdout", "stderr"].every((k) => push.additionalSecretOutputs.includes(k)));
  assert.match(String(push.inputs.create), /^\{ pct status 123 .*\} && pct exec 123 -- sh -c '.*umask 077.*cmp -s "\$tmp" "\$path".*chmod 0600 "\$path".*'$/);
  assert.ok(dependencyNames(push).includes("vaultwarden-files"));
  // The secret is a trigger, but one that stays secret.
  const triggers = push.inputs.triggers as unknown[];
  const secretTrigger = triggers.findIndex((t) => typeof t === "string" && t.includes(secretValue));
  assert.ok(secretTrigger >= 0);
  assert.ok(push.secretPaths.includes("triggers") || push.secretPaths.includes(`triggers.${secretTrigger}`));

  const provision = byName(resources, "vaultwarden-provision");
  assert.equal(provision.inputs.logging, "none", "a recipe that reads a secret file logs nothing");
  assert.ok(dependencyNames(provision).includes("vaultwarden-secret-0"));
  // A new password re-runs the recipe (so the app picks it up) without the password leaving the secret.
  assert.ok((provision.inputs.triggers as unknown[]).some((t) => typeof t === "string" && t.includes(secretValue)));
  assert.ok(provision.secretPaths.some((p) => p === "triggers" || p.startsWith("triggers.")));
  // Plain files travel in the plain push script, secret ones never do.
  const files = byName(resources, "vaultwarden-files");
  assert.match(String(files.inputs.stdin), new RegExp(Buffer.from("plain note").toString("base64")));
  for (const r of resources) {
    for (const value of plainValues(r)) {
      assert.ok(!value.includes(secretValue), `${r.name} has the secret in a plain input`);
      assert.ok(!value.includes("ssh-private-key-value"), `${r.name} has the SSH key in a plain input`);
    }
  }
});

test("no placeholder secret of the example stack appears in any plain input", async () => {
  const { resources } = await runProgram();
  for (const r of resources) {
    for (const value of plainValues(r)) assert.ok(!value.includes(PLACEHOLDER_MARK), `${r.name}: ${value.slice(0, 80)}`);
  }
});

test("every unit the program renders with systemd sandboxing runs in a container with nesting", () => {
  const model = modelOf();
  const sandboxing = /^(Protect\w+|Private\w+|Restrict\w+)=/m;
  const units: [string, string][] = [
    ["traefik", renderTraefikUnit(model.services.find((s) => s.name === "traefik")?.user as Service["user"])],
    ["cloudflared", renderCloudflaredUnit(model.services.find((s) => s.name === "cloudflared")?.user as Service["user"], 2000)],
    ["prometheus", renderPveExporterUnit()],
  ];
  for (const [service, unit] of units) {
    if (sandboxing.test(unit)) assert.equal(model.services.find((s) => s.name === service)?.features.nesting, true, `${service} has nesting`);
  }
  assert.match(renderPveExporterUnit(), sandboxing, "the pve exporter's unit is sandboxed");
});
