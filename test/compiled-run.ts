import { readFileSync } from "node:fs";
import { join } from "node:path";
import { installMocks, runStack } from "../src/mock-runtime";
import { applyConfig } from "./harness";

/**
 * Runs the program the way Pulumi runs it (Pulumi.yaml `main`: src/launch.js, which loads the compiled
 * build/index.js) under the tests' recording mocks, in a process of its own: the compiled program
 * loads the transpiled B2 SDK, which registers its package once per process.
 *   node --import tsx test/compiled-run.ts <stack config block as JSON>
 * Prints the recorded registrations as one JSON line.
 */
async function main(): Promise<void> {
  const [configFile] = process.argv.slice(2);
  if (!configFile) throw new Error("usage: compiled-run <config.json>");
  applyConfig(JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>);
  const session = installMocks();
  const launch = join(__dirname, "..", "src", "launch.js");
  await runStack(() => require(launch) as Record<string, unknown>);
  process.stdout.write(`${JSON.stringify(session.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
