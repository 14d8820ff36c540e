import type { Homelab, Problem, Service } from "../model";

/** The major of a version: its first number after an optional "v" (v1.135.3 -> 1, 31.0.6-apache -> 31). */
export function majorOf(version: string): number | undefined {
  const match = /^v?(\d+)/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** A service whose stack file says what runs now (`install.from`), with both majors readable. */
interface Step {
  readonly service: Service;
  readonly from: string;
  readonly fromMajor: number;
  readonly toMajor: number;
}

function stepOf(service: Service): Step | undefined {
  const from = service.install.from;
  if (from === undefined) return undefined;
  const fromMajor = majorOf(from);
  const toMajor = majorOf(service.install.version);
  if (fromMajor === undefined || toMajor === undefined) return undefined;
  return { service, from, fromMajor, toMajor };
}

const fromPath = (s: Service): string => `${s.configPath}.install.from`;

/** "v2.x" for a v-prefixed pin like Immich's, "32.x" otherwise. */
const releaseLine = (pin: string, major: number): string => `${pin.startsWith("v") ? "v" : ""}${major}.x`;

const backupClause = (s: Service): string => (s.upgrade?.backupFirst ? `; back up ${s.name}'s data before each step` : "");

/**
 * The running version must read as a version, and an app whose vendor upgrades one major at a time
 * may not skip one: the error names every release line to run in between.
 */
export function checkUpgrades(model: Homelab): Problem[] {
  const problems: Problem[] = [];
  for (const s of model.services) {
    const from = s.install.from;
    if (from !== undefined && majorOf(from) === undefined) {
      problems.push({ path: fromPath(s), message: `'${from}' must be the version running now, starting with its number (like ${s.install.version})` });
    }
    const step = stepOf(s);
    if (!step || !s.upgrade?.oneMajorAtATime || step.toMajor - step.fromMajor <= 1) continue;
    const between: string[] = [];
    for (let m = step.fromMajor + 1; m < step.toMajor; m++) between.push(releaseLine(s.install.version, m));
    problems.push({
      path: `${s.configPath}.install.version`,
      message:
        `${s.install.version} skips ${between.length === 1 ? "a major" : `${between.length} majors`} after the running ${step.from} (${fromPath(s)}), and ${s.app} upgrades one major at a time: ` +
        `set install.version to a ${between.join(" release, then a ")} release first, run pulumi up and set install.from to it after each step, then ${s.install.version}${backupClause(s)}`,
    });
  }
  return problems;
}

/**
 * Plan warnings: a pin whose major differs from what runs now is a migration, not an update. Each line
 * starts with "warning:" and carries the app's own rule and notes.
 */
export function upgradeWarnings(model: Homelab): string[] {
  const lines: string[] = [];
  for (const s of model.services) {
    const step = stepOf(s);
    if (!step || step.toMajor === step.fromMajor) continue;
    const direction = step.toMajor > step.fromMajor ? "upgrade" : "downgrade";
    const rule = [s.upgrade?.backupFirst ? `back up ${s.name}'s data first` : "", s.upgrade?.note ?? ""].filter((x) => x !== "");
    lines.push(
      `warning: ${s.name}: runs ${step.from} (${fromPath(s)}), pins ${s.install.version}: a major ${direction} (${step.fromMajor} -> ${step.toMajor})${rule.length > 0 ? `; ${rule.join("; ")}` : ""}`,
    );
  }
  return lines;
}
