/**
 * A validator for systemd calendar events (OnCalendar=, systemd.time(7)) that accepts what
 * `systemd-analyze calendar` accepts: the shorthands, weekday lists and ranges, `Y-M-D` and `M-D`
 * dates with `~` for days counted from the end of the month, `H:M[:S]` times with fractional
 * seconds, lists, `..` ranges and `/` repetitions in every field, `@epoch`, and a ` UTC` or IANA
 * time zone suffix. It says why an expression is refused, so a message can point at the mistake.
 */

export type CalendarCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const USEC_PER_SEC = 1_000_000;
const INT_MAX = 2 ** 31 - 1;

const SHORTHANDS = new Set([
  "minutely", "hourly", "daily", "weekly", "monthly", "quarterly",
  "yearly", "annually", "anually", "semiannually", "semi-annually", "biannually", "bi-annually",
]);

/** Weekday names in the order they are tried: a full name before its abbreviation. */
const WEEKDAYS: readonly (readonly [string, number])[] = [
  ["monday", 0], ["mon", 0], ["tuesday", 1], ["tue", 1], ["wednesday", 2], ["wed", 2], ["thursday", 3], ["thu", 3],
  ["friday", 4], ["fri", 4], ["saturday", 5], ["sat", 5], ["sunday", 6], ["sun", 6],
];

interface Part {
  start: number;
  /** -1 when the part is a single value. */
  stop: number;
  repeat: number;
}

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

const FIELDS = {
  year: { name: "year", min: 1970, max: 2199 },
  month: { name: "month", min: 1, max: 12 },
  day: { name: "day", min: 1, max: 31 },
  hour: { name: "hour", min: 0, max: 23 },
  minute: { name: "minute", min: 0, max: 59 },
  second: { name: "second", min: 0, max: 60 * USEC_PER_SEC - 1 },
} as const satisfies Record<string, Field>;

class Refused extends Error {}
const refuse = (reason: string): never => {
  throw new Refused(reason);
};

/** A cursor over the expression. */
class Text {
  i = 0;
  constructor(readonly s: string) {}
  get c(): string {
    return this.s[this.i] ?? "";
  }
  at(offset: number): string {
    return this.s[this.i + offset] ?? "";
  }
  get done(): boolean {
    return this.i >= this.s.length;
  }
  skipSpaces(): void {
    while (this.c === " ") this.i++;
  }
}

const isDigit = (c: string): boolean => c >= "0" && c <= "9";

/** A decimal number; in the seconds field in microseconds, with up to six fractional digits (the seventh rounds). */
function decimal(t: Text, usec: boolean, field: Field): number {
  if (!isDigit(t.c)) refuse(`expected a number in the ${field.name} field at '${t.s.slice(t.i) || "the end"}'`);
  let digits = "";
  while (isDigit(t.c)) digits += t.s[t.i++];
  let value = Number(digits);
  if (usec) {
    value *= USEC_PER_SEC;
    if (t.c === "." && t.at(1) !== ".") {
      t.i++;
      if (!isDigit(t.c)) refuse("a decimal point in the seconds must be followed by digits");
      let fraction = "";
      while (isDigit(t.c)) fraction += t.s[t.i++];
      let add = Number(fraction.slice(0, 6).padEnd(6, "0"));
      if ((fraction[6] ?? "0") >= "5") add++;
      value += add;
    }
  }
  if (value > INT_MAX) refuse(`${digits} is far out of range for the ${field.name}`);
  return value;
}

/** One comma-separated list of values, ranges `a..b` and repetitions `a/n`, `a..b/n`; `*` is every value. */
function chain(t: Text, usec: boolean, field: Field): Part[] | undefined {
  if (t.c === "*") {
    t.i++;
    return usec ? [{ start: 0, stop: -1, repeat: USEC_PER_SEC }] : undefined;
  }
  const parts: Part[] = [];
  for (;;) {
    const start = decimal(t, usec, field);
    let stop = -1;
    let repeat = 0;
    if (t.c === "." && t.at(1) === ".") {
      t.i += 2;
      stop = decimal(t, usec, field);
      repeat = usec ? USEC_PER_SEC : 1;
    }
    if (t.c === "/") {
      t.i++;
      repeat = decimal(t, usec, field);
      if (repeat === 0) refuse(`a repetition of 0 in the ${field.name} field never advances`);
    } else if (usec && stop >= 0 && start + repeat > stop) {
      refuse("a range of seconds must span at least one second");
    }
    if (!["", " ", ",", "-", "~", ":"].includes(t.c)) refuse(`unexpected '${t.c}' in the ${field.name} field`);
    parts.push({ start, stop, repeat });
    if (t.c !== ",") return parts;
    t.i++;
  }
}

