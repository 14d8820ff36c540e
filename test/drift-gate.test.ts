import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { driftOf, urnType, type PreviewStep } from "../src/drift-gate";
import { run } from "./tools";

const urn = (type: string, name: string, parent = "homelab:index:TunnelIngress"): string => `urn:pulumi:homelab::homelab::${parent}$${type}::${name}`;
const APP = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication";
const POLICY = "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy";

/** What #5495 shows: an application whose attached policies appear changed on every plan. */
const perpetual: PreviewStep = { op: "update", urn: urn(APP, "ingress-immich-access"), diffReasons: ["policies"], detailedDiff: { "policies[0].include": { kind: "update" }, "policies[0].connectionRules": { kind: "add" } } };

test("the drift gate tolerates exactly an Access application's perpetual policies diff", () => {
  assert.equal(urnType(perpetual.urn), APP);
  const { drift, tolerated } = driftOf([{ op: "same", urn: urn("proxmoxve:index/containerLegacy:ContainerLegacy", "immich-container", "homelab:index:LxcService") }, perpetual]);
  assert.deepEqual(drift, []);
  assert.deepEqual(tolerated, [`update ${perpetual.urn} (policies)`]);
});

test("the drift gate fails on any other change, including other fields of the same application and the policies themselves", () => {
  const steps: PreviewStep[] = [
    { op: "update", urn: urn(APP, "ingress-n8n-access"), diffReasons: ["policies", "domain"] },
    { op: "update", urn: urn(APP, "ingress-grafana-access"), detailedDiff: { sessionDuration: { kind: "update" } } },
    { op: "update", urn: urn(POLICY, "ingress-admins"), diffReasons: ["include"] },
    { op: "update", urn: urn(APP, "ingress-empty-access") },
    { op: "create", urn: urn("cloudflare:index/dnsRecord:DnsRecord", "ingress-n8n-dns") },
    { op: "replace", urn: urn("proxmoxve:index/containerLegacy:ContainerLegacy", "n8n-container", "homelab:index:LxcService"), diffReasons: ["mountPoints"] },
    { op: "delete", urn: urn(APP, "ingress-old-access") },
  ];
  const { drift, tolerated } = driftOf(steps);
  assert.deepEqual(tolerated, []);
  assert.equal(drift.length, steps.length);
  assert.ok(drift[0]?.endsWith("(policies, domain)"));
  assert.ok(drift[1]?.endsWith("(sessionDuration)"), "top-level keys are read from the detailed diff too");
});

test("the drift gate's command exits 0 on the tolerated diff and 1, naming the change, on drift", () => {
  const dir = mkdtempSync(join(tmpdir(), "homelab-drift-"));
  try {
    const gate = (steps: PreviewStep[]) => {
      const file = join(dir, "preview.json");
      writeFileSync(file, JSON.stringify({ steps, changeSummary: { same: 1, update: steps.length } }));
      return run(process.execPath, ["--import", "tsx", join(__dirname, "..", "src", "drift-gate.ts"), file]);
    };
    const quiet = gate([perpetual]);
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.match(quiet.stdout, /tolerated \(cloudflare\/terraform-provider-cloudflare#5495\): update .*ingress-immich-access \(policies\)\nno drift\n$/);
    const red = gate([perpetual, { op: "delete", urn: urn("cloudflare:index/dnsRecord:DnsRecord", "ingress-n8n-dns") }]);
    assert.equal(red.status, 1);
    assert.match(red.stderr, /^drift: delete urn:pulumi:.*ingress-n8n-dns\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
