import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { exampleConfig, ROOT } from "./harness";

/** The page whose example block of apps outside the catalog the tests plan. */
export const OWN_APPS_PAGE = "docs/own-apps.md";

/**
 * The three apps outside the catalog, read from the example block of docs/own-apps.md: the tests plan
 * exactly what the page shows, with no second copy to drift from it.
 */
export function documentedOwnApps(): Record<string, Record<string, unknown>> {
  const page = readFileSync(join(ROOT, OWN_APPS_PAGE), "utf8");
  const block = /Three apps outside the catalog[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(page)?.[1];
  if (block === undefined) throw new Error(`${OWN_APPS_PAGE} has no example block of apps outside the catalog`);
  return (parse(block) as { "homelab:services": Record<string, Record<string, unknown>> })["homelab:services"];
}

/** The community-scripts/ProxmoxVE commit the page's AdGuard example pins. */
export const ADGUARD_COMMIT = String((documentedOwnApps().adguard?.install as { commit?: unknown } | undefined)?.commit);

/** The page's apps outside the catalog, added to a stack config (the example's by default). */
export function withOwnApps(config: Record<string, unknown> = exampleConfig()): Record<string, unknown> {
  Object.assign(config["homelab:services"] as Record<string, unknown>, structuredClone(documentedOwnApps()));
  return config;
}
