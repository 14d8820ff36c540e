import assert from "node:assert/strict";
import { test } from "node:test";
import { at } from "./bad-inputs/types";
import { exampleConfig, modelOf, validate } from "./harness";

// The bad-input corpus in bad-inputs/ingress.ts runs with every other area's in bad-input.test.ts.

test("the example stack file's routing is valid", () => {
  const model = modelOf();
  assert.equal(model.ingress?.enabled, true);
  assert.equal(model.services.find((s) => s.role === "traefik")?.install.version, "v3.7.12");
});

test("a Traefik version without a pinned checksum is accepted once the stack file gives one", () => {
  const config = exampleConfig();
  at(config, "homelab:services", "traefik").install = { method: "binary", version: "v3.5.0" };
  at(config, "homelab:ingress").traefikSha256 = "0".repeat(64);
  assert.equal(validate(config).ok, true);
});

test("a route overriding its subdomain is reported at its web entry, not as an extra route", () => {
  const config = exampleConfig();
  at(config, "homelab:services", "n8n").subdomain = "flows";
  at(config, "homelab:ingress", "access").emails = [];
  const result = validate(config);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.ok(result.problems.some((p) => p.path === "homelab:services.n8n.web.exposure" && p.message.startsWith("flows.harmeetrai.com is protected")));
});

test("email domains alone are enough identities for protected routes", () => {
  const config = exampleConfig();
  at(config, "homelab:ingress", "access").emails = [];
  at(config, "homelab:ingress", "access").emailDomains = ["harmeetrai.com"];
  assert.equal(validate(config).ok, true);
});
