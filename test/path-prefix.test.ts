import assert from "node:assert/strict";
import { test } from "node:test";
import type { Mount } from "../config";
import { checkComposeFile } from "../config/compose-file";
import { at } from "./bad-inputs/types";
import { exampleConfig, validate } from "./harness";

/**
 * Checks where a path prefix decides what is kept (a dataset inside another is backed up twice, state
 * off a dataset dies with its container): each has a path that only shares the leading letters,
 * which must pass, beside one truly inside, which must not. A plain `startsWith` would refuse the first.
 */

type Obj = Record<string, unknown>;

/** The problems of the example with one change, as `path: message` lines. */
function problemsOf(change: (config: Obj) => void): string[] {
  const config = exampleConfig();
  change(config);
  const result = validate(config);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

test("a dataset beside another whose path shares its leading letters does not nest; one inside it does", () => {
  const datasets = (config: Obj): Obj => at(config, "homelab:storage", "datasets");
  // immich-library is /mnt/raid/apps/immich/library.
  assert.deepEqual(problemsOf((c) => void (datasets(c).old = { tier: "raid", path: "apps/immich/library-old", quotaGiB: 10, content: "photos" })), []);
  assert.deepEqual(problemsOf((c) => void (datasets(c).old = { tier: "raid", path: "apps/immich/library/old", quotaGiB: 10, content: "photos" })), [
    "homelab:storage.datasets.old: /mnt/raid/apps/immich/library/old lies inside dataset 'immich-library' (/mnt/raid/apps/immich/library); datasets must not nest",
  ]);
});

test("a tier mounted beside another whose path shares its leading letters is its own disk; one below it overlaps", () => {
  const spare = (path: string) => (c: Obj): void => {
    at(c, "homelab:storage", "tiers", "raid").default = true;
    at(c, "homelab:storage", "tiers").spare = { class: "bulk", path, capacityGiB: 100, proxmoxStorage: "spare-dir" };
  };
  assert.deepEqual(problemsOf(spare("/mnt/nvme2")), []);
  assert.deepEqual(problemsOf(spare("/mnt/nvme/spare")), ["homelab:storage.tiers.spare.path: /mnt/nvme/spare and the nvme tier's /mnt/nvme overlap; each tier is its own disk"]);
});

test("a state path is on a dataset mount only below the mount point, not in a sibling that shares its name", () => {
  // sonarr's config dataset is mounted at /var/lib/sonarr.
  const state = (paths: string[]) => (c: Obj) => void (at(c, "homelab:services", "sonarr").statePaths = paths);
  assert.deepEqual(problemsOf(state(["/var/lib/sonarr", "/var/lib/sonarr/backups"])), []);
  assert.deepEqual(problemsOf(state(["/var/lib/sonarr", "/var/lib/sonarr-state"])), [
    "homelab:services.sonarr.statePaths: /var/lib/sonarr-state keeps state but is not on a writable dataset mount; a replaced container would lose it",
  ]);
});

test("a compose volume is on a dataset only below its mount point, not in a sibling that shares its name", () => {
  const mounts: Mount[] = [{ dataset: "x-data", tier: "nvme", hostPath: "/mnt/nvme/apps/x/data", path: "/srv/x", readOnly: false }];
  const problems = (source: string): string[] => checkComposeFile("c.yaml", JSON.stringify({ services: { a: { image: "nginx:1.29.0", volumes: [`${source}:/data`] } } }), mounts).problems;
  assert.deepEqual(problems("/srv/x"), []);
  assert.deepEqual(problems("/srv/x/html"), []);
  assert.deepEqual(problems("/srv/xy/html"), ["c.yaml: service 'a' volume '/srv/xy/html:/data' is not on a writable dataset of the service; its source must lie under one of: /srv/x"]);
});
