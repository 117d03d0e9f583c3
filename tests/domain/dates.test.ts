// Calendar arithmetic (worker/domain/dates.ts): month ends, leap years, DST changes, an entity's local
// day. Properties check against references written without date-fns: days-in-month by the Gregorian
// rule, local dates by Intl.DateTimeFormat, and the 86_400_000 ms day the code used before.
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDaysTo,
  addDaysToDate,
  addMonthsTo,
  billingPeriod,
  daysBetween,
  isValidDate,
  isValidTimeZone,
  localDate,
  monthsBetween,
  parseInstant,
  startOfLocalDay,
} from "../../worker/domain/dates.ts";

const DAY_MS = 86_400_000;

// ---- references ----

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysInMonth = (year: number, month: number) => [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const ymd = (year: number, month: number, day: number) => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

/** The local date by Intl (ICU), independent of date-fns. */
function intlLocalDate(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return ymd(get("year"), get("month"), get("day"));
}

/** The reference addMonths: the same day in the target month, or its last day. */
function referenceAddMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return ymd(year, month, Math.min(d, daysInMonth(year, month)));
}

// ---- generators ----

const dateParts = fc.record({ year: fc.integer({ min: 1900, max: 2200 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) });
const validDate = dateParts.map(({ year, month, day }) => ymd(year, month, Math.min(day, daysInMonth(year, month))));
/** Month ends and leap days are where month arithmetic breaks: generate them often. */
const edgyDate = fc.oneof(
  validDate,
  fc.record({ year: fc.integer({ min: 1900, max: 2200 }), month: fc.integer({ min: 1, max: 12 }) }).map(({ year, month }) => ymd(year, month, daysInMonth(year, month))),
  fc.integer({ min: 1900, max: 2200 }).map((year) => ymd(year, 2, isLeap(year) ? 29 : 28)),
);
const ZONES = ["UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Santiago", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"];
const zoneArb = fc.constantFrom(...ZONES);
// 1971–2099: instants as integers of ms, so nothing is a float.
const instantMs = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 11, 31) });
const iso = (ms: number) => new Date(ms).toISOString();

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

// ---- dates ----

describe("isValidDate", () => {
  it.each([
    ["2026-11-26", true],
    ["2024-02-29", true],
    ["2000-02-29", true],
    ["0001-01-01", true],
    ["9999-12-31", true],
    ["2026-02-29", false],
    ["2100-02-29", false],
    ["2026-04-31", false],
    ["2026-13-01", false],
    ["2026-00-10", false],
    ["2026-01-00", false],
    ["0000-01-01", false],
    ["2026-1-01", false],
    ["2026-11-26T00:00:00Z", false],
    [" 2026-11-26", false],
    ["", false],
    [20261126, false],
    [null, false],
  ])("isValidDate(%s) = %s", (value, expected) => {
    expect(isValidDate(value)).toBe(expected);
  });

  it("agrees with the Gregorian rule on any year, month and day", () => {
    fc.assert(
      fc.property(dateParts, ({ year, month, day }) => {
        expect(isValidDate(ymd(year, month, day))).toBe(day <= daysInMonth(year, month));
      }),
    );
  });
});

