import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { RecordedResource } from "../src/mock-runtime";
import { byName, runProgram } from "../test/harness";

/**
 * The pack as Pulumi runs it: `pulumi preview --policy-pack policy` starts Pulumi's policy runner in
 * this folder, which compiles the TypeScript itself and serves the analyzer over gRPC. This starts
 * that runner and talks to it the way the engine does, so the pack is proven to load and enforce.
 */

let runner: ChildProcess | undefined;
let client: AnalyzerClient | undefined;

before(async () => {
  const entry = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
  // The engine address is only used for log messages, which these calls do not produce.
  const child = spawn(process.execPath, [entry, "127.0.0.1:1", "."], { cwd: __dirname, stdio: ["ignore", "pipe", "pipe"] });
  runner = child;
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s/m.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`the policy runner exited with ${code} before serving:\n${out}${err}`)));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

after(() => {
  client?.close();
  runner?.kill();
});

const analyzer = (): AnalyzerClient => {
  if (!client) assert.fail("the policy runner did not start");
  return client;
};

const call = <Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> =>
  new Promise((resolve, reject) => method.call(analyzer(), req, (err, res) => (err ? reject(err) : resolve(res))));

const options = (r: RecordedResource): proto.AnalyzerResourceOptions => {
  const o = new proto.AnalyzerResourceOptions().setProtect(r.protect);
  return r.parentUrn ? o.setParent(r.parentUrn) : o;
};

// Struct takes JSON values only.
const properties = (r: RecordedResource): Struct => Struct.fromJavaScript(JSON.parse(JSON.stringify(r.inputs)) as Parameters<typeof Struct.fromJavaScript>[0]);

/**
 * `<policy>: <violation>` per diagnostic. The runtime prefixes each message with the policy's
 * description, which is what the operator reads above the violation; every one must block.
 */
function diagnostics(res: proto.AnalyzeResponse): string[] {
  return res.getDiagnosticsList().map((d) => {
    assert.equal(d.getEnforcementlevel(), proto.EnforcementLevel.MANDATORY, d.getMessage());
    const lines = d.getMessage().split("\n");
    assert.equal(lines.length, 2, d.getMessage());
    return `${d.getPolicyname()}: ${lines[1] ?? ""}`;
  });
}

async function analyzeStack(resources: readonly RecordedResource[]): Promise<string[]> {
  const req = new proto.AnalyzeStackRequest().setResourcesList(
    resources.map((r) => {
      const a = new proto.AnalyzerResource().setUrn(r.urn).setType(r.type).setName(r.name).setProperties(properties(r)).setOptions(options(r));
      return r.parentUrn ? a.setParent(r.parentUrn) : a;
    }),
  );
  return diagnostics(await call<proto.AnalyzeStackRequest, proto.AnalyzeResponse>(AnalyzerClient.prototype.analyzeStack, req));
}

async function analyze(r: RecordedResource): Promise<string[]> {
  const req = new proto.AnalyzeRequest().setUrn(r.urn).setType(r.type).setName(r.name).setProperties(properties(r)).setOptions(options(r));
  return diagnostics(await call<proto.AnalyzeRequest, proto.AnalyzeResponse>(AnalyzerClient.prototype.analyze, req));
}

test("Pulumi's policy runner loads the pack and reports its five rules as mandatory", async () => {
  const info = await call<Empty, proto.AnalyzerInfo>(AnalyzerClient.prototype.getAnalyzerInfo, new Empty());
  assert.equal(info.getName(), "homelab");
  assert.deepEqual(
    info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]),
    [
      ["containers-unprivileged-unless-justified", proto.EnforcementLevel.MANDATORY],
      ["stateful-datasets-backed-up", proto.EnforcementLevel.MANDATORY],
      ["hostnames-public-by-choice-or-behind-access", proto.EnforcementLevel.MANDATORY],
      ["data-resources-retained-or-protected", proto.EnforcementLevel.MANDATORY],
      ["containers-firewalled-inbound-drop", proto.EnforcementLevel.MANDATORY],
    ],
  );
});

test("through the runner, the example passes and a bad stack is refused with the rules' messages", async () => {
  const { resources } = await runProgram();
  assert.deepEqual(await analyzeStack(resources), []);
  for (const r of resources) assert.deepEqual(await analyze(r), [], r.name);

  const container = byName(resources, "jellyfin-container");
  assert.deepEqual(await analyze({ ...container, inputs: { ...container.inputs, unprivileged: false } }), [
    "containers-unprivileged-unless-justified: container jellyfin-container is privileged (unprivileged: false) and its description gives no 'Privileged because: <reason>' line",
  ]);
  assert.deepEqual(await analyze({ ...byName(resources, "backup-bucket"), protect: false }), [
    "data-resources-retained-or-protected: B2 bucket backup-bucket is neither protected nor retained on delete, so pulumi destroy would delete its data",
  ]);
  assert.deepEqual(await analyzeStack(resources.filter((r) => r.name !== "ingress-access-grafana")), [
    "hostnames-public-by-choice-or-behind-access: hostname grafana.harmeetrai.com is declared exposure=protected but no Cloudflare Access application guards it",
  ]);
});

// Last: configuration stays set in the runner for the rest of its life.
test("through the runner, the shipped allow-data-loss config lets an unprotected bucket pass", async () => {
  const bucket = { ...byName((await runProgram()).resources, "backup-bucket"), protect: false };
  assert.equal((await analyze(bucket)).length, 1);
  const file = JSON.parse(readFileSync(join(__dirname, "allow-data-loss.json"), "utf8")) as Record<string, Record<string, unknown>>;
  const req = new proto.ConfigureAnalyzerRequest();
  for (const [policy, settings] of Object.entries(file)) {
    const config = new proto.PolicyConfig().setEnforcementlevel(proto.EnforcementLevel.MANDATORY).setProperties(Struct.fromJavaScript(settings as Parameters<typeof Struct.fromJavaScript>[0]));
    req.getPolicyconfigMap().set(policy, config);
  }
  await call<proto.ConfigureAnalyzerRequest, Empty>(AnalyzerClient.prototype.configure, req);
  assert.deepEqual(await analyze(bucket), []);
});
