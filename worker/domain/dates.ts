// Calendar arithmetic for the domain: quote expiry, due dates, billing periods, an entity's local day.
// Pure, no I/O. Every computation goes through date-fns on a TZDate (@date-fns/tz), so it happens in
// a named zone and never in the runtime's own zone (workerd runs in UTC, Node where it is started).
//
// Two kinds of value, both strings as they travel in the API and D1:
// - a date, "YYYY-MM-DD": a calendar day with no zone (a start date, a billing period bound);
// - an instant, ISO 8601 with "Z" or an offset ("2026-11-26T10:00:00.000Z"): a point in time.
// Functions return instants as `Date#toISOString()` (UTC, milliseconds), like every timestamp we store.
// Bad input (not a date, not an instant, an unknown zone, a fractional count) throws RangeError:
// API inputs are validated at the boundary (isValidDate, isValidTimeZone) before they get here.
import { TZDate, tz } from "@date-fns/tz";
import { addDays, addMonths, differenceInCalendarMonths, format, isValid, parse, parseISO, startOfDay } from "date-fns";

/** "YYYY-MM-DD". */
export type IsoDate = string;
/** ISO 8601 time with "Z" or an offset. */
export type IsoInstant = string;

const UTC = tz("UTC");
const DATE = /^(?!0000)\d{4}-\d{2}-\d{2}$/; // years 0001–9999: four digits, as we write them
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Days in `month` (1–12) of `year` (proleptic Gregorian, as Date and date-fns count). */
const daysIn = (year: number, month: number) => (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]);

/** A real calendar date written "YYYY-MM-DD" (2024-02-29 yes, 2026-02-29 and 2026-13-01 no). */
export function isValidDate(value: unknown): value is IsoDate {
  // Integer checks, not a parse: a billing run asks this thousands of times (same answers as date-fns' parse).
  if (typeof value !== "string" || !DATE.test(value)) return false;
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Number(value.slice(0, 4)), month);
}

// Calendar arithmetic on plain dates by integers (days since 1970-01-01, proleptic Gregorian): a billing
// run adds days and months thousands of times, and date-fns on a TZDate costs a zone lookup each time.
const MS_PER_DAY = 86_400_000;
function dayNumber(date: IsoDate): number {
  if (!isValidDate(date)) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const d = new Date(0);
  d.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return Math.round(d.getTime() / MS_PER_DAY);
}
function fromDayNumber(days: number): IsoDate {
  const d = new Date(days * MS_PER_DAY);
  return writeParts(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}
function writeParts(year: number, month: number, day: number): IsoDate {
  if (!(year >= 1 && year <= 9999)) throw new RangeError("The date is outside the years 0001–9999");
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** An IANA zone name the runtime knows ("Europe/Berlin"; also "UTC"). Offsets and abbreviations are not zones. */
export function isValidTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  // An Intl formatter per check was a finalize's largest CPU cost after drizzle: zones are checked once.
  const known = checkedZones.get(value);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    valid = true;
  } catch {
    valid = false;
  }
  if (checkedZones.size < 1000) checkedZones.set(value, valid);
  return valid;
}
const checkedZones = new Map<string, boolean>();

/** The date as a TZDate at midnight UTC (a calendar day to compute with, whatever the runtime's zone). */
function readDate(date: IsoDate): TZDate {
  if (!isValidDate(date)) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return parse(date, "yyyy-MM-dd", new Date(0), { in: UTC }) as TZDate;
}

function writeDate(date: Date): IsoDate {
  const year = date.getFullYear(); // of a TZDate: in its own zone
  if (!(year >= 1 && year <= 9999)) throw new RangeError("The date is outside the years 0001–9999");
  return format(date, "yyyy-MM-dd");
}

function zone(timeZone: string): string {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone: ${JSON.stringify(timeZone)}`);
  return timeZone;
}

function count(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole number`);
  return value;
}

/** An instant as a Date: an ISO 8601 time with "Z" or an offset (a time without a zone is ambiguous), or a Date. */
export function parseInstant(instant: IsoInstant | Date): Date {
  const parsed = typeof instant === "string" ? (INSTANT.test(instant) ? parseISO(instant) : new Date(NaN)) : new Date(instant.getTime());
  if (!isValid(parsed)) throw new RangeError(`Not an ISO 8601 instant: ${JSON.stringify(String(instant))}`);
  return parsed;
}

/**
 * `days` calendar days after an instant, at the same wall-clock time in `timeZone` (default UTC, where
 * a day is always 24 h). In a zone with DST a day across the change is 23 or 25 h; a wall-clock time
 * that does not exist on the target day moves forward by the gap (02:30 on a spring-forward day -> 03:30).
 * Quote expiry: addDaysTo(publishedAt, expiryDays).
 */
export function addDaysTo(instant: IsoInstant | Date, days: number, timeZone = "UTC"): IsoInstant {
  const start = new TZDate(parseInstant(instant).getTime(), zone(timeZone));
  return new Date(addDays(start, count(days, "days")).getTime()).toISOString();
}

