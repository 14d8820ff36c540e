import assert from "node:assert/strict";
import { test } from "node:test";
import { MIB_PER_CONNECTION } from "../config/checks/postgres";
import { TSDB_SHARE } from "../config/checks/monitoring";
import { at } from "./bad-inputs/types";
import { exampleConfig, modelOf, validate } from "./harness";

/**
 * The cross-checks at their edges: the last value each accepts beside the first it refuses, so that
 * a comparison made inclusive, or a unit read in the wrong base, is caught. The corpus of
 * test/bad-inputs holds the refusals far from the edge.
 */

/** The problems a config has at exactly that path (other paths may complain about the same edit). */
function problemsAt(config: Record<string, unknown>, path: string): string[] {
  const result = validate(config);
  return result.ok ? [] : result.problems.filter((p) => p.path === path).map((p) => p.message);
}

test("a Postgres server whose memory affords exactly max_connections is accepted, 1 MiB less is refused", () => {
  const needed = (memoryMiB: number): string[] => {
    const config = exampleConfig();
    at(config, "homelab:services", "postgres").memoryMiB = memoryMiB;
    return problemsAt(config, "homelab:services.postgres.memoryMiB").filter((m) => m.includes("max_connections"));
  };
  // The refusal names the least memory that fits; that amount itself must then pass.
  const [message] = needed(64);
  const least = Number(/raise memoryMiB to at least (\d+)/.exec(message ?? "")?.[1]);
  assert.ok(least > 64 && least % MIB_PER_CONNECTION === 0, message);
  assert.deepEqual(needed(least), []);
  assert.equal(needed(least - 1).length, 1);
});

test("an app that starts with its database at the same startupOrder is refused; one step later is accepted", () => {
  const postgresOrder = modelOf().services.find((s) => s.role === "postgres")?.startupOrder ?? 0;
  const startingAt = (order: number): string[] => {
    const config = exampleConfig();
    at(config, "homelab:services", "n8n").startupOrder = order;
    return problemsAt(config, "homelab:services.n8n.startupOrder");
  };
  assert.match(startingAt(postgresOrder).join("\n"), /starts before or with its database/);
  assert.deepEqual(startingAt(postgresOrder + 1), []);
});

test("retention.size in TB is 1024 GiB: 1TB fits a TSDB dataset whose share is exactly 1024 GiB, not one a GiB smaller", () => {
  const quota = 1024 / TSDB_SHARE;
  assert.ok(Number.isInteger(quota), "the share makes a whole quota for 1 TiB");
  const withQuota = (quotaGiB: number): string[] => {
    const config = exampleConfig();
    at(config, "homelab:monitoring", "retention").size = "1TB";
    at(config, "homelab:services", "prometheus", "datasets", "tsdb").quotaGiB = quotaGiB;
    return problemsAt(config, "homelab:monitoring.retention.size");
  };
  assert.deepEqual(withQuota(quota), []);
  assert.match(withQuota(quota - 1).join("\n"), /1TB does not fit the TSDB dataset/);
});
