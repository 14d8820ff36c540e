import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { TRAEFIK_PATHS } from "../components/tunnel-ingress/traefik-paths";
import { runProgram } from "./harness";
import { pushedFiles } from "./shell-secrets";

/**
 * The systemd units the program pushes into its containers, read as systemd reads them: a daemon
 * comes back after a crash, and one that binds a privileged port as its own user holds the one
 * capability that allows it.
 */

interface Pushed {
  readonly resource: string;
  readonly path: string;
  readonly content: string;
}

async function pushed(): Promise<Pushed[]> {
  const { resources } = await runProgram();
  return resources
    .filter((r) => r.type === "command:remote:Command" && typeof r.inputs.stdin === "string" && !r.secretPaths.includes("stdin"))
    .flatMap((r) => pushedFiles({ label: r.name, text: String(r.inputs.stdin) }).map((f) => ({ resource: r.name, path: f.path, content: f.content })));
}

/** A unit's `Key=value` settings in its [Service] section (the last one wins, as systemd reads a plain setting). */
function serviceSettings(unit: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = "";
  for (const line of unit.split("\n")) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1] ?? "";
    const kv = /^(\w+)=(.*)$/.exec(line);
    if (section === "Service" && kv?.[1] !== undefined) settings.set(kv[1], [...(settings.get(kv[1]) ?? []), kv[2] ?? ""]);
  }
  return settings;
}

test("every daemon unit the program pushes restarts when it fails", async () => {
  const units = (await pushed()).filter((f) => /^\/etc\/systemd\/system\/[^/]+\.service$/.test(f.path));
  assert.ok(units.length >= 8, `only ${units.length} units pushed: ${units.map((u) => u.path).join(", ")}`);
  for (const u of units) {
    const s = serviceSettings(u.content);
    if (s.get("Type")?.at(-1) === "oneshot") continue;
    assert.match(s.get("Restart")?.at(-1) ?? "(none)", /^(on-failure|always)$/, `${u.resource} ${u.path}`);
  }
});

test("Traefik binds its privileged entry points as its own user through CAP_NET_BIND_SERVICE, and holds no other capability", async () => {
  const files = await pushed();
  const config = files.find((f) => f.path === TRAEFIK_PATHS.staticConfig);
  const unit = files.find((f) => f.path === "/etc/systemd/system/traefik.service");
  assert.ok(config && unit, "Traefik's static config and unit are pushed");
  const entryPoints = (parse(config.content) as { entryPoints: Record<string, { address: string }> }).entryPoints;
  const privileged = Object.values(entryPoints).map((e) => Number(e.address.split(":").pop())).filter((port) => port < 1024);
  assert.ok(privileged.length > 0, "Traefik listens on a port below 1024 (web)");
  const s = serviceSettings(unit.content);
  assert.notEqual(s.get("User")?.at(-1) ?? "root", "root", "Traefik does not run as root");
  assert.deepEqual(s.get("AmbientCapabilities"), ["CAP_NET_BIND_SERVICE"]);
  assert.deepEqual(s.get("CapabilityBoundingSet"), ["CAP_NET_BIND_SERVICE"]);
});
