import type {
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { RecordedResource } from "../../src/mock-runtime";

/**
 * Feeds resources recorded under mocks to the policies in the shapes the policy runtime builds
 * (@pulumi/policy 1.21 server.js): inputs as props, and the options it passes on (protect, parent,
 * ignoreChanges, additionalSecretOutputs...; it passes no retainOnDelete, so neither does this).
 */

export interface Violation {
  readonly policy: string;
  readonly message: string;
  /** The resource the violation names (always the validated one for a resource policy). */
  readonly name: string | undefined;
}

/** Raised by `notApplicable`, as the runtime's own error is. */
class NotApplicable extends Error {}

const optionsOf = (r: RecordedResource): PolicyResourceOptions => ({
  protect: r.protect,
  ignoreChanges: [...r.ignoreChanges],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [...r.additionalSecretOutputs],
  ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
  ...(r.parentUrn ? { parent: r.parentUrn } : {}),
});

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

const isResourcePolicy = (p: Policies[number]): p is ResourceValidationPolicy => "validateResource" in p;
const isStackPolicy = (p: Policies[number]): p is StackValidationPolicy => "validateStack" in p;

/** The stack as a stack policy sees it: parents and dependencies linked to the resource objects. */
export function policyResources(resources: readonly RecordedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const out = resources.map((r) => {
    const p: PolicyResource = {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: r.inputs,
      opts: optionsOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byUrn.set(r.urn, p);
    return p;
  });
  resources.forEach((r, i) => {
    const p = out[i];
    if (!p) return;
    const parent = r.parentUrn ? byUrn.get(r.parentUrn) : undefined;
    if (parent) p.parent = parent;
    p.dependencies = r.dependencies.flatMap((u) => byUrn.get(u) ?? []);
  });
  return out;
}

/** Runs every policy over the recorded stack (each resource through resource policies, then stack policies). */
export async function runPolicies(
  policies: Policies,
  resources: readonly RecordedResource[],
  config: Record<string, Record<string, unknown>> = {},
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const nameOf = new Map(resources.map((r) => [r.urn, r.name]));
  for (const policy of policies) {
    const getConfig = <T extends object>(): T => (config[policy.name] ?? {}) as T;
    if (isResourcePolicy(policy)) {
      const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
      for (const r of resources) {
        const report: ReportViolation = (message) => violations.push({ policy: policy.name, message, name: r.name });
        const args: ResourceValidationArgs = {
          type: r.type,
          name: r.name,
          urn: r.urn,
          props: r.inputs,
          opts: optionsOf(r),
          stackTags: new Map(),
          isType: () => false,
          asType: () => undefined,
          getConfig,
          notApplicable,
        };
        for (const validate of validations) await ignoreNotApplicable(() => validate(args, report));
      }
    }
    if (isStackPolicy(policy)) {
      const report: ReportViolation = (message, urn) => violations.push({ policy: policy.name, message, name: urn === undefined ? undefined : nameOf.get(urn) });
      const args: StackValidationArgs = { resources: policyResources(resources), stackTags: new Map(), getConfig, notApplicable };
      await ignoreNotApplicable(() => policy.validateStack(args, report));
    }
  }
  return violations;
}

async function ignoreNotApplicable(validate: () => Promise<void> | void): Promise<void> {
  try {
    await validate();
  } catch (e) {
    if (!(e instanceof NotApplicable)) throw e;
  }
}
