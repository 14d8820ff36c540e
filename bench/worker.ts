import { readFileSync, writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { defaultOutputs, installMocks, runStack, type MockOutputs } from "../src/mock-runtime";
import { homelab } from "../src/homelab";
import { loadModelOrExit, readSecrets } from "../src/program";
import { stackConfigFromObject } from "../src/stack-file";
import { reportAtExit, type Recording } from "./recording";

/**
 * The program's side of the benchmark, in a fresh process so that its time and peak memory are its
 * own: the stack config is validated and the real program runs under the recording mocks, as the
 * offline plan does. Writes the recording the floor replays; recording costs the program's side.
 *   worker <config.json> <recording.json>
 * Prints one JSON line: { resources, cpuMs, maxRssMiB }.
 */

async function main(): Promise<void> {
  const [configFile, recordingFile] = process.argv.slice(2);
  if (!configFile || !recordingFile) throw new Error("usage: worker <config.json> <recording.json>");
  const stack = stackConfigFromObject({ config: JSON.parse(readFileSync(configFile, "utf8")) as unknown });
  pulumi.runtime.setAllConfig(stack.config, stack.secretKeys);
  const answered: Recording["outputs"] = {};
  const outputs: MockOutputs = (args) => {
    const state = defaultOutputs(args);
    if (Object.keys(state).length > 0) answered[`${args.type}::${args.name}`] = state;
    return state;
  };
  const model = loadModelOrExit();
  const session = installMocks(outputs);
  await runStack(() => homelab(model, readSecrets()));
  const resources = session.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  const recording: Recording = { resources, outputs: answered, invokes: session.invokes };
  writeFileSync(recordingFile, JSON.stringify(recording));
  reportAtExit(resources.length);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