describe("addMonthsTo: month ends are clamped", () => {
  it.each([
    ["2026-01-31", 1, "2026-02-28"],
    ["2024-01-31", 1, "2024-02-29"], // leap year
    ["2100-01-31", 1, "2100-02-28"], // a century is not a leap year…
    ["2000-01-31", 1, "2000-02-29"], // …unless it divides by 400
    ["2026-01-30", 1, "2026-02-28"],
    ["2026-01-28", 1, "2026-02-28"],
    ["2026-01-31", 2, "2026-03-31"],
    ["2026-03-31", 1, "2026-04-30"],
    ["2026-05-31", 1, "2026-06-30"],
    ["2026-03-31", -1, "2026-02-28"],
    ["2024-03-31", -1, "2024-02-29"],
    ["2025-12-31", 2, "2026-02-28"],
    ["2026-02-28", 1, "2026-03-28"],
    ["2024-02-29", 12, "2025-02-28"],
    ["2024-02-29", 48, "2028-02-29"],
    ["2026-01-15", -13, "2024-12-15"],
    ["2026-11-26", 0, "2026-11-26"],
    ["2026-08-31", 6, "2027-02-28"],
    ["2027-08-31", 6, "2028-02-29"],
  ])("%s + %i months = %s", (date, months, expected) => {
    expect(addMonthsTo(date, months)).toBe(expected);
  });

  it("the clamp is not sticky: stepping twice differs from adding two months at once", () => {
    expect(addMonthsTo(addMonthsTo("2026-01-31", 1), 1)).toBe("2026-03-28");
    expect(addMonthsTo("2026-01-31", 2)).toBe("2026-03-31");
  });

  it("matches the reference on any date and month count", () => {
    fc.assert(
      fc.property(edgyDate, fc.integer({ min: -1200, max: 1200 }), (date, months) => {
        expect(addMonthsTo(date, months)).toBe(referenceAddMonths(date, months));
      }),
    );
  });
});

describe("monthsBetween", () => {
  it.each([
    ["2026-01-31", "2026-02-28", 1],
    ["2026-01-31", "2026-02-27", 0],
    ["2026-01-31", "2026-03-30", 1],
    ["2026-01-31", "2026-03-31", 2],
    ["2026-01-31", "2026-04-30", 3], // 31 Jan + 3 months is 30 Apr
    ["2026-01-15", "2026-02-14", 0],
    ["2026-01-15", "2026-02-15", 1],
    ["2024-02-29", "2025-02-28", 12],
    ["2026-01-01", "2027-01-01", 12],
    ["2026-11-26", "2026-11-26", 0],
    ["2026-04-30", "2026-01-31", -3],
    ["2026-02-14", "2026-01-15", 0],
  ])("monthsBetween(%s, %s) = %i", (start, end, expected) => {
    expect(monthsBetween(start, end)).toBe(expected);
  });

  it("undoes addMonthsTo, in both directions", () => {
    fc.assert(
      fc.property(edgyDate, fc.integer({ min: -600, max: 600 }), (date, months) => {
        expect(monthsBetween(date, addMonthsTo(date, months))).toBe(months);
      }),
    );
  });

  it("is the largest n with addMonthsTo(start, n) <= end", () => {
    fc.assert(
      fc.property(edgyDate, edgyDate, (a, b) => {
        const [start, end] = a <= b ? [a, b] : [b, a]; // "YYYY-MM-DD" sorts as dates
        const n = monthsBetween(start, end);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(addMonthsTo(start, n) <= end).toBe(true);
        expect(addMonthsTo(start, n + 1) > end).toBe(true);
        expect(monthsBetween(end, start) + n).toBe(0);
      }),
    );
  });
});

