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

/** A key whose name says it holds a credential (`b2:applicationKey`, `proxmoxve:ssh.password`, `aws:secretKey`). */
const looksSecret = (name: string): boolean =>
  /(password|passwd|passphrase|secret|token|apikey|privatekey|applicationkey|accesskey|credential)/.test(name.toLowerCase().replace(/[-_]/g, ""));

/** Dotted paths below `prefix` of every non-empty string stored under a secret-looking key. */
function plainCredentials(value: unknown, prefix: string): string[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = `${prefix}.${k}`;
    if (typeof v === "string" && v !== "" && looksSecret(k)) return [path];
    return plainCredentials(v, path);
  });
}

/** Reads the `homelab:*` config and which secrets are set from the running Pulumi program's config. */
export function readConfig(): { homelab: Record<string, unknown>; presentSecrets: Set<string>; plainSecrets: Set<string> } {
  const all = pulumi.runtime.allConfig();
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  const homelabConfig: Record<string, unknown> = {};
  const presentSecrets = new Set<string>();
  const plainSecrets = new Set<string>();
  for (const [key, value] of Object.entries(all)) {
    // Any credential written in plain text is flagged, whether or not this homelab reads it.
    const plain = runtime.isConfigSecret !== undefined && !runtime.isConfigSecret(key);
    if (isSecretKey(key)) {
      presentSecrets.add(key);
      if (plain) plainSecrets.add(key);
    } else {
      if (plain && looksSecret(key.slice(key.indexOf(":") + 1)) && value !== "") plainSecrets.add(key);
      if (plain) for (const path of plainCredentials(parseValue(value), key)) plainSecrets.add(path);
      if (key.startsWith(NAMESPACE)) homelabConfig[key.slice(NAMESPACE.length)] = parseValue(value);
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
