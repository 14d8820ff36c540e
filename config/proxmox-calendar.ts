import type { CalendarCheck } from "./systemd-calendar";

/**
 * A validator for Proxmox VE calendar events (vzdump and replication schedules, the pve-docs
 * "Schedule Format"), following the parser Proxmox runs (the proxmox-time crate):
 * `[WEEKDAY] [[YEARS-]MONTHS-DAYS] [HOURS:MINUTES[:SECONDS]]` with lists, `..` ranges, `/`
 * repetitions and `*` or `*∕N` per field; a single number is minutes; lower-case shorthands;
 * an optional `UTC` suffix. Unlike systemd it has no `~`, no `@epoch`, no fractional seconds
 * and no time zones, and it takes `*∕5` and wrapping weekday ranges like `sat..mon`.
 */

/** What was parsed and what is left, or undefined when the parser does not match here. */
type Parsed<T> = { readonly value: T; readonly rest: string } | undefined;

const SHORTHANDS = new Set(["minutely", "hourly", "daily", "weekly", "monthly", "yearly", "annually", "quarterly", "semiannually", "semi-annually"]);
const WEEKDAY_NAMES = new Set(["monday", "mon", "tuesday", "tue", "wednesday", "wed", "thursday", "thu", "friday", "fri", "saturday", "sat", "sunday", "sun"]);
const U32_MAX = 2 ** 32 - 1;

/** A number below `max` (exclusive, as Proxmox checks it; there is no lower bound). */
function value(text: string, max: number): Parsed<number> {
  const digits = /^\d+/.exec(text)?.[0];
  if (digits === undefined) return undefined;
  const n = Number(digits);
  if (n > U32_MAX || n >= max) return undefined;
  return { value: n, rest: text.slice(digits.length) };
}

/** `v`, `a..b`, `v/n` or `a..b/n`. */
function component(text: string, max: number): Parsed<null> {
  const start = value(text, max);
  if (!start) return undefined;
  let rest = start.rest;
  if (rest.startsWith("..")) {
    const end = value(rest.slice(2), max);
    if (end) {
      if (start.value > end.value) return undefined;
      rest = end.rest;
    }
  }
  if (rest.startsWith("/")) {
    const repeat = value(rest.slice(1), max);
    if (!repeat) return undefined;
    rest = repeat.rest;
  }
  return { value: null, rest };
}

/** `*`, `*∕n` or a comma-separated list of components. */
function list(text: string, max: number): Parsed<null> {
  if (text.startsWith("*")) {
    const rest = text.slice(1);
    if (rest.startsWith("/")) {
      const repeat = value(rest.slice(1), max);
      if (!repeat) return undefined;
      if (repeat.value > 0) return { value: null, rest: repeat.rest };
    }
    return { value: null, rest };
  }
  let parsed = component(text, max);
  if (!parsed) return undefined;
  for (;;) {
    if (!parsed.rest.startsWith(",")) return parsed;
    const next = component(parsed.rest.slice(1), max);
    if (!next) return parsed;
    parsed = next;
  }
}

/** Runs parsers in sequence, with a literal separator before each after the first. */
function sequence(text: string, steps: readonly (readonly [string, number])[]): Parsed<null> {
  let rest = text;
  for (const [separator, max] of steps) {
    if (!rest.startsWith(separator)) return undefined;
    const parsed = list(rest.slice(separator.length), max);
    if (!parsed) return undefined;
    rest = parsed.rest;
  }
  return { value: null, rest };
}

function weekday(text: string): Parsed<null> {
  const word = /^[A-Za-z]+/.exec(text)?.[0];
  return word !== undefined && WEEKDAY_NAMES.has(word.toLowerCase()) ? { value: null, rest: text.slice(word.length) } : undefined;
}

/** `mon`, `mon..fri` (wrapping ranges like `sat..mon` too), comma-separated. */
function weekdays(text: string): Parsed<null> {
  const range = (t: string): Parsed<null> => {
    const first = weekday(t);
    if (!first) return undefined;
    if (first.rest.startsWith("..")) return weekday(first.rest.slice(2)) ?? first;
    return first;
  };
  let parsed = range(text);
  if (!parsed) return undefined;
  for (;;) {
    if (!parsed.rest.startsWith(",")) return parsed;
    const next = range(parsed.rest.slice(1));
    if (!next) return parsed;
    parsed = next;
  }
}

const trimSpaces = (text: string): string => text.replace(/^ +/, "");

/** Checks a Proxmox calendar event as Proxmox VE's parser would. */
export function checkProxmoxCalendar(expression: string): CalendarCheck {
  let text = expression.endsWith("UTC") ? expression.slice(0, -3).replace(/ +$/, "") : expression;
  let found = false;
  if (/^[A-Za-z]/.test(text)) {
    if (SHORTHANDS.has(text)) return { ok: true };
    const days = weekdays(text);
    if (!days) return { ok: false, reason: `'${/^[A-Za-z]+/.exec(text)?.[0] ?? text}' is neither a weekday (mon..sun) nor a shorthand like daily or weekly (written in lower case)` };
    text = trimSpaces(days.rest);
    found = true;
  }
  const date = sequence(text, [["", 2200], ["-", 13], ["-", 32]]) ?? sequence(text, [["", 13], ["-", 32]]);
  if (date) {
    text = trimSpaces(date.rest);
    found = true;
  }
  const hour = sequence(text, [["", 24]]);
  const minutesFrom = hour?.rest.startsWith(":") ? hour.rest.slice(1) : text;
  const minute = list(minutesFrom, 60);
  if (minute) {
    const second = minute.rest.startsWith(":") ? list(minute.rest.slice(1), 60) : undefined;
    text = second ? second.rest : minute.rest;
    found = true;
  }
  if (!found) return { ok: false, reason: "it has no weekday, date or time" };
  if (text !== "") return { ok: false, reason: `Proxmox cannot parse '${text}' (ranges are written a..b, times H:MM, dates Y-M-D; no ~, time zones or fractions)` };
  return { ok: true };
}