describe("days between dates", () => {
  it.each([
    ["2024-02-01", 29, "2024-03-01"],
    ["2026-02-01", 28, "2026-03-01"],
    ["2026-12-31", 1, "2027-01-01"],
    ["2026-03-08", 1, "2026-03-09"], // a DST change does not touch dates
    ["2026-11-26", 30, "2026-12-26"],
    ["2026-01-01", -1, "2025-12-31"],
  ])("%s + %i days = %s", (date, days, expected) => {
    expect(addDaysToDate(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });

  it("addDaysToDate and daysBetween agree with a 24 h day in UTC", () => {
    fc.assert(
      fc.property(validDate, fc.integer({ min: -40_000, max: 40_000 }), (date, days) => {
        const later = addDaysToDate(date, days);
        expect(later).toBe(iso(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).slice(0, 10));
        expect(daysBetween(date, later)).toBe(days);
        expect(addDaysToDate(later, -days)).toBe(date);
      }),
    );
  });
});

describe("billingPeriod: periods come from the anchor", () => {
  it.each([
    ["2026-01-31", 0, 1, "2026-01-31", "2026-02-28"],
    ["2026-01-31", 1, 1, "2026-02-28", "2026-03-31"],
    ["2026-01-31", 2, 1, "2026-03-31", "2026-04-30"],
    ["2025-11-30", 0, 3, "2025-11-30", "2026-02-28"],
    ["2025-11-30", 1, 3, "2026-02-28", "2026-05-30"],
    ["2026-08-31", 1, 6, "2027-02-28", "2027-08-31"],
    ["2024-02-29", 1, 12, "2025-02-28", "2026-02-28"],
    ["2024-02-29", 3, 12, "2027-02-28", "2028-02-29"],
  ])("anchor %s, period %i of %i months = [%s, %s)", (anchor, index, months, start, end) => {
    expect(billingPeriod(anchor, index, months)).toEqual({ start, end });
  });

  it("periods tile: each ends where the next starts, one period's months apart from the anchor", () => {
    fc.assert(
      fc.property(edgyDate, fc.integer({ min: 0, max: 240 }), fc.constantFrom(1, 3, 6, 12), (anchor, index, months) => {
        const period = billingPeriod(anchor, index, months);
        expect(billingPeriod(anchor, index + 1, months).start).toBe(period.end);
        expect(period.start < period.end).toBe(true);
        expect(monthsBetween(anchor, period.start)).toBe(index * months);
      }),
    );
  });

  it("refuses a period that is not a whole number of months", () => {
    expect(thrown(() => billingPeriod("2026-01-31", 0, 0))).toBeInstanceOf(RangeError);
    expect(thrown(() => billingPeriod("2026-01-31", 0.5, 1))).toBeInstanceOf(RangeError);
  });
});

// ---- instants and zones ----

describe("localDate: the calendar date of an instant in a zone", () => {
  it.each([
    // around midnight UTC
    ["2026-11-26T23:30:00.000Z", "Europe/Berlin", "2026-11-27"],
    ["2026-11-26T23:30:00.000Z", "America/New_York", "2026-11-26"],
    ["2026-11-26T22:59:59.999Z", "Europe/Berlin", "2026-11-26"], // CET is UTC+1
    ["2026-11-26T23:00:00.000Z", "Europe/Berlin", "2026-11-27"],
    ["2026-06-30T21:59:59.999Z", "Europe/Berlin", "2026-06-30"], // CEST is UTC+2
    ["2026-06-30T22:00:00.000Z", "Europe/Berlin", "2026-07-01"],
    ["2026-11-27T00:30:00.000Z", "America/New_York", "2026-11-26"],
    ["2026-11-27T04:59:59.999Z", "America/New_York", "2026-11-26"], // EST is UTC-5
    ["2026-11-27T05:00:00.000Z", "America/New_York", "2026-11-27"],
    ["2026-07-01T03:59:59.999Z", "America/New_York", "2026-06-30"], // EDT is UTC-4
    ["2026-07-01T04:00:00.000Z", "America/New_York", "2026-07-01"],
    ["2026-12-31T23:00:00.000Z", "Europe/Berlin", "2027-01-01"],
    ["2027-01-01T04:59:59.999Z", "America/New_York", "2026-12-31"],
    ["2026-11-26T23:30:00.000Z", "UTC", "2026-11-26"],
    ["2026-11-26T19:00:00-05:00", "Europe/Berlin", "2026-11-27"], // an offset in the input is honoured
    ["2026-11-27T01:00:00+01:00", "UTC", "2026-11-27"],
    ["2026-11-27T00:59:59+01:00", "UTC", "2026-11-26"],
  ])("localDate(%s, %s) = %s", (instant, zone, expected) => {
    expect(localDate(instant, zone)).toBe(expected);
  });

  it("agrees with Intl on any instant in any zone", () => {
    fc.assert(
      fc.property(instantMs, zoneArb, (ms, zone) => {
        expect(localDate(iso(ms), zone)).toBe(intlLocalDate(ms, zone));
        expect(localDate(new Date(ms), zone)).toBe(intlLocalDate(ms, zone));
      }),
    );
  });

  // Before 1971 zones' sub-minute local mean times part them (TZDate reads whole minutes; Intl, as the test above, is exact).
  it("reads the same day as date-fns' TZDate from 1971 to the end of the four-digit years (its cached formatter's range)", () => {
    const tzDay = (ms: number, zone: string) => format(new TZDate(ms, zone), "yyyy-MM-dd");
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(9999, 11, 30) - 1 }), zoneArb, (ms, zone) => {
        expect(localDate(new Date(ms), zone)).toBe(tzDay(ms, zone));
      }),
    );
    for (const ms of [Date.UTC(1971, 0, 1), Date.UTC(9999, 11, 30) - 1]) {
      for (const zone of ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"]) expect(localDate(new Date(ms), zone)).toBe(tzDay(ms, zone));
    }
  });
});