/** Checks a field's parts against its range, after systemd's normalisation of ranges. */
function checkField(parts: readonly Part[] | undefined, field: Field, fromEnd = false): void {
  if (!parts) return;
  const max = fromEnd ? field.max - 3 : field.max;
  const show = (v: number): string => String(field === FIELDS.second ? v / USEC_PER_SEC : v);
  for (const p of parts) {
    // A range is cut to its last repetition; a range of one value is that value.
    if (p.stop > p.start && p.repeat > 0) p.stop -= (p.stop - p.start) % p.repeat;
    if (p.stop === p.start) {
      p.stop = -1;
      p.repeat = 0;
    }
    const range = `${show(field.min)}-${show(max)}${fromEnd ? " counted from the end of the month" : ""}`;
    if (p.start < field.min || p.start > max) refuse(`${field.name} ${show(p.start)} is outside ${range}`);
    if (p.repeat > max - field.min) refuse(`a repetition of ${show(p.repeat)} is longer than the ${field.name} field`);
    if (p.stop >= 0) {
      if (p.stop < field.min || p.stop > max) refuse(`${field.name} ${show(p.stop)} is outside ${range}`);
      if (p.start + p.repeat > p.stop) refuse(`the ${field.name} range ${show(p.start)}..${show(p.stop)} is empty`);
    } else if (fromEnd ? p.start - p.repeat < field.min : p.start + p.repeat > max) {
      refuse(`${show(p.start)}/${show(p.repeat)} repeats past the end of the ${field.name} field`);
    }
  }
}

/** `Mon`, `Mon,Wed`, `Mon..Fri` (or `Mon-Fri`), case-insensitive; returns false when there are none. */
function weekdays(t: Text): void {
  let rangeFrom = -1;
  for (let first = true; ; first = false) {
    const rest = t.s.slice(t.i).toLowerCase();
    const match = WEEKDAYS.find(([name]) => rest.startsWith(name));
    if (!match) {
      if (first) return;
      refuse(`expected a weekday at '${t.s.slice(t.i) || "the end"}'`);
      return;
    }
    const [name, nr] = match;
    if (!["", "-", ".", ",", " "].includes(t.at(name.length))) refuse(`'${t.s.slice(t.i, t.i + name.length + 1)}' is not a weekday`);
    if (rangeFrom > nr) refuse("a weekday range must run forward, like Mon..Fri");
    t.i += name.length;
    if (t.done) return;
    if (t.c === " ") return t.skipSpaces();
    if (t.c === ".") {
      if (rangeFrom >= 0 || t.at(1) !== ".") refuse("weekday ranges are written Mon..Fri");
      rangeFrom = nr;
      t.i += 2;
    } else if (t.c === "-") {
      if (rangeFrom >= 0) refuse("weekday ranges are written Mon..Fri");
      rangeFrom = nr;
      t.i++;
    } else if (t.c === ",") {
      rangeFrom = -1;
      t.i++;
    }
    if (t.done || t.c === " ") {
      t.skipSpaces();
      if (rangeFrom >= 0) refuse("a weekday range needs an end, like Mon..Fri");
      return;
    }
  }
}

interface Spec {
  year?: Part[] | undefined;
  month?: Part[] | undefined;
  day?: Part[] | undefined;
  endOfMonth: boolean;
  hour?: Part[] | undefined;
  minute?: Part[] | undefined;
  second?: Part[] | undefined;
}

