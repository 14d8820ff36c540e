import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Service } from "../../config";
import { sshConnection } from "../shared/connection";
import { contentHash } from "../shared/hash";
import { mapInput, mapInputs } from "../shared/input";
import { nodeAccess, type ContainerPlatform } from "../shared/platform";
import { renderAccount } from "./account";
import { containerArgs } from "./container";
import { execStdinCommand, fetchFileCommand, renderPushFiles, renderRecipeScript, secretFileCommand, type ResolvedFile } from "./push-files";
import { appRecipe } from "./recipes";
import type { AdminAccount, FetchedFile, ProvisionFile, Recipe } from "./types";

export type { ProvisionFile, Recipe } from "./types";
export { DB_ENV_KEYS, DB_ENV_PATH } from "./db-env";

export interface LxcServiceArgs {
  /** The service from the model: placement, sizes, mounts, devices. */
  readonly service: Service;
  readonly platform: ContainerPlatform;
  /** The install recipe. Defaults to the catalog recipe of the service's app (none for infrastructure roles). */
  readonly recipe?: Recipe;
  /** Files other components render for this service (configs, 0600 env files with secrets). */
  readonly files?: readonly ProvisionFile[];
  /** Resources that must exist before the container is created (dataset directories, the infrastructure). */
  readonly dependsOn?: readonly pulumi.Resource[];
  /**
   * Resources only the recipe waits for (the app's database and extensions): the container itself,
   * and the next container of its creation lane, do not wait for them.
   */
  readonly recipeAfter?: readonly pulumi.Resource[];
}

const DEFAULT_OWNER = "root:root";
/** Login name of the admin a claimed app is given. */
const ADMIN_USER = "admin";

/**
 * One LXC per service: the container with its bind mounts, then its provisioning through `pct` on the
 * host: the service's account and plain files, each secret file on its own through stdin, and the
 * recipe. Containers are cattle: every command is replaced with the container, so it runs again.
 */
export class LxcService extends pulumi.ComponentResource {
  public readonly vmId: pulumi.Output<number>;
  public readonly ip: string;
  /** The service's name in the model. */
  public readonly service: string;
  public readonly container: proxmoxve.ContainerLegacy;
  /** The last provisioning step: depend on it to wait until the app is installed and configured. */
  public readonly provisioned: pulumi.Resource;
  /** The first admin a `firstBoot: claimed` app gets at converge (password secret), else undefined. */
  public readonly admin: AdminAccount | undefined;

  constructor(name: string, args: LxcServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:LxcService", name, {}, opts);
    const { service: s, platform } = args;
    this.container = createContainer(name, args, this);

    // A claimed app gets its admin from a generated password before it first answers (no setup page).
    this.admin = s.firstBoot === "claimed" && !args.recipe ? claimedAdmin(name, this) : undefined;
    const recipe = args.recipe ?? appRecipe(s, { lanCidr: platform.network.cidrText, ...(this.admin ? { admin: this.admin } : {}) });
    if (!recipe && s.role === "app") throw new Error(`${s.configPath}.install: nothing installs ${s.name}; the config checks should have caught this`);
    const files = [...(recipe?.files ?? []), ...(args.files ?? [])];
    const plain = files.filter((f) => !f.secret);
    // The component's secret files first, then the recipe's: step names stay stable as recipes gain secrets.
    // Each secret's content as one secret Output, shared by its push and the triggers that carry it.
    const secrets = [...(args.files ?? []), ...(recipe?.files ?? [])].filter((f) => f.secret).map((f) => ({ ...f, content: pulumi.secret(f.content) }));
    const steps: Steps = {
      name,
      vmId: s.vmId,
      connection: sshConnection(nodeAccess(platform, s.node).connection),
      // Whatever replaces the container (template, mounts, keys, datastore, a smaller disk...) replaces
      // every provisioning command with it, so a rebuilt, blank container is provisioned again.
      options: { parent: this, replaceWith: [this.container] },
    };

    const pushScript = mapInputs(
      plain.map((f) => f.content),
      (contents) =>
        renderPushFiles(
          renderAccount(s),
          plain.map((f, i): ResolvedFile => ({ path: f.path, content: contents[i] ?? "", mode: f.mode ?? "0644", owner: f.owner ?? DEFAULT_OWNER })),
        ),
    );
    const pushHash = mapInput(pushScript, (text) => contentHash(text));
    const prepare = pushFilesStep(steps, pushScript, pushHash, this.container);
    const secretSteps = secrets.map((f, i) => secretFileStep(steps, f, i, prepare));
    // Pinned downloads (a helper script at its commit) are fetched by the host, which has the internet
    // access the converge already relies on, and written into the container before the recipe runs.
    const fetchSteps = (recipe?.fetched ?? []).map((f, i) => fetchStep(steps, f, i, prepare));
    this.provisioned = recipe
      ? provisionStep(steps, recipe, pushHash, secrets, [prepare, ...secretSteps, ...fetchSteps, ...(args.recipeAfter ?? [])])
      : (secretSteps[secretSteps.length - 1] ?? prepare);
    this.vmId = this.container.vmId;
    this.ip = s.ip;
    this.service = s.name;
    this.registerOutputs({ vmId: this.vmId, ip: this.ip });
  }
}