describe("startOfLocalDay: the first instant of a local date", () => {
  it.each([
    ["2026-11-26", "UTC", "2026-11-26T00:00:00.000Z"],
    ["2026-11-26", "Europe/Berlin", "2026-11-25T23:00:00.000Z"],
    ["2026-07-01", "Europe/Berlin", "2026-06-30T22:00:00.000Z"],
    ["2026-11-26", "America/New_York", "2026-11-26T05:00:00.000Z"],
    // DST days in New York: 8 Mar 2026 lasts 23 h, 1 Nov 2026 lasts 25 h
    ["2026-03-08", "America/New_York", "2026-03-08T05:00:00.000Z"],
    ["2026-03-09", "America/New_York", "2026-03-09T04:00:00.000Z"],
    ["2026-11-01", "America/New_York", "2026-11-01T04:00:00.000Z"],
    ["2026-11-02", "America/New_York", "2026-11-02T05:00:00.000Z"],
    // and in London: 29 Mar 2026 lasts 23 h, 25 Oct 2026 lasts 25 h
    ["2026-03-29", "Europe/London", "2026-03-29T00:00:00.000Z"],
    ["2026-03-30", "Europe/London", "2026-03-29T23:00:00.000Z"],
    ["2026-10-25", "Europe/London", "2026-10-24T23:00:00.000Z"],
    ["2026-10-26", "Europe/London", "2026-10-26T00:00:00.000Z"],
    // midnight skipped: Santiago's day starts at 01:00 (UTC-3)
    ["2026-09-06", "America/Santiago", "2026-09-06T04:00:00.000Z"],
  ])("startOfLocalDay(%s, %s) = %s", (date, zone, expected) => {
    expect(startOfLocalDay(date, zone)).toBe(expected);
  });

  it("DST days are 23 and 25 hours long", () => {
    const hours = (date: string, zone: string) => (Date.parse(startOfLocalDay(addDaysToDate(date, 1), zone)) - Date.parse(startOfLocalDay(date, zone))) / 3_600_000;
    expect(hours("2026-03-08", "America/New_York")).toBe(23);
    expect(hours("2026-11-01", "America/New_York")).toBe(25);
    expect(hours("2026-03-29", "Europe/London")).toBe(23);
    expect(hours("2026-10-25", "Europe/London")).toBe(25);
    expect(hours("2026-11-26", "Europe/London")).toBe(24);
  });

  it("is in its date, and the millisecond before it is in the day before", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1971, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), zoneArb, (year, month, day, zone) => {
        const date = ymd(year, month, Math.min(day, daysInMonth(year, month)));
        const start = Date.parse(startOfLocalDay(date, zone));
        expect(intlLocalDate(start, zone)).toBe(date);
        expect(intlLocalDate(start - 1, zone)).toBe(addDaysToDate(date, -1));
      }),
    );
  });
});

