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
import { appRecipe, type AdminAccount } from "./recipes";
import type { ProvisionFile, Recipe } from "./types";

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
    const lane = platform.lanes.take(s.role === "app" ? "app" : "infra", s.name);
    this.container = new proxmoxve.ContainerLegacy(`${name}-container`, containerArgs(s, platform), {
      parent: this,
      provider: platform.provider,
      dependsOn: [...lane.after, ...(args.dependsOn ?? [])],
      // The vmId is fixed, so the old container must go before its replacement can take the id.
      deleteBeforeReplace: true,
    });
    lane.done(this.container);

    // A claimed app gets its admin from a generated password before it first answers (no setup page).
    this.admin =
      s.firstBoot === "claimed" && !args.recipe
        ? { user: ADMIN_USER, password: pulumi.secret(new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this }).result) }
        : undefined;
    const recipe = args.recipe ?? appRecipe(s, { lanCidr: platform.network.cidrText, ...(this.admin ? { admin: this.admin } : {}) });
    if (!recipe && s.role === "app") throw new Error(`${s.configPath}.install: nothing installs ${s.name}; the config checks should have caught this`);
    const files = [...(recipe?.files ?? []), ...(args.files ?? [])];
    const plain = files.filter((f) => !f.secret);
    // The component's secret files first, then the recipe's: step names stay stable as recipes gain secrets.
    // Each secret's content as one secret Output, shared by its push and the triggers that carry it.
    const secrets = [...(args.files ?? []), ...(recipe?.files ?? [])].filter((f) => f.secret).map((f) => ({ ...f, content: pulumi.secret(f.content) }));
    const connection = sshConnection(nodeAccess(platform, s.node).connection);
    // Whatever replaces the container (template, mounts, keys, datastore, a smaller disk...) replaces
    // every provisioning command with it, so a rebuilt, blank container is provisioned again.
    const provisioning = { parent: this, replaceWith: [this.container] };

    const pushScript = mapInputs(
      plain.map((f) => f.content),
      (contents) =>
        renderPushFiles(
          renderAccount(s),
          plain.map((f, i): ResolvedFile => ({ path: f.path, content: contents[i] ?? "", mode: f.mode ?? "0644", owner: f.owner ?? DEFAULT_OWNER })),
        ),
    );
    const pushHash = mapInput(pushScript, (text) => contentHash(text));
    const prepare = new command.remote.Command(
      `${name}-files`,
      { connection, create: execStdinCommand(s.vmId), stdin: pushScript, triggers: [pushHash], addPreviousOutputInEnv: false },
      { ...provisioning, dependsOn: [this.container] },
    );

    const secretSteps = secrets.map(
      (f, i) =>
        new command.remote.Command(
          `${name}-secret-${i}`,
          {
            connection,
            create: secretFileCommand(s.vmId, f.path, f.mode ?? "0600", f.owner ?? DEFAULT_OWNER),
            stdin: f.content,
            // The secret itself is the trigger: it stays encrypted in state, and a new value is pushed.
            triggers: [f.path, f.content],
            logging: "none",
            addPreviousOutputInEnv: false,
          },
          { ...provisioning, dependsOn: [prepare], additionalSecretOutputs: ["stdout", "stderr"] },
        ),
    );

    // Pinned downloads (a helper script at its commit) are fetched by the host, which has the internet
    // access the converge already relies on, and written into the container before the recipe runs.
    const fetchSteps = (recipe?.fetched ?? []).map(
      (f, i) =>
        new command.remote.Command(
          `${name}-fetch-${i}`,
          { connection, create: fetchFileCommand(s.vmId, f), triggers: [f.url, f.sha256 ?? "", f.path], addPreviousOutputInEnv: false },
          { ...provisioning, dependsOn: [prepare] },
        ),
    );

    let last: pulumi.Resource = secretSteps[secretSteps.length - 1] ?? prepare;
    if (recipe) {
      const script = renderRecipeScript(recipe.script);
      const hasSecrets = secrets.length > 0;
      last = new command.remote.Command(
        `${name}-provision`,
        {
          connection,
          create: execStdinCommand(s.vmId),
          stdin: script,
          // Re-run when the script, a plain file or a secret file changes (and, by replaceWith, on a rebuilt container).
          triggers: [mapInput(pushHash, (h) => contentHash(script, h)), ...secrets.map((f) => f.content)],
          // A recipe that reads secrets could print them on failure.
          logging: hasSecrets ? "none" : "stdoutAndStderr",
          // A recipe's apt and docker output would otherwise be handed to its next run and kept in state.
          addPreviousOutputInEnv: false,
        },
        { ...provisioning, dependsOn: [prepare, ...secretSteps, ...fetchSteps, ...(args.recipeAfter ?? [])], additionalSecretOutputs: hasSecrets ? ["stdout", "stderr"] : [] },
      );
    }
    this.provisioned = last;
    this.vmId = this.container.vmId;
    this.ip = s.ip;
    this.service = s.name;
    this.registerOutputs({ vmId: this.vmId, ip: this.ip });
  }
}
