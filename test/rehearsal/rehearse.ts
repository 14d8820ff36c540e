import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { basename, join } from "node:path";
import { after, describe, test } from "node:test";
import { ConfigError } from "../../config";
import { checks, type CheckContext } from "./checks";
import { executeStep, type ConvergeContext } from "./converge";
import { StandInHost, mountTiers } from "./host";
import { cleanUp, LOG_DIR, Network, WORK_DIR } from "./lab";
import { runSteps, type Outcome } from "./scheduler";
import { selectServices, SelectionError, serviceOf, type Selection } from "./selection";
import { rehearsalPlan, type RehearsalPlan } from "./steps";
import { describeOutcome, printSummary, stepTimings, Timings } from "./summary";
import { checkSubjects } from "./subjects";
import { substituteForRehearsal } from "./substitutes";

/**
 * `npm run rehearse [-- --stack-file PATH] [--only a,b] [--keep]`: converges the homelab for real on
 * this machine from the same program, then checks what it built. The outer process checks that the
 * machine can, and runs the rehearsal in a private mount namespace so every mount it makes ends with
 * it; containers, bridge and NAT are removed by name afterwards, even after a failure.
 * `--only a,b` runs the named services and the services they depend on (selection.ts), and checks
 * only those; a name that is no service stops it before anything is made.
 * With HOMELAB_REHEARSAL_TIMINGS=FILE it also writes each step's measured time to FILE, the figures
 * the benchmark's converge prediction reads (bench/rehearsal-timings.json).
 */

interface Options {
  readonly stackFile: string;
  readonly only: readonly string[];
  readonly keep: boolean;
}

/** A command line the rehearsal cannot follow. */
class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  let stackFile = join(__dirname, "Pulumi.rehearsal.yaml");
  let only: string[] | undefined;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--stack-file") stackFile = argv[++i] ?? stackFile;
    else if (a.startsWith("--stack-file=")) stackFile = a.slice(13);
    else if (a === "--only") only = (argv[++i] ?? "").split(",").filter(Boolean);
    else if (a.startsWith("--only=")) only = a.slice(7).split(",").filter(Boolean);
    else if (a === "--keep") keep = true;
    else throw new UsageError(`unknown argument '${a}' (use --stack-file PATH, --only a,b, --keep)`);
  }
  // An empty --only would quietly mean every service, the opposite of what was asked.
  if (only?.length === 0) throw new UsageError("--only needs the names of services, e.g. --only n8n,syncthing");
  return { stackFile, only: only ?? [], keep };
}

const TOOLS = ["lxc-start", "lxc-attach", "lxc-destroy", "debootstrap", "nft", "dnsmasq", "psql", "python3", "unshare", "chroot", "curl"];

/** Why this machine cannot rehearse, or undefined when it can. */
function cannotRehearse(): string | undefined {
  if (process.getuid?.() !== 0) return "it needs root (LXC containers, a bridge and NAT)";
  const missing = TOOLS.filter((t) => spawnSync("bash", ["-c", `command -v ${t}`]).status !== 0);
  if (missing.length > 0) return `missing ${missing.join(", ")} (apt-get install lxc debootstrap uidmap nftables dnsmasq-base postgresql-client python3 curl)`;
  return undefined;
}

const INNER = "HOMELAB_REHEARSAL_INNER";

/** A command line it cannot follow, or an --only naming no service, stops here, before anything is made. */
async function checkArgs(argv: readonly string[]): Promise<void> {
  try {
    const options = parseArgs(argv);
    if (options.only.length > 0) selectServices(await rehearsalPlan(options.stackFile), options.only);
  } catch (error) {
    if (error instanceof ConfigError) for (const p of error.problems) process.stderr.write(`rehearsal: ${p.path}: ${p.message}\n`);
    else if (error instanceof UsageError || error instanceof SelectionError) process.stderr.write(`rehearsal: ${error.message}\n`);
    else throw error;
    process.exit(2);
  }
}

