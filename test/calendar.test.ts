import assert from "node:assert/strict";
import { test } from "node:test";
import { checkProxmoxCalendar } from "../config/proxmox-calendar";
import { checkSystemdCalendar } from "../config/systemd-calendar";
import { requireTool, run } from "./tools";

/**
 * The schedule validators against the tools that read the schedules: every systemd expression here
 * is also given to the real `systemd-analyze calendar`, which must agree with the expected verdict.
 */

/** The shorthands both systemd and Proxmox take (each also a few of its own). */
const SHORTHANDS = ["minutely", "hourly", "weekly", "monthly", "yearly", "annually", "quarterly", "semiannually", "semi-annually"].map((e) => [e, true] as const);

const SYSTEMD: readonly (readonly [string, boolean])[] = [
  // valid
  ["*-*-* 03:00:00", true],
  ["Sun *-*-* 05:00:00", true],
  ["*-*-01 06:00:00", true],
  ["sun 01:00", true],
  ["daily", true],
  ["DAILY", true],
  ...SHORTHANDS,
  ["Mon..Fri 22:30", true],
  ["Mon-Wed", true],
  ["mon,wed,FRI *-*-* 12:00", true],
  ["Sat,Sun", true],
  ["Mon,", true],
  ["Monday..Wednesday 3:0", true],
  ["*:0/15", true],
  ["*:*", true],
  ["*:*:*", true],
  ["*:*:30.5", true],
  ["*:*:0..59/60", true],
  ["*-*~01", true],
  ["*-02~03/2", true],
  ["*-*~28", true],
  ["2024-02-29 12:00", true],
  ["24-02-29", true],
  ["2024..2030-01-01", true],
  ["*-01,04,07,10-01 00:00:00", true],
  ["Sat *-*-1..7 15:00", true],
  ["10/13:00", true],
  ["5..5:00", true],
  ["@1700000000", true],
  ["daily UTC", true],
  ["*-*-* 03:00 utc", true],
  ["daily Europe/Berlin", true],
  ["Mon  12:00", true],
  // invalid
  ["", false],
  ["0 3 * * *", false],
  ["every day at 3am", false],
  ["daily at 03:00", false],
  ["*-*-* 24:00:00", false],
  ["*-*-* 12:60", false],
  ["*:*:60", false],
  ["*-13-01", false],
  ["*-*-32", false],
  ["*-*~29", false],
  ["*-*~1/2", false],
  ["Fri..Mon", false],
  ["Mon..", false],
  ["Mon,,Tue", false],
  ["Mon.Tue", false],
  ["Sunny 10:00", false],
  ["*-*-* */2:00", false],
  ["10/14:00", false],
  ["6..5:00", false],
  ["*:*:5..5", false],
  ["*:*:05.", false],
  ["1969-01-01", false],
  ["2200-01-01", false],
  ["12:00 2024-01-01", false],
  ["daily ", false],
  [" daily", false],
  ["daily europe/berlin", false],
  ["daily Mars/Olympus", false],
  ["12.5:00", false],
  ["*-*-* 0/0:00", false],
];

const PROXMOX: readonly (readonly [string, boolean])[] = [
  // the examples of pve-docs' "Schedule Format"
  ["mon,tue,wed,thu,fri", true],
  ["mon..fri", true],
  ["sat,sun", true],
  ["sat..sun", true],
  ["mon,wed,fri", true],
  ["12:05", true],
  ["*/5", true],
  ["0/5", true],
  ["mon..wed 30/10", true],
  ["mon,tue,wed 30/10", true],
  ["mon..fri 8..17,22:0/15", true],
  ["fri 12..13:5/20", true],
  ["fri 12,13:5/20", true],
  ["12,14,16,18,20,22:5", true],
  ["12/2:5", true],
  ["*", true],
  ["*/1", true],
  ["*-05", true],
  ["Sat *-1..7 15:00", true],
  ["2015-10-21", true],
  ["daily", true],
  ...SHORTHANDS,
  // this project's default and forms from the grammar
  ["sun 01:00", true],
  ["sat..mon 02:00", true],
  ["8:00/15", true],
  ["daily UTC", true],
  ["sun 01:00:30", true],
  // refused by Proxmox's parser
  ["", false],
  ["DAILY", false],
  ["0 1 * * 0", false],
  ["every sunday", false],
  // Proxmox reads an hour out of range as minutes and seconds: this is minute 24, second 0.
  ["sun 24:00", true],
  ["sun 25:61", false],
  ["sun 01:60", false],
  ["*-*~01", false],
  ["@1700000000", false],
  ["daily Europe/Berlin", false],
  ["*:*:30.5", false],
  ["mon-fri", false],
  ["mon..fri,", false],
  ["5..1", false],
  ["sun 01:00 ", false],
  ["*-13-01", false],
];

