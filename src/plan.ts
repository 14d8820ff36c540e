import { writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { budgets, ConfigError, loadHomelab, nodeBudgets, sharedTierBudgets, type Homelab } from "../config";
import { mermaidMarkdown } from "./diagram";
import { installMocks, runStack, urnName, type RecordedResource } from "./mock-runtime";
import type { ReportSection } from "../components/shared/report";
import { budgetSection, clusterSections, resourceSection } from "./plan-report";
import { homelab } from "./homelab";
import { readConfig, readSecrets } from "./program";
import { componentReports } from "./reports";
import { readStackFile } from "./stack-file";

/**
 * Offline plan: runs the real program under Pulumi mocks against a stack file, with no credentials
 * and no network, and prints what `pulumi up` would create.
 */

interface PlanOptions {
  readonly stackFile: string;
  readonly json: boolean;
  /** `--diagram` prints a Mermaid diagram; `--diagram=PATH` writes it to PATH. */
  readonly diagram: string | boolean;
}

function parseArgs(argv: readonly string[]): PlanOptions {
  let stackFile = "Pulumi.homelab.yaml";
  let json = false;
  let diagram: string | boolean = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") json = true;
    else if (arg === "--stack-file") stackFile = argv[++i] ?? stackFile;
    else if (arg?.startsWith("--stack-file=")) stackFile = arg.slice("--stack-file=".length);
    else if (arg === "--diagram") diagram = true;
    else if (arg?.startsWith("--diagram=")) diagram = arg.slice("--diagram=".length);
    else throw new Error(`unknown argument '${arg}' (use --stack-file PATH, --json, --diagram[=PATH])`);
  }
  return { stackFile, json, diagram };
}

/** A resource as `--json` prints it; secret inputs are shown as "[secret]". */
export function jsonResource(r: RecordedResource, names: ReadonlyMap<string, string>): Record<string, unknown> {
  return {
    type: r.type,
    name: r.name,
    parent: r.parentUrn ? (names.get(r.parentUrn) ?? null) : null,
    custom: r.custom,
    inputs: redact(r.inputs, r.secretPaths),
    protect: r.protect,
    retainOnDelete: r.retainOnDelete,
    dependsOn: r.dependencies.map((u) => names.get(u) ?? urnName(u)),
    additionalSecretOutputs: r.additionalSecretOutputs,
  };
}

function redact(inputs: Record<string, unknown>, secretPaths: readonly string[]): Record<string, unknown> {
  const walk = (value: unknown, path: string): unknown => {
    if (secretPaths.includes(path)) return "[secret]";
    if (Array.isArray(value)) return value.map((v, i) => walk(v, path ? `${path}.${i}` : String(i)));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
    }
    return value;
  };
  return walk(inputs, "") as Record<string, unknown>;
}

export interface PlanResult {
  readonly resources: RecordedResource[];
  readonly outputs: Record<string, unknown>;
  /** The validated model the program ran with. */
  readonly model: Homelab;
}

/** Runs the program under mocks with the given stack file's config. Throws ConfigError when invalid. */
export async function runPlan(stackFile: string): Promise<PlanResult> {
  const stack = readStackFile(stackFile);
  pulumi.runtime.setAllConfig(stack.config, stack.secretKeys);
  // Validate once, before any mock is installed, so an invalid file registers nothing; the program
  // and the report both use this model.
  const loaded = loadHomelab(readConfig());
  if (!loaded.ok) throw new ConfigError(loaded.problems);
  const model = loaded.model;
  const session = installMocks();
  const outputs = await runStack(() => homelab(model, readSecrets()));
  return { resources: session.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), outputs, model };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let result: PlanResult;
  try {
    result = await runPlan(options.stackFile);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const p of error.problems) process.stderr.write(`${p.path}: ${p.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const model = result.model;
  if (options.diagram !== false) {
    const text = mermaidMarkdown(model);
    if (typeof options.diagram === "string") {
      writeFileSync(options.diagram, text);
      process.stdout.write(`wrote ${options.diagram}\n`);
    } else process.stdout.write(text);
    return;
  }
  const names = new Map(result.resources.map((r) => [r.urn, r.name]));
  if (options.json) {
    const doc = {
      stackFile: options.stackFile,
      resources: result.resources.map((r) => jsonResource(r, names)),
      budgets: budgets(model),
      ...(model.clustered ? { nodes: nodeBudgets(model), sharedTiers: sharedTierBudgets(model), placement: Object.fromEntries(model.services.map((s) => [s.name, { node: s.node, placedBy: s.placedBy, ha: s.ha }])) } : {}),
      reports: componentReports(model),
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  const sections: ReportSection[] = [resourceSection(result.resources), ...(model.clustered ? clusterSections(model) : [budgetSection(model)]), ...componentReports(model)];
  const out: string[] = [`Plan for ${model.domain} from ${options.stackFile} (offline, under mocks; nothing was changed)`, ""];
  for (const s of sections) out.push(`== ${s.title}`, ...s.lines, "");
  process.stdout.write(out.join("\n"));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`plan failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
