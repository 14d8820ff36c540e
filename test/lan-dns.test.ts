import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { promises as dns } from "node:dns";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { lanDnsRecords, renderLanDns } from "../components/tunnel-ingress/lan-dns";
import { ingressReport } from "../components/tunnel-ingress/report";
import type { LanDnsFormat } from "../config/schema";
import { exampleConfig, modelOf, runProgram } from "./harness";
import { requireTool, run } from "./tools";

const lanRoutes = (model: ReturnType<typeof modelOf>) => model.services.flatMap((s) => s.routes.filter((r) => r.exposure === "lan").map((r) => ({ s, r })));

test("every lan hostname, and only those, gets a record pointing at Traefik", () => {
  const model = modelOf();
  const traefik = model.services.find((s) => s.name === model.ingress?.traefikService);
  assert.ok(traefik);
  const lan = lanRoutes(model).map(({ r }) => r.fqdn).sort();
  assert.ok(lan.length > 0, "the example stack has lan routes");
  const records = lanDnsRecords(model);
  assert.deepEqual(records.map((r) => r.fqdn), lan);
  for (const r of records) assert.equal(r.ip, traefik.ip, r.fqdn);
});

test("without the tunnel's Traefik a lan hostname points at its own container", () => {
  const example = modelOf();
  assert.ok(example.ingress);
  const model = { ...example, ingress: { ...example.ingress, enabled: false } };
  const records = lanDnsRecords(model);
  const expected = lanRoutes(model).map(({ s, r }) => ({ fqdn: r.fqdn, ip: s.ip })).sort((a, b) => (a.fqdn < b.fqdn ? -1 : 1));
  assert.deepEqual(records, expected);
  assert.ok(records.some((r) => r.ip !== records[0]?.ip), "records point at different containers");
});

test("the plan prints the records as lines of the configured format, and the stack output holds the same text", async () => {
  const config = exampleConfig();
  (config["homelab:ingress"] as Record<string, unknown>).lanDns = { format: "dnsmasq" };
  const model = modelOf(config);
  const section = ingressReport(model).find((s) => s.title === "LAN DNS records");
  assert.ok(section, "the plan has a LAN DNS section");
  const lines = renderLanDns(lanDnsRecords(model), "dnsmasq").trimEnd().split("\n");
  assert.deepEqual(section.lines.slice(1), lines);
  for (const line of lines) assert.match(line, /^host-record=[a-z0-9.-]+,\d+\.\d+\.\d+\.\d+$/);
  const { outputs } = await runProgram(config);
  assert.equal(outputs.lanDns, `${lines.join("\n")}\n`);
});

/** A free UDP port on the loopback address, for a resolver under test. */
async function freePort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Starts dnsmasq on loopback with only the given options, resolves each name through it, stops it. */
async function resolveThroughDnsmasq(t: TestContext, dnsmasq: string, options: readonly string[], names: readonly string[]): Promise<Record<string, string[]>> {
  const port = await freePort();
  // Run as this user: dnsmasq started by root otherwise drops to nobody, who cannot read the private temp dir.
  const child = spawn(dnsmasq, ["--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=127.0.0.1", `--port=${port}`, "--pid-file=", "--log-facility=-", `--user=${userInfo().username}`, ...options], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  t.after(() => void child.kill());
  const resolver = new dns.Resolver({ timeout: 500, tries: 10 });
  resolver.setServers([`127.0.0.1:${port}`]);
  // dnsmasq listens before it has read its hosts files and refuses what it does not know yet: ask
  // again for a bounded while.
  const answers: Record<string, string[]> = {};
  for (const name of names) {
    for (let attempt = 1; answers[name] === undefined; attempt++) {
      try {
        answers[name] = await resolver.resolve4(name);
      } catch (error) {
        if (attempt >= 50) assert.fail(`dnsmasq did not answer ${name}: ${String(error)}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
  return answers;
}

/** Writes the example's records in `format` to a private temp file and returns dnsmasq's path and the file. */
function renderedFile(t: TestContext, format: LanDnsFormat, name: string): { dnsmasq: string; file: string } | undefined {
  const dnsmasq = requireTool(t, "dnsmasq", "dnsmasq-base", ["/usr/sbin"]);
  if (!dnsmasq) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "lan-dns-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, renderLanDns(lanDnsRecords(modelOf()), format));
  return { dnsmasq, file };
}

const expectedAnswers = (): Record<string, string[]> => Object.fromEntries(lanDnsRecords(modelOf()).map((r) => [r.fqdn, [r.ip]]));

test("dnsmasq accepts the rendered host-record lines and answers each lan hostname with its record", async (t) => {
  const rendered = renderedFile(t, "dnsmasq", "homelab.conf");
  if (!rendered) return;
  const check = run(rendered.dnsmasq, ["--test", `--conf-file=${rendered.file}`]);
  assert.equal(check.status, 0, check.stderr);
  const expected = expectedAnswers();
  assert.deepEqual(await resolveThroughDnsmasq(t, rendered.dnsmasq, [`--conf-file=${rendered.file}`], Object.keys(expected)), expected);
});

test("a resolver reading the rendered hosts lines as a hosts file answers each lan hostname with its record", async (t) => {
  const rendered = renderedFile(t, "hosts", "custom.list");
  if (!rendered) return;
  const expected = expectedAnswers();
  assert.deepEqual(await resolveThroughDnsmasq(t, rendered.dnsmasq, [`--addn-hosts=${rendered.file}`], Object.keys(expected)), expected);
});
