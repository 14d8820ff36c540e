import type { PolicyResourceOptions, ResourceValidationPolicy } from "@pulumi/policy";
import { isDatasetDir, T } from "./tokens";

/** What each data-bearing type holds, for the message. */
const DATA_TYPES: ReadonlyMap<string, string> = new Map([
  [T.pgDatabase, "Postgres database"],
  [T.pgRole, "Postgres role"],
  [T.b2Bucket, "B2 bucket"],
  [T.b2ApplicationKey, "B2 application key"],
]);

/** This policy's configuration (`--policy-pack-config`). */
export interface DataRetentionConfig {
  /** Set together with the stack's `homelab:allowDataLoss: true`, when unprotected data resources are intended. */
  readonly allowDataLoss?: boolean;
}

/**
 * Data-bearing resources must survive `pulumi destroy`: they need `protect` (or `retainOnDelete`).
 * @pulumi/policy 1.21 hands a policy `protect` but not `retainOnDelete`, so in practice this checks
 * `protect`. A stack that sets `allowDataLoss: true` drops `protect` on purpose and keeps only
 * `retainOnDelete`; run it with this policy's `allowDataLoss` config set to true (or the policy disabled).
 */
export const dataResourcesRetainedOrProtected: ResourceValidationPolicy = {
  name: "data-resources-retained-or-protected",
  description: "Postgres databases and roles, the B2 bucket and key, and dataset directories are protected (or retained on delete).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Keep homelab:allowDataLoss false; if data loss is intended, also set this policy's allowDataLoss config to true.",
  configSchema: {
    properties: {
      allowDataLoss: {
        type: "boolean",
        default: false,
        description: "Accept unprotected data resources; set it only together with the stack's allowDataLoss: true.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const kind = DATA_TYPES.get(args.type) ?? (isDatasetDir(args.type, args.opts.parent) ? "dataset directory" : undefined);
    if (kind === undefined) return;
    if (args.getConfig<DataRetentionConfig>().allowDataLoss === true) return;
    // A later @pulumi/policy may pass retainOnDelete; when it does, it counts too.
    const opts = args.opts as PolicyResourceOptions & { retainOnDelete?: boolean };
    if (opts.protect || opts.retainOnDelete === true) return;
    reportViolation(`${kind} ${args.name} is neither protected nor retained on delete, so pulumi destroy would delete its data`);
  },
};