/** A date `days` later (earlier when negative): due dates ("net 30"), period lengths. */
export function addDaysToDate(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + count(days, "days"));
}

/**
 * A date `months` later (earlier when negative), clamped to the end of a shorter month:
 * 31 Jan + 1 = 28 Feb (29 in a leap year), 31 Mar - 1 = 28/29 Feb, 30 Apr + 1 = 30 May.
 * The clamp is not sticky: (31 Jan + 1) + 1 = 28 Mar, but 31 Jan + 2 = 31 Mar. Periods are therefore
 * always computed from their anchor (billingPeriod), never by stepping from the previous period.
 */
export function addMonthsTo(date: IsoDate, months: number): IsoDate {
  if (!isValidDate(date)) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + count(months, "months");
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  return writeParts(year, month, Math.min(Number(date.slice(8, 10)), year >= 1 && year <= 9999 ? daysIn(year, month) : 31));
}

/**
 * Whole calendar months from `start` to `end`: the largest n with addMonthsTo(start, n) <= end
 * (31 Jan -> 28 Feb is 1; 31 Jan -> 30 Mar is 1; 15 Jan -> 14 Feb is 0). Negative when end is
 * before start: monthsBetween(a, b) = -monthsBetween(b, a).
 */
export function monthsBetween(start: IsoDate, end: IsoDate): number {
  const from = readDate(start);
  const to = readDate(end);
  if (to.getTime() < from.getTime()) return 0 - monthsBetween(end, start); // 0 - : never -0
  // Not date-fns' differenceInMonths: it gives 2 for 31 Jan -> 30 Apr, though 31 Jan + 3 months is 30 Apr.
  const months = differenceInCalendarMonths(to, from);
  return addMonths(from, months).getTime() > to.getTime() ? months - 1 : months;
}

/** Calendar days from `start` to `end` (negative when end is before start): proration's day count. */
export function daysBetween(start: IsoDate, end: IsoDate): number {
  return dayNumber(end) - dayNumber(start);
}

/**
 * The `index`-th billing period (0 first) of `monthsPerPeriod` months anchored on `anchor`:
 * [start, end) with `end` the next period's start. Both are computed from the anchor, so a schedule
 * anchored on 31 Jan bills 31 Jan, 28 Feb, 31 Mar, 30 Apr … and never drifts to the 28th.
 */
export function billingPeriod(anchor: IsoDate, index: number, monthsPerPeriod: number): { start: IsoDate; end: IsoDate } {
  count(index, "index");
  if (!(count(monthsPerPeriod, "monthsPerPeriod") > 0)) throw new RangeError("monthsPerPeriod must be at least 1");
  return { start: addMonthsTo(anchor, index * monthsPerPeriod), end: addMonthsTo(anchor, (index + 1) * monthsPerPeriod) };
}

/** The calendar date of an instant in `timeZone`: 2026-11-26T23:30Z is 2026-11-27 in Europe/Berlin, 2026-11-26 in New York. */
export function localDate(instant: IsoInstant | Date, timeZone: string): IsoDate {
  const ms = parseInstant(instant).getTime();
  const inZone = zone(timeZone);
  // A TZDate works out the zone's offset afresh each time (a finalize's largest date cost); one cached
  // formatter per zone reads the day directly. Outside four-digit years (eras, padding) TZDate decides.
  if (!(ms > FOUR_DIGIT_YEARS[0] && ms < FOUR_DIGIT_YEARS[1])) return writeDate(new TZDate(ms, inZone));
  let formatter = dayFormatters.get(inZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone: inZone, year: "numeric", month: "2-digit", day: "2-digit" });
    if (dayFormatters.size < 1000) dayFormatters.set(inZone, formatter);
  }
  let year = "", month = "", day = "";
  for (const part of formatter.formatToParts(ms)) {
    if (part.type === "year") year = part.value;
    else if (part.type === "month") month = part.value;
    else if (part.type === "day") day = part.value;
  }
  return `${year}-${month}-${day}`;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
/** 1000-01-02 and 9999-12-30 (UTC): every zone's date of an instant between them has a four-digit year. */
const FOUR_DIGIT_YEARS = [Date.UTC(1000, 0, 2), Date.UTC(9999, 11, 30)] as const;

/**
 * The first instant of `date` in `timeZone`: usually local midnight; where midnight is skipped by a
 * DST change (America/Santiago in September) the day starts at 01:00.
 * A day in a zone is [startOfLocalDay(d), startOfLocalDay(addDaysToDate(d, 1))).
 */
export function startOfLocalDay(date: IsoDate, timeZone: string): IsoInstant {
  const day = readDate(date);
  const local = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), zone(timeZone));
  if (day.getFullYear() < 100) local.setFullYear(day.getFullYear()); // Date's constructor reads 0–99 as 1900–1999
  return new Date(startOfDay(local).getTime()).toISOString();
}