test("the systemd corpus holds 40 or more expressions, valid and invalid", () => {
  assert.ok(SYSTEMD.length >= 40, `only ${SYSTEMD.length}`);
  assert.ok(SYSTEMD.some(([, ok]) => ok) && SYSTEMD.some(([, ok]) => !ok));
});

for (const [expression, valid] of SYSTEMD) {
  test(`systemd calendar ${JSON.stringify(expression)} is ${valid ? "accepted" : "refused"}`, () => {
    const result = checkSystemdCalendar(expression);
    assert.equal(result.ok, valid, result.ok ? "accepted" : result.reason);
  });
}

/**
 * The expressions `systemd-analyze calendar` accepts, from one run over all of them: it goes on past a
 * failure and names each refused expression on stderr (it prints "Original form" only when it differs).
 */
function acceptedBySystemd(analyze: string, expressions: readonly string[]): Set<string> {
  // "--": a generated expression may start with "-". TZ=UTC: systemd also takes the local zone's abbreviation, which depends on the machine.
  const result = run(analyze, ["calendar", "--", ...expressions], { env: { ...process.env, TZ: "UTC" } });
  const refused = new Set([...result.stderr.matchAll(/^Failed to parse calendar specification '(.*)': /gm)].map((m) => m[1] ?? ""));
  assert.equal(result.status === 0, refused.size === 0, result.stderr);
  return new Set(expressions.filter((e) => !refused.has(e)));
}

test("systemd-analyze calendar agrees with the expected verdict on every expression of the corpus", (t) => {
  const analyze = requireTool(t, "systemd-analyze", "systemd");
  if (!analyze) return;
  const accepted = acceptedBySystemd(analyze, SYSTEMD.map(([e]) => e));
  assert.deepEqual(SYSTEMD.filter(([e, valid]) => accepted.has(e) !== valid), []);
});

test("systemd-analyze calendar and the validator agree on 600 generated expressions", (t) => {
  const analyze = requireTool(t, "systemd-analyze", "systemd");
  if (!analyze) return;
  const pieces = ["*", "0", "1", "5", "12", "23", "24", "31", "59", "60", "2024", "69", "1..5", "5..1", "3..3", "0/15", "10/14", "1,3", "1..10/3", "0..25/10", "~", "-", ":", " ", ".", "..", "/", ",", "Mon", "fri", "Sun..Tue", "Tue..Sun", "sat,sun", "daily", "UTC", "Europe/Berlin", "5.5", "0.25", "x", "01"];
  // A fixed seed (mulberry32): the same expressions on every run, so a failure can be reproduced.
  let seed = 14;
  const next = (n: number): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) % n;
  };
  const pick = (): string => pieces[next(pieces.length)] ?? "";
  // Field values alone, so that many well-formed expressions test the ranges too.
  const numbers = ["*", "0", "1", "5", "12", "23", "24", "31", "59", "60", "1..5", "5..1", "0/15", "10/14", "1,3", "1..10/3", "5.5"];
  const num = (): string => numbers[next(numbers.length)] ?? "";
  const shapes = [
    () => `${num()}-${num()}-${num()} ${num()}:${num()}:${num()}`,
    () => `${["Mon", "sat,sun", "Tue..Fri", ""][next(4)]} ${num()}:${num()}`,
    () => `*-${num()}~${num()} ${num()}:${num()}`,
    () => `${pick()}-${pick()}-${pick()} ${pick()}:${pick()}:${pick()}`,
    () => `${pick()}:${pick()}`,
    () => `${pick()}-${pick()}~${pick()}`,
    () => `${pick()} ${pick()}:${pick()}`,
    () => Array.from({ length: 1 + next(5) }, pick).join(""),
    () => Array.from({ length: 1 + next(4) }, pick).join(" "),
  ];
  const expressions = new Set<string>();
  while (expressions.size < 600) expressions.add(shapes[next(shapes.length)]?.() ?? "");
  const accepted = acceptedBySystemd(analyze, [...expressions]);
  assert.deepEqual([...expressions].filter((e) => accepted.has(e) !== checkSystemdCalendar(e).ok), []);
  assert.ok(accepted.size > 40 && accepted.size < 560, `the generated set must hold both kinds (${accepted.size} accepted)`);
});

for (const [expression, valid] of PROXMOX) {
  test(`Proxmox calendar event ${JSON.stringify(expression)} is ${valid ? "accepted" : "refused"}`, () => {
    const result = checkProxmoxCalendar(expression);
    assert.equal(result.ok, valid, result.ok ? "accepted" : result.reason);
  });
}
