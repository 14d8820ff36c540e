import { at, type BadInput } from "./types";

/** Infrastructure declared while its component is off, receivers Alertmanager cannot call, open Access domains, plain credentials nobody uses. */

type Obj = Record<string, unknown>;

export const cases: BadInput[] = [
  {
    name: "grafana declared with monitoring disabled",
    mutate: (c) => void (at(c, "homelab:monitoring").enabled = false),
    path: "homelab:services.grafana",
    message: /^runs grafana, but homelab:monitoring\.enabled is false: it would get datasets and \d+ MiB of the RAM budget, and no container\. Remove the service, or turn its component on \(homelab:monitoring\.enabled: true\)$/,
  },
  {
    name: "prometheus declared with monitoring disabled",
    mutate: (c) => void (at(c, "homelab:monitoring").enabled = false),
    path: "homelab:services.prometheus",
    message: /runs prometheus, but homelab:monitoring\.enabled is false/,
  },
  {
    name: "traefik declared with the tunnel disabled",
    mutate: (c) => void (at(c, "homelab:ingress").enabled = false),
    path: "homelab:services.traefik",
    message: /runs traefik, but homelab:ingress\.enabled is false: .*Remove the service/,
  },
  {
    name: "cloudflared declared with no ingress section at all",
    mutate: (c) => void delete c["homelab:ingress"],
    path: "homelab:services.cloudflared",
    message: /runs cloudflared, but homelab:ingress is not configured/,
  },
  {
    name: "the postgres service declared with the shared Postgres disabled",
    mutate: (c) => {
      at(c, "homelab:postgres").enabled = false;
      for (const app of ["immich", "nextcloud", "n8n", "vaultwarden"]) at(c, "homelab:services", app).database = false;
    },
    path: "homelab:services.postgres",
    message: /runs postgres, but homelab:postgres\.enabled is false/,
  },
  {
    name: "an ntfy receiver over ftp",
    mutate: (c) => void (at(c, "homelab:monitoring").receivers = [{ type: "ntfy", name: "phone", url: "ftp://ntfy.sh", topic: "alerts" }]),
    path: "homelab:monitoring.receivers.0.url",
    message: /must be an http:\/\/ or https:\/\/ URL: Alertmanager sends notifications over HTTP only \(got the string 'ftp:\/\/ntfy\.sh'\)/,
  },
  {
    name: "a webhook receiver given as a mailto address",
    mutate: (c) => void (at(c, "homelab:monitoring").receivers = [{ type: "webhook", name: "ops", url: "mailto:ops@harmeetrai.com" }]),
    path: "homelab:monitoring.receivers.0.url",
    message: /must be an http:\/\/ or https:\/\/ URL/,
  },
  {
    name: "a webhook receiver pointing at a file",
    mutate: (c) => void (at(c, "homelab:monitoring").receivers = [{ type: "webhook", name: "ops", url: "file:///var/log/alerts" }]),
    path: "homelab:monitoring.receivers.0.url",
    message: /must be an http:\/\/ or https:\/\/ URL/,
  },
  {
    name: "gmail.com as an Access email domain",
    mutate: (c) => void (at(c, "homelab:ingress", "access").emailDomains = ["gmail.com"]),
    path: "homelab:ingress.access.emailDomains.0",
    message: /^gmail\.com is a public mail domain: anyone can get an address there and pass Cloudflare Access\. .*acceptPublicMailDomains: true/,
  },
  {
    name: "a national GMX domain as an Access email domain",
    mutate: (c) => void (at(c, "homelab:ingress", "access").emailDomains = ["harmeetrai.com", "gmx.de"]),
    path: "homelab:ingress.access.emailDomains.1",
    message: /gmx\.de is a public mail domain/,
  },
  {
    name: "proton.me as an Access email domain",
    mutate: (c) => void (at(c, "homelab:ingress", "access").emailDomains = ["proton.me"]),
    path: "homelab:ingress.access.emailDomains.0",
    message: /proton\.me is a public mail domain/,
  },
  {
    name: "an SMTP password in plain text while no receiver sends email",
    mutate: (c) => void (c["homelab:smtpPassword"] = "hunter2hunter2"),
    path: "homelab:smtpPassword",
    message: /is stored in plain text; set it again with: pulumi config set --secret homelab:smtpPassword <value>/,
  },
  {
    name: "a Proxmox API token in plain text while the password is used",
    mutate: (c) => void (c["proxmoxve:apiToken"] = "root@pam!homelab=0000-1111"),
    path: "proxmoxve:apiToken",
    message: /is stored in plain text/,
  },
  {
    name: "a credential of another provider in plain text",
    mutate: (c) => void (c["aws:secretKey"] = "wJalrXUtnFEMI"),
    path: "aws:secretKey",
    message: /is stored in plain text; set it again with: pulumi config set --secret aws:secretKey <value>/,
  },
  {
    name: "a password nested in a provider's settings in plain text",
    mutate: (c) => void (c["proxmoxve:ssh"] = { username: "root", password: "hunter2hunter2" } as Obj),
    path: "proxmoxve:ssh.password",
    message: /is stored in plain text; set it again with: pulumi config set --secret --path 'proxmoxve:ssh\.password' <value>/,
  },
];