async function outer(argv: readonly string[]): Promise<never> {
  await checkArgs(argv);
  const why = cannotRehearse();
  if (why) {
    if (process.env.CI === "true") {
      process.stderr.write(`rehearsal failed: this machine cannot rehearse: ${why}\n`);
      process.exit(1);
    }
    process.stdout.write(`rehearsal skipped: ${why}\n`);
    process.exit(0);
  }
  const keep = argv.includes("--keep");
  const child = spawnSync("unshare", ["--mount", "--propagation", "private", "--", process.execPath, ...process.execArgv, __filename, ...argv], {
    stdio: "inherit",
    env: { ...process.env, [INNER]: "1" },
  });
  // The inner run removes what it made; this sweep catches what a crash left behind.
  if (!keep) {
    const left = cleanUp();
    if (left.length > 0) process.stderr.write(`rehearsal: removed what the run left behind: ${left.join(", ")}\n`);
  }
  process.exit(child.status ?? 1);
}

async function inner(options: Options): Promise<void> {
  const timings = new Timings();
  const outcomes = new Map<string, Outcome>();
  const notes: string[] = [];
  let plan: RehearsalPlan | undefined;
  let selection: Selection | undefined;
  let context: CheckContext | undefined;
  let broken: unknown;
  try {
    plan = await timings.phase("evaluate the program under mocks", () => rehearsalPlan(options.stackFile));
    selection = selectServices(plan, options.only);
    const { steps } = selection;
    cleanUp();
    mkdirSync(LOG_DIR, { recursive: true });
    const model = plan.model;
    const net = new Network({ proxmoxBridge: model.network.bridge, gatewayCidr: `${model.network.gateway}/${model.network.cidr.prefix}`, subnet: model.network.cidrText });
    const tierPaths = Object.values(model.tiers).map((t) => t.path);
    const host = new StandInHost(tierPaths);
    await timings.phase("network, tiers and the stand-in host", async () => {
      await net.up();
      await mountTiers(tierPaths);
      await host.up();
    });
    const byUrn = new Map([...plan.byName.values()].map((r) => [r.urn, r]));
    const convergeCtx: ConvergeContext = { host, byName: plan.byName, byUrn, substitute: (r, stdin) => substituteForRehearsal(r, stdin, notes), notes };
    await timings.phase("converge", () =>
      runSteps(steps, (s) => executeStep(s, convergeCtx), 3, (s) => serviceOf(s.resource, plan as RehearsalPlan), (s, o) => {
        outcomes.set(s.resource.name, o);
        process.stdout.write(`# ${describeOutcome(s, o)}\n`);
      }),
    );
    context = { plan, steps, outcomes, host, convergeCtx, timings };
  } catch (error) {
    broken = error;
  }

  describe(`rehearsal of ${options.stackFile}`, () => {
    after(() => {
      if (plan && selection) {
        const text = printSummary(plan, selection, outcomes, notes, timings, context ? checkSubjects(plan, selection.steps, outcomes) : undefined);
        writeFileSync(join(WORK_DIR, "summary.txt"), text);
        const timingsFile = process.env.HOMELAB_REHEARSAL_TIMINGS;
        if (timingsFile) {
          const source = `rehearsal of ${basename(options.stackFile)} on ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`;
          writeFileSync(timingsFile, `${JSON.stringify(stepTimings(plan, selection.steps, outcomes, source), null, 2)}\n`);
          process.stdout.write(`# step timings written to ${timingsFile}\n`);
        }
        process.stdout.write(text.replace(/^/gm, "# "));
      }
      if (!options.keep) cleanUp();
      else process.stdout.write(`# --keep: containers, bridge and ${WORK_DIR} are left in place\n`);
    });
    if (broken !== undefined || !context) {
      test("the rehearsal sets up and converges", () => {
        throw broken instanceof Error ? broken : new Error(String(broken));
      });
      return;
    }
    checks(context);
  });
}

if (process.env[INNER] === "1") void inner(parseArgs(process.argv.slice(2)));
else void outer(process.argv.slice(2));
