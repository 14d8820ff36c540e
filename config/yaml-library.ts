import type * as Yaml from "yaml";

/**
 * The yaml package, loaded on first use. A run reads YAML only for a stack file (the offline plan) or
 * a compose file from the repository, so a `pulumi up` of a homelab without one never loads it: it
 * stays outside the compiled program (src/build.ts), where Node finds it in node_modules.
 */
export function yamlLibrary(): typeof Yaml {
  return require("yaml") as typeof Yaml;
}