describe("addDaysTo: calendar days after an instant", () => {
  it.each([
    // in UTC (the default) a day is 24 h
    ["2026-11-26T10:00:00.000Z", 30, "UTC", "2026-12-26T10:00:00.000Z"],
    ["2026-11-26T10:00:00+01:00", 30, "UTC", "2026-12-26T09:00:00.000Z"],
    ["2024-02-28T12:00:00.000Z", 1, "UTC", "2024-02-29T12:00:00.000Z"],
    ["2026-03-07T15:00:00.000Z", 1, "UTC", "2026-03-08T15:00:00.000Z"],
    // in a zone the wall-clock time is kept across DST: 10:00 EST -> 10:00 EDT is 23 h
    ["2026-03-07T15:00:00.000Z", 1, "America/New_York", "2026-03-08T14:00:00.000Z"],
    ["2026-10-31T14:00:00.000Z", 1, "America/New_York", "2026-11-01T15:00:00.000Z"],
    ["2026-03-28T12:00:00.000Z", 1, "Europe/London", "2026-03-29T11:00:00.000Z"],
    ["2026-10-24T12:00:00.000Z", 1, "Europe/London", "2026-10-25T13:00:00.000Z"],
    // 02:30 does not exist on 8 Mar 2026 in New York: it moves forward by the gap, to 03:30 EDT
    ["2026-03-07T07:30:00.000Z", 1, "America/New_York", "2026-03-08T07:30:00.000Z"],
    ["2026-11-26T10:00:00.000Z", -30, "Europe/Berlin", "2026-10-27T10:00:00.000Z"],
  ])("addDaysTo(%s, %i, %s) = %s", (instant, days, zone, expected) => {
    expect(addDaysTo(instant, days, zone)).toBe(expected);
  });

  it("in UTC equals the old publishedAt + days × 86_400_000 (quote expiry is unchanged)", () => {
    fc.assert(
      fc.property(instantMs, fc.integer({ min: -3650, max: 3650 }), (ms, days) => {
        expect(addDaysTo(iso(ms), days)).toBe(iso(ms + days * DAY_MS));
      }),
    );
  });

  it("in a zone lands on the local date `days` later", () => {
    fc.assert(
      fc.property(instantMs, fc.integer({ min: -400, max: 400 }), zoneArb, (ms, days, zone) => {
        expect(localDate(addDaysTo(iso(ms), days, zone), zone)).toBe(addDaysToDate(intlLocalDate(ms, zone), days));
      }),
    );
  });
});

describe("input checks", () => {
  it("knows IANA zones and refuses offsets and unknown names", () => {
    for (const zone of ["UTC", "Europe/Berlin", "America/New_York", "America/Argentina/Buenos_Aires"]) expect(isValidTimeZone(zone)).toBe(true);
    for (const zone of ["Mars/Olympus_Mons", "+01:00", "", "Europe/Berlin ", 1]) expect(isValidTimeZone(zone)).toBe(false);
  });

  it("reads instants only with a zone", () => {
    expect(parseInstant("2026-11-26T10:00:00Z").toISOString()).toBe("2026-11-26T10:00:00.000Z");
    expect(parseInstant("2026-11-26T10:00+0130").toISOString()).toBe("2026-11-26T08:30:00.000Z");
    for (const bad of ["2026-11-26T10:00:00", "2026-11-26", "yesterday", "2026-02-30T10:00:00Z", "2026-11-26T25:00:00Z"]) {
      expect(thrown(() => parseInstant(bad))).toBeInstanceOf(RangeError);
    }
    expect(thrown(() => parseInstant(new Date(NaN)))).toBeInstanceOf(RangeError);
  });

  it("throws RangeError for what is not a date, a zone or a whole count", () => {
    expect(thrown(() => addMonthsTo("2026-02-30", 1))).toBeInstanceOf(RangeError);
    expect(thrown(() => addMonthsTo("2026-01-31", 1.5))).toBeInstanceOf(RangeError);
    expect(thrown(() => addMonthsTo("9999-12-31", 1))).toBeInstanceOf(RangeError);
    expect(thrown(() => addDaysTo("2026-11-26T10:00:00Z", 1, "Mars/Olympus_Mons"))).toBeInstanceOf(RangeError);
    expect(thrown(() => addDaysTo("2026-11-26T10:00:00Z", Number.NaN))).toBeInstanceOf(RangeError);
    expect(thrown(() => localDate("2026-11-26T10:00:00", "UTC"))).toBeInstanceOf(RangeError);
    expect(thrown(() => startOfLocalDay("26/11/2026", "UTC"))).toBeInstanceOf(RangeError);
  });
});