/** `Y-M-D` or `M-D` (`~` instead of the last `-` counts days from the month's end), or `@epoch`. Returns true for `@epoch`. */
function date(t: Text, spec: Spec): boolean {
  if (t.done) return false;
  if (t.c === "@") {
    t.i++;
    if (!isDigit(t.c)) refuse("@ must be followed by seconds since the epoch");
    let digits = "";
    while (isDigit(t.c)) digits += t.s[t.i++];
    const year = new Date(Number(digits) * 1000).getUTCFullYear();
    if (!(year <= FIELDS.year.max)) refuse(`@${digits} lies after ${FIELDS.year.max}`);
    return true;
  }
  const start = t.i;
  const first = chain(t, false, FIELDS.month);
  if (t.done || t.c === ":") {
    t.i = start; // a time, not a date
    return false;
  }
  if (t.c === "~") spec.endOfMonth = true;
  else if (t.c !== "-") refuse(`unexpected '${t.c}' in the date`);
  t.i++;
  const second = chain(t, false, FIELDS.day);
  if (t.done || t.c === " ") {
    t.skipSpaces();
    spec.month = first;
    spec.day = second;
    return false;
  }
  if (spec.endOfMonth) refuse("'~' goes between the month and the day, like *-02~01");
  if (t.c === "~") spec.endOfMonth = true;
  else if (t.c !== "-") refuse(`unexpected '${t.c}' in the date`);
  t.i++;
  const third = chain(t, false, FIELDS.day);
  if (!t.done && t.c !== " ") refuse(`unexpected '${t.c}' after the date`);
  t.skipSpaces();
  // Two-digit years: 0-69 are 2000-2069, 70-99 are 1970-1999.
  spec.year = first?.map((p) => ({ ...p, start: fixYear(p.start), stop: p.stop < 0 ? p.stop : fixYear(p.stop) }));
  spec.month = second;
  spec.day = third;
  return false;
}

const fixYear = (y: number): number => (y < 70 ? y + 2000 : y < 100 ? y + 1900 : y);

/** `H:M` or `H:M:S`; nothing at all is 00:00:00. */
function time(t: Text, spec: Spec): void {
  if (t.done) return;
  spec.hour = chain(t, false, FIELDS.hour);
  if (t.c !== ":") refuse(t.done ? "a time needs minutes, like 03:00" : `unexpected '${t.c}' in the time`);
  t.i++;
  spec.minute = chain(t, false, FIELDS.minute);
  if (t.done) return;
  if (t.c !== ":") refuse(`unexpected '${t.c}' after the minutes`);
  t.i++;
  spec.second = chain(t, true, FIELDS.second);
  if (!t.done) refuse(`unexpected '${t.s.slice(t.i)}' after the time`);
}

/** Whether `name` is an IANA time zone, spelled as its file under /usr/share/zoneinfo is. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    // Intl matches zone names case-insensitively; the zoneinfo files that systemd opens do not.
    const zones = new Set([...Intl.supportedValuesOf("timeZone"), "UTC", "Etc/UTC", "GMT", "Etc/GMT"]);
    if (zones.has(name)) return true;
    new Intl.DateTimeFormat("en", { timeZone: name });
    return /^[A-Z]/.test(name) && name.split("/").every((segment) => /^[A-Z0-9]/.test(segment));
  } catch {
    return false;
  }
}

/** Checks a systemd calendar event as `systemd-analyze calendar` would (with TZ=UTC). */
export function checkSystemdCalendar(expression: string): CalendarCheck {
  let text = expression;
  if (text.toLowerCase().endsWith(" utc")) text = text.slice(0, -4);
  else {
    const space = text.lastIndexOf(" ");
    if (space >= 0 && isTimeZone(text.slice(space + 1))) text = text.slice(0, space);
  }
  if (text === "") return { ok: false, reason: "it is empty" };
  if (SHORTHANDS.has(text.toLowerCase())) return { ok: true };
  try {
    const t = new Text(text);
    const spec: Spec = { endOfMonth: false };
    weekdays(t);
    if (!date(t, spec)) time(t, spec);
    if (!t.done) refuse(`unexpected '${t.s.slice(t.i)}'`);
    checkField(spec.year, FIELDS.year);
    checkField(spec.month, FIELDS.month);
    checkField(spec.day, FIELDS.day, spec.endOfMonth && spec.day !== undefined);
    checkField(spec.hour, FIELDS.hour);
    checkField(spec.minute, FIELDS.minute);
    checkField(spec.second, FIELDS.second);
    return { ok: true };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.message };
    throw error;
  }
}
