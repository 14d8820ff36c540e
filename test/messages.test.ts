import assert from "node:assert/strict";
import { test } from "node:test";
import { storageReport } from "../components/tiered-storage/report";
import { ingressReport } from "../components/tunnel-ingress/report";
import { exampleConfig, modelOf, validate } from "./harness";
import { at } from "./bad-inputs/types";

type Obj = Record<string, unknown>;

/** The example with the tunnel off: no Traefik, no cloudflared, every route on the LAN. */
function lanOnly(): Obj {
  const config = exampleConfig();
  delete config["homelab:ingress"];
  const services = at(config, "homelab:services");
  delete services.traefik;
  delete services.cloudflared;
  for (const [name, entry] of Object.entries(services)) {
    if (name === "prometheus") (entry as Obj).extraRoutes = { alertmanager: { exposure: "lan" } };
    if (!["postgres", "syncthing"].includes(name)) (entry as Obj).web = { ...((entry as Obj).web as Obj | undefined), exposure: "lan" };
  }
  return config;
}

test("a service that fails its own validation is reported once, not again as 'not declared' by the checks that name it", () => {
  const config = exampleConfig();
  at(config, "homelab:services", "traefik").memoryMiB = "lots";
  at(config, "homelab:services", "grafana").cores = "two";
  const result = validate(config);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(result.problems.map((p) => p.path), ["homelab:services.traefik.memoryMiB", "homelab:services.grafana.cores"]);
});

test("a name that is really missing is still reported as not declared", () => {
  const config = exampleConfig();
  at(config, "homelab:monitoring").grafanaService = "graphs";
  const result = validate(config);
  assert.equal(result.ok, false);
  if (!result.ok) assert.ok(result.problems.some((p) => p.path === "homelab:monitoring.grafanaService" && /'graphs', which is not declared/.test(p.message)));
});

test("with backups off, no dataset shows restic in the backup column", () => {
  const on = storageReport(modelOf()).find((s) => s.title.startsWith("Datasets"));
  assert.ok(on?.lines.some((l) => / restic$/.test(l)), "the example backs up with restic");
  const config = exampleConfig();
  at(config, "homelab:backup").enabled = false;
  const off = storageReport(modelOf(config)).find((s) => s.title.startsWith("Datasets"));
  assert.ok(off);
  assert.ok(!off.lines.some((l) => /restic/.test(l)), off.lines.join("\n"));
  assert.ok(off.lines.some((l) => /no \(backups off\)$/.test(l)), off.lines.join("\n"));
});

test("without Traefik, LAN routes are not shown as going through Traefik", () => {
  const routes = ingressReport(modelOf(lanOnly())).find((s) => s.title === "Routes");
  assert.ok(routes);
  assert.ok(!routes.lines.some((l) => /traefik \(admin|-> traefik/.test(l)), routes.lines.join("\n"));
  assert.ok(routes.lines.some((l) => /^grafana\.harmeetrai\.com +lan +local DNS -> the container \(no Traefik\)/.test(l)), routes.lines.join("\n"));
});

test("a public mail domain passes Access only when the stack file accepts it explicitly", () => {
  const config = exampleConfig();
  at(config, "homelab:ingress", "access").emailDomains = ["gmail.com"];
  assert.equal(validate(config).ok, false);
  at(config, "homelab:ingress", "access").acceptPublicMailDomains = true;
  const accepted = validate(config);
  assert.ok(accepted.ok, accepted.ok ? "" : accepted.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  assert.deepEqual(accepted.model.ingress?.access.emailDomains, ["gmail.com"]);
});

test("a company domain that merely starts like a mail provider is not refused", () => {
  const config = exampleConfig();
  at(config, "homelab:ingress", "access").emailDomains = ["web.harmeetrai.com", "outlook-consulting.com"];
  const result = validate(config);
  assert.ok(result.ok, result.ok ? "" : result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
});
