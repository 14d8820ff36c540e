import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { parse } from "yaml";
import { inCi } from "./tools";

/** The part of @action-validator/core (a devDependency) the tests use: GitHub's workflow schema, checked. */
interface WorkflowValidator {
  validateWorkflow(src: string): { errors: readonly { code: string; title: string; path?: string; detail?: string }[] };
}

/** The validator from the registry package, or: under CI fails, elsewhere skips with the reason. */
function validator(t: TestContext): WorkflowValidator | undefined {
  try {
    return createRequire(__filename)("@action-validator/core") as WorkflowValidator;
  } catch {
    const message = "@action-validator/core is not installed (npm ci installs it)";
    if (inCi()) throw new Error(`${message}: required under CI=true`);
    t.skip(`SKIPPED: ${message}`);
    return undefined;
  }
}

const WORKFLOW = join(__dirname, "..", ".github/workflows/homelab.yml");
const text = (): string => readFileSync(WORKFLOW, "utf8");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  "runs-on": string | string[];
  if?: string;
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (): Workflow => parse(text()) as Workflow;
const job = (name: string): Job => {
  const found = workflow().jobs[name];
  assert.ok(found, `the workflow has a ${name} job`);
  return found;
};
const pulumiStep = (j: Job): Step => {
  const steps = j.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
  assert.equal(steps.length, 1, "one Pulumi step");
  return steps[0] as Step;
};

test("the user's workflow passes GitHub's workflow schema (action-validator)", (t) => {
  const v = validator(t);
  if (!v) return;
  assert.deepEqual(v.validateWorkflow(text()).errors, []);
  // The validator does check: the same file with a misspelt key is refused.
  const broken = text().replace("runs-on: ubuntu-latest", "runs-onn: ubuntu-latest");
  assert.notEqual(broken, text());
  assert.ok(v.validateWorkflow(broken).errors.length > 0, "a misspelt runs-on is an error");
});

test("every action is pinned by full commit SHA with its version in a comment", () => {
  const uses = text().split("\n").filter((l) => /^\s*-?\s*uses:/.test(l));
  assert.ok(uses.length >= 5);
  for (const line of uses) assert.match(line, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, line.trim());
});

test("a pull request runs npm ci and npm test, then previews with the policy pack and comments the diff", () => {
  const w = workflow();
  assert.ok("pull_request" in w.on);
  const tests = job("test");
  const runs = tests.steps.flatMap((s) => (s.run ? [s.run.trim()] : []));
  assert.ok(runs.indexOf("npm ci --no-audit --no-fund") < runs.indexOf("npm test") && runs.includes("npm test"));
  const preview = job("preview");
  assert.equal(preview.needs, "test", "the preview waits for green tests");
  assert.match(preview.if ?? "", /github\.event_name == 'pull_request'/);
  assert.match(preview.if ?? "", /head\.repo\.full_name == github\.repository/, "forks never reach the LAN runner");
  assert.deepEqual(preview["runs-on"], ["self-hosted", "homelab"]);
  assert.equal(preview.permissions?.["pull-requests"], "write");
  const step = pulumiStep(preview);
  assert.equal(step.with?.command, "preview");
  assert.equal(step.with?.policyPacks, "policy");
  assert.equal(step.with?.["comment-on-pr"], true);
});

/** The drift job's step that runs the preview and the gate. */
const driftRun = (): Step => {
  const steps = job("drift").steps.filter((s) => s.run?.includes("pulumi preview"));
  assert.equal(steps.length, 1, "one preview step");
  return steps[0] as Step;
};

test("every night a refreshed preview on the LAN runner fails on any drift but the known Access noise", () => {
  const w = workflow();
  const schedule = w.on.schedule as { cron: string }[];
  assert.equal(schedule.length, 1);
  assert.match(schedule[0]?.cron ?? "", /^\d+ \d+ \* \* \*$/, "once a day");
  const drift = job("drift");
  assert.match(drift.if ?? "", /github\.event_name == 'schedule'/);
  assert.deepEqual(drift["runs-on"], ["self-hosted", "homelab"]);
  assert.equal(pulumiStep(drift).with, undefined, "the action only installs the CLI");
  const run = driftRun().run ?? "";
  assert.match(run, /pulumi preview --stack "\$PULUMI_STACK" --refresh --policy-pack policy --json > preview\.json\n/);
  assert.match(run, /\nnpm run -s drift-gate -- preview\.json\n?$/, "the gate reads that preview and sets the job's result");
  assert.doesNotMatch(text(), /expect-no-changes: true/, "expect-no-changes would be red every night (cloudflare/terraform-provider-cloudflare#5495)");
});

test("main is converged by pulumi up only after tests and an approval on the homelab environment", () => {
  const w = workflow();
  assert.deepEqual((w.on.push as { branches: string[] }).branches, ["main"]);
  const up = job("up");
  assert.equal(up.needs, "test");
  assert.equal(up.environment, "homelab", "required reviewers on the environment gate the job");
  assert.match(up.if ?? "", /github\.ref == 'refs\/heads\/main'/);
  assert.deepEqual(up["runs-on"], ["self-hosted", "homelab"]);
  assert.equal(pulumiStep(up).with?.command, "up");
  assert.equal(pulumiStep(up).with?.policyPacks, "policy");
});

test("secrets reach the Pulumi steps from repository secrets only, never written in the file", () => {
  for (const [name, step] of [["preview", pulumiStep(job("preview"))], ["drift", driftRun()], ["up", pulumiStep(job("up"))]] as const) {
    const env = step.env ?? {};
    assert.equal(env.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
    assert.equal(env.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
    // The backend's address is a repository variable, not a secret; everything else is a secret.
    for (const [key, value] of Object.entries(env)) {
      if (key === "PULUMI_BACKEND_URL") assert.equal(value, "${{ vars.PULUMI_BACKEND_URL }}");
      else assert.match(value, /^\$\{\{ secrets\.[A-Z_]+ \}\}$/, `${name}: ${key}`);
    }
  }
  assert.equal(job("test").steps.some((s) => s.env !== undefined || JSON.stringify(s).includes("secrets.")), false, "the test job sees no secret");
});
