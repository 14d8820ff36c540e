import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { exampleConfig, ROOT } from "./harness";

/**
 * The README's three apps outside the catalog, read from its example block: the tests plan exactly
 * what the README shows, with no second copy to drift from it.
 */
export function readmeOwnApps(): Record<string, Record<string, unknown>> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /Three apps outside the catalog[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error("README.md has no example block of apps outside the catalog");
  return (parse(block) as { "homelab:services": Record<string, Record<string, unknown>> })["homelab:services"];
}

/** The community-scripts/ProxmoxVE commit the README's AdGuard example pins. */
export const ADGUARD_COMMIT = String((readmeOwnApps().adguard?.install as { commit?: unknown } | undefined)?.commit);

/** The README's apps outside the catalog, added to a stack config (the example's by default). */
export function withOwnApps(config: Record<string, unknown> = exampleConfig()): Record<string, unknown> {
  Object.assign(config["homelab:services"] as Record<string, unknown>, structuredClone(readmeOwnApps()));
  return config;
}
