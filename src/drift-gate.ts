import { readFileSync } from "node:fs";

/**
 * `npm run drift-gate -- preview.json`: reads what `pulumi preview --refresh --json` printed and fails
 * on drift, except the one known false report: the Cloudflare provider shows an Access application's
 * `policies` as changed on every plan (cloudflare/terraform-provider-cloudflare#5495) although nothing
 * changed. The policies themselves are separate resources and stay fully checked, so real drift in
 * who may enter still fails the gate.
 */

/** One step of `pulumi preview --json` (pulumi's display PreviewDigest); only what the gate reads. */
export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly diffReasons?: readonly string[];
  readonly detailedDiff?: Readonly<Record<string, unknown>> | null;
}

const ACCESS_APPLICATION = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication";
/** Properties the provider reports as changed on every plan, per resource type. */
export const KNOWN_PERPETUAL_DIFFS: Readonly<Record<string, readonly string[]>> = { [ACCESS_APPLICATION]: ["policies"] };

/** Operations that change nothing. */
const NO_CHANGE = new Set(["same", "read", "refresh", "discard"]);

/** The type token of a URN: the last `$`-separated part of its type segment. */
export const urnType = (urn: string): string => (urn.split("::")[2] ?? "").split("$").pop() ?? "";

/** Keys a step changes: its diffReasons, or else the top-level keys of its detailed diff. */
const changedKeys = (step: PreviewStep): string[] => {
  const keys = new Set(step.diffReasons ?? []);
  for (const path of Object.keys(step.detailedDiff ?? {})) keys.add(path.split(/[.[]/)[0] ?? path);
  return [...keys];
};

/** Splits a preview's steps into drift and the tolerated perpetual diffs, one line each. */
export function driftOf(steps: readonly PreviewStep[]): { drift: string[]; tolerated: string[] } {
  const drift: string[] = [];
  const tolerated: string[] = [];
  for (const step of steps) {
    if (NO_CHANGE.has(step.op)) continue;
    const keys = changedKeys(step);
    const known = KNOWN_PERPETUAL_DIFFS[urnType(step.urn)] ?? [];
    const line = `${step.op} ${step.urn}${keys.length ? ` (${keys.join(", ")})` : ""}`;
    if (step.op === "update" && keys.length > 0 && keys.every((k) => known.includes(k))) tolerated.push(line);
    else drift.push(line);
  }
  return { drift, tolerated };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: drift-gate PREVIEW.json (the output of pulumi preview --refresh --json)");
    process.exit(2);
  }
  const digest = JSON.parse(readFileSync(file, "utf8")) as { steps?: PreviewStep[] };
  const { drift, tolerated } = driftOf(digest.steps ?? []);
  for (const line of tolerated) console.log(`tolerated (cloudflare/terraform-provider-cloudflare#5495): ${line}`);
  for (const line of drift) console.error(`drift: ${line}`);
  if (drift.length > 0) process.exit(1);
  console.log("no drift");
}
