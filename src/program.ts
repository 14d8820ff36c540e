import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadHomelab, SECRET_KEYS, type Homelab } from "../config";
import { homelab, type HomelabOutputs } from "./homelab";
import type { HomelabSecrets } from "./secrets";

const NAMESPACE = "homelab:";

const parseValue = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

const isSecretKey = (key: string): boolean => (SECRET_KEYS as readonly string[]).includes(key);

/** Reads the `homelab:*` config and which secrets are set from the running Pulumi program's config. */
export function readConfig(): { homelab: Record<string, unknown>; presentSecrets: Set<string>; plainSecrets: Set<string> } {
  const all = pulumi.runtime.allConfig();
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  const homelabConfig: Record<string, unknown> = {};
  const presentSecrets = new Set<string>();
  const plainSecrets = new Set<string>();
  for (const [key, value] of Object.entries(all)) {
    if (isSecretKey(key)) {
      presentSecrets.add(key);
      if (runtime.isConfigSecret && !runtime.isConfigSecret(key)) plainSecrets.add(key);
    } else if (key.startsWith(NAMESPACE)) {
      homelabConfig[key.slice(NAMESPACE.length)] = parseValue(value);
    }
  }
  return { homelab: homelabConfig, presentSecrets, plainSecrets };
}

const secret = (key: string): pulumi.Output<string> | undefined => {
  const [ns, name] = key.split(":") as [string, string];
  return new pulumi.Config(ns).getSecret(name);
};

/** Secret config as Outputs; the checks guarantee that the ones this homelab needs are set. */
export function readSecrets(): HomelabSecrets {
  return {
    proxmoxPassword: secret("proxmoxve:password"),
    proxmoxApiToken: secret("proxmoxve:apiToken"),
    hostSshPrivateKey: secret("homelab:hostSshPrivateKey") ?? pulumi.secret(""),
    cloudflareApiToken: secret("cloudflare:apiToken"),
    b2ApplicationKeyId: secret("b2:applicationKeyId"),
    b2ApplicationKey: secret("b2:applicationKey"),
    resticPassword: secret("homelab:resticPassword"),
    ntfyToken: secret("homelab:ntfyToken"),
    smtpPassword: secret("homelab:smtpPassword"),
    webhookToken: secret("homelab:webhookToken"),
  };
}

/** Validates the whole stack file first; nothing is registered unless it is valid. */
export function loadModel(): Homelab {
  const result = loadHomelab(readConfig());
  if (!result.ok) throw new ConfigError(result.problems);
  return result.model;
}

/**
 * Loads the model or ends the program with one line per problem. RunError makes Pulumi print the
 * message alone, without a stack trace.
 */
export function loadModelOrExit(): Homelab {
  try {
    return loadModel();
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(`invalid stack configuration:\n${error.message}`);
    throw error;
  }
}

/** The stack program: load, validate, compose. */
export function program(): HomelabOutputs {
  return homelab(loadModelOrExit(), readSecrets());
}
