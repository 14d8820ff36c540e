import { at, type BadInput } from "./types";

/** Values of the wrong type and app names nobody knows: each message says what was expected, what was given and the fix. */

type Obj = Record<string, unknown>;
const services = (c: Obj): Obj => at(c, "homelab:services");
const service = (c: Obj, name: string): Obj => at(c, "homelab:services", name);

export const cases: BadInput[] = [
  {
    name: "a memory size written with a unit",
    mutate: (c) => void (service(c, "immich").memoryMiB = "2GB"),
    path: "homelab:services.immich.memoryMiB",
    message: /^expected a number, got the string '2GB'; write a plain number in the unit the key names/,
  },
  {
    name: "a vmId in quotes",
    mutate: (c) => void (service(c, "immich").vmId = "301"),
    path: "homelab:services.immich.vmId",
    message: /^expected a number, got the string '301'; remove the quotes: 301$/,
  },
  {
    name: "allowDataLoss written as no",
    mutate: (c) => void (c["homelab:allowDataLoss"] = "no"),
    path: "homelab:allowDataLoss",
    message: /^expected true or false, got the string 'no'; write false \(YAML reads yes\/no\/on\/off as strings\)$/,
  },
  {
    name: "a core count that is not a whole number",
    mutate: (c) => void (service(c, "n8n").cores = 1.5),
    path: "homelab:services.n8n.cores",
    message: /^expected a whole number, got the number 1\.5; write a whole number, e.g. 2$/,
  },
  {
    name: "a dataset quota written as a size",
    mutate: (c) => void (at(c, "homelab:storage", "datasets", "media").quotaGiB = "30TB"),
    path: "homelab:storage.datasets.media.quotaGiB",
    message: /^expected a number, got the string '30TB'/,
  },
  {
    name: "the DNS servers given as one string instead of a list",
    mutate: (c) => void (at(c, "homelab:network").dns = "192.168.1.1"),
    path: "homelab:network.dns",
    message: /^expected a list, got the string '192\.168\.1\.1'; write a list: \[a, b\]/,
  },
  {
    name: "the domain given as a number",
    mutate: (c) => void (c["homelab:domain"] = 42),
    path: "homelab:domain",
    message: /^expected a string, got the number 42; put the value in quotes/,
  },
  {
    name: "an exposure that is not one of the three",
    mutate: (c) => void (service(c, "uptime-kuma").web = { exposure: "internet" }),
    path: "homelab:services.uptime-kuma.web.exposure",
    message: /^must be one of 'public', 'protected', 'lan', got the string 'internet'$/,
  },
  {
    name: "a receiver of a type Alertmanager is not configured for here",
    mutate: (c) => void (at(c, "homelab:monitoring").receivers = [{ type: "slack", name: "chat", url: "https://hooks.slack.com/x" }]),
    path: "homelab:monitoring.receivers.0.type",
    message: /^must be one of 'ntfy', 'email', 'webhook', got the string 'slack'$/,
  },
  {
    name: "an app name neither in the catalog nor described",
    mutate: (c) => void (services(c).homeassistant = { vmId: 140, ip: "192.168.1.140" }),
    path: "homelab:services.homeassistant",
    message: /^'homeassistant' is not a catalog app \(catalog: cloudflared, grafana, immich, .*vaultwarden\) and is not described in full: it lacks cores, memoryMiB, diskGiB, user, install\. Set app: <catalog app>.*or describe the app with/,
  },
  {
    name: "a misspelt catalog app used as the service name",
    mutate: (c) => {
      const s = services(c);
      s.jelyfin = s.jellyfin;
      delete s.jellyfin;
    },
    path: "homelab:services.jelyfin",
    message: /'jelyfin' is not a catalog app .*jellyfin/,
  },
  {
    name: "an app outside the catalog with only its sizes",
    mutate: (c) => void (services(c).paperless = { vmId: 141, ip: "192.168.1.141", cores: 2, memoryMiB: 2048, diskGiB: 8 }),
    path: "homelab:services.paperless",
    message: /'paperless' is not a catalog app .* it lacks user, install\./,
  },
];
