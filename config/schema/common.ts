import * as z from "zod";
import { isDnsLabel, isDomainName, isEmail, isPgIdentifier } from "../names";
import { isIpv4 } from "../net";
import { checkProxmoxCalendar } from "../proxmox-calendar";
import { checkSystemdCalendar, type CalendarCheck } from "../systemd-calendar";

export const ipv4 = z.string().refine(isIpv4, { message: "must be an IPv4 address like 192.168.1.20" });
export const dnsLabel = z
  .string()
  .refine(isDnsLabel, { message: "must be a DNS label: 1-63 of a-z, 0-9 and inner hyphens" });
export const domainName = z
  .string()
  .refine(isDomainName, { message: "must be a lower-case domain name like example.com" });
export const pgIdentifier = z.string().refine(isPgIdentifier, {
  message: "must be a PostgreSQL identifier: a-z, 0-9 and _, starting with a letter or _, at most 63, not pg_*",
});
export const email = z.string().refine(isEmail, { message: "must be an email address" });
export const absolutePath = z
  .string()
  .regex(/^\/[A-Za-z0-9._\/-]*$/, { message: "must be an absolute path of letters, digits, '.', '_', '-' and '/'" })
  .refine((p) => !p.split("/").includes(".."), { message: "must not contain '..'" });
export const relativePath = z
  .string()
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { message: "must be a relative path like media/movies" })
  .refine((p) => !p.split("/").includes(".."), { message: "must not contain '..'" });
/** A calendar expression checked by `check`; the message says why it was refused and what would work. */
const calendarEvent = (check: (e: string) => CalendarCheck, what: string, examples: string) =>
  z.string().superRefine((expression, ctx) => {
    const result = check(expression);
    if (!result.ok) ctx.addIssue({ code: "custom", message: `must be ${what} like ${examples}: ${result.reason}`, input: expression });
  });
/** A systemd OnCalendar expression (systemd.time(7)), as `systemd-analyze calendar` accepts it. */
export const calendar = calendarEvent(checkSystemdCalendar, "a systemd OnCalendar expression (systemd.time(7))", "'*-*-* 03:00:00', 'Sun 05:00' or 'daily'");
/** A Proxmox VE calendar event (pve-docs "Schedule Format"), as vzdump jobs take it. */
export const proxmoxCalendar = calendarEvent(checkProxmoxCalendar, "a Proxmox calendar event (pve-docs \"Schedule Format\")", "'sun 01:00', 'mon..fri 22:00' or 'daily'");
/** A SHA-256 checksum as `sha256sum` prints it. */
export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: "must be a SHA-256 checksum: 64 lower-case hex characters" });
export const port = z.number().int().min(1).max(65535);
/** What a tier is for: fast (NVMe, SSD) for hot data and databases, bulk (RAID, NAS) for large data. */
export const tierClass = z.enum(["fast", "bulk"]);
export type TierClass = z.infer<typeof tierClass>;
/** Why a key of homelab:storage.tiers cannot name a tier (nvme, raid, ssd, nas, ...), or undefined. */
export function tierNameProblem(name: string): string | undefined {
  if ((tierClass.options as readonly string[]).includes(name)) {
    return "fast and bulk are tier classes, not tier names: name the tier for its disk (nvme, ssd, raid, nas) and set class: fast or bulk";
  }
  return isDnsLabel(name) ? undefined : `tier names must be DNS labels (1-63 of a-z, 0-9 and inner hyphens), got '${name}': rename it, e.g. nas`;
}
export type TierName = string;
/** Where a dataset lives: a tier's name, or a class for that class's default tier (the catalog says fast or bulk). */
export const tierRef = dnsLabel;
/** Who may reach a route: anyone, only identities allowed by Cloudflare Access, or only the LAN. */
export const exposure = z.enum(["public", "protected", "lan"]);
export type Exposure = z.infer<typeof exposure>;