/*
 * Each resource is made in a small function of its own. While the SDK registers a resource it takes
 * the stack of every promise it makes, and V8 finds a frame's source position by walking its function
 * from the top, so a resource made deep inside a long constructor cost the SDK more than the same
 * resource made here (docs/benchmark.md).
 */

/** What every provisioning command of one container shares. */
interface Steps {
  readonly name: string;
  readonly vmId: number;
  readonly connection: command.types.input.remote.ConnectionArgs;
  readonly options: { readonly parent: pulumi.Resource; readonly replaceWith: pulumi.Resource[] };
}

function createContainer(name: string, args: LxcServiceArgs, parent: LxcService): proxmoxve.ContainerLegacy {
  const { service: s, platform } = args;
  const lane = platform.lanes.take(s.role === "app" ? "app" : "infra", s.name);
  const container = new proxmoxve.ContainerLegacy(`${name}-container`, containerArgs(s, platform), {
    parent,
    provider: platform.provider,
    dependsOn: [...lane.after, ...(args.dependsOn ?? [])],
    // The vmId is fixed, so the old container must go before its replacement can take the id.
    deleteBeforeReplace: true,
  });
  lane.done(container);
  return container;
}

function claimedAdmin(name: string, parent: LxcService): AdminAccount {
  return { user: ADMIN_USER, password: pulumi.secret(new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent }).result) };
}

/** The account and every plain file, in one script through stdin. */
function pushFilesStep(steps: Steps, script: pulumi.Input<string>, hash: pulumi.Input<string>, container: pulumi.Resource): command.remote.Command {
  return new command.remote.Command(
    `${steps.name}-files`,
    { connection: steps.connection, create: execStdinCommand(steps.vmId), stdin: script, triggers: [hash], addPreviousOutputInEnv: false },
    { ...steps.options, dependsOn: [container] },
  );
}

function secretFileStep(steps: Steps, f: ProvisionFile, index: number, after: pulumi.Resource): command.remote.Command {
  return new command.remote.Command(
    `${steps.name}-secret-${index}`,
    {
      connection: steps.connection,
      create: secretFileCommand(steps.vmId, f.path, f.mode ?? "0600", f.owner ?? DEFAULT_OWNER),
      stdin: f.content,
      // The secret itself is the trigger: it stays encrypted in state, and a new value is pushed.
      triggers: [f.path, f.content],
      logging: "none",
      addPreviousOutputInEnv: false,
    },
    { ...steps.options, dependsOn: [after], additionalSecretOutputs: ["stdout", "stderr"] },
  );
}

function fetchStep(steps: Steps, f: FetchedFile, index: number, after: pulumi.Resource): command.remote.Command {
  return new command.remote.Command(
    `${steps.name}-fetch-${index}`,
    { connection: steps.connection, create: fetchFileCommand(steps.vmId, f), triggers: [f.url, f.sha256 ?? "", f.path], addPreviousOutputInEnv: false },
    { ...steps.options, dependsOn: [after] },
  );
}

function provisionStep(steps: Steps, recipe: Recipe, pushHash: pulumi.Input<string>, secrets: readonly ProvisionFile[], after: readonly pulumi.Resource[]): command.remote.Command {
  const script = renderRecipeScript(recipe.script, `${steps.name}-provision`, steps.vmId);
  const hasSecrets = secrets.length > 0;
  return new command.remote.Command(
    `${steps.name}-provision`,
    {
      connection: steps.connection,
      create: execStdinCommand(steps.vmId),
      stdin: script,
      // Re-run when the script, a plain file or a secret file changes (and, by replaceWith, on a rebuilt container).
      triggers: [mapInput(pushHash, (h) => contentHash(script, h)), ...secrets.map((f) => f.content)],
      // A recipe that reads secrets could print them on failure.
      logging: hasSecrets ? "none" : "stdoutAndStderr",
      // A recipe's apt and docker output would otherwise be handed to its next run and kept in state.
      addPreviousOutputInEnv: false,
    },
    { ...steps.options, dependsOn: [...after], additionalSecretOutputs: hasSecrets ? ["stdout", "stderr"] : [] },
  );
}
