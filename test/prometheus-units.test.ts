import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { retentionGiB } from "../config/checks/monitoring";
import { freePort } from "./pg-cluster";
import { requireTool } from "./tools";

/**
 * The retention check reads retention.size as Prometheus does. Asked, the real Prometheus reports
 * the limit it took from the flag (prometheus_tsdb_retention_limit_bytes), so the units are
 * measured here, not taken from memory.
 */

/** The byte limit a real Prometheus sets for `--storage.tsdb.retention.size=<size>`. */
async function retentionLimitBytes(prometheus: string, size: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "homelab-prometheus-"));
  const port = await freePort();
  writeFileSync(join(dir, "prometheus.yml"), "global: {}\n");
  const args = [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--storage.tsdb.retention.size=${size}`, `--web.listen-address=127.0.0.1:${port}`];
  const child = spawn(prometheus, args, { stdio: "ignore" });
  try {
    for (let i = 0; i < 100; i++) {
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => "");
      const value = /^prometheus_tsdb_retention_limit_bytes (\S+)$/m.exec(metrics)?.[1];
      if (value !== undefined) return Number(value);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`prometheus on port ${port} never reported its retention limit`);
  } finally {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

test("retention.size's MB, GB and TB are read as Prometheus reads them, powers of 1024 (real prometheus)", async (t) => {
  const prometheus = requireTool(t, "prometheus", "prometheus");
  if (!prometheus) return;
  for (const size of ["512MB", "30GB", "1TB"]) {
    assert.equal(await retentionLimitBytes(prometheus, size), retentionGiB(size) * 1024 ** 3, size);
  }
});
