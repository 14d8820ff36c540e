import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "./tokens";

/** Shortest reason accepted, the same floor the stack file's schema sets for `privilegedReason`. */
export const MIN_REASON_LENGTH = 10;

const REASON_LINE = /^Privileged because: (.*)$/m;

/** The reason a container's description gives for running privileged, if it has the line. */
export function privilegedReason(description: unknown): string | undefined {
  if (typeof description !== "string") return undefined;
  return REASON_LINE.exec(description)?.[1]?.trim();
}

/**
 * Every LXC runs unprivileged (the provider's default is privileged, so it must be said), unless its
 * description carries a `Privileged because: <reason>` line: root in a privileged container is root
 * on the Proxmox host, so that choice has to be written down where the next reader sees it.
 */
export const containersUnprivileged: ResourceValidationPolicy = {
  name: "containers-unprivileged-unless-justified",
  description: "Every LXC container is unprivileged, unless its description states 'Privileged because: <reason>'.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set the service's unprivileged to true, or give it a privilegedReason of at least 10 characters in Pulumi.homelab.yaml.",
  validateResource: (args, reportViolation) => {
    if (args.type !== T.container) return;
    const props = args.props as { unprivileged?: unknown; description?: unknown };
    if (props.unprivileged === true) return;
    const state = props.unprivileged === false ? "privileged (unprivileged: false)" : "privileged (unprivileged is unset, and the provider defaults to privileged)";
    const reason = privilegedReason(props.description);
    if (reason === undefined) {
      reportViolation(`container ${args.name} is ${state} and its description gives no 'Privileged because: <reason>' line`);
    } else if (reason.length < MIN_REASON_LENGTH) {
      reportViolation(`container ${args.name} is ${state} and its reason '${reason}' is shorter than ${MIN_REASON_LENGTH} characters`);
    }
  },
};
