// Billing periods (worker/domain/periods.ts): every frequency, month-end starts, leap years, year ends,
// a recurrence day, and properties: contiguous, non-overlapping, covering [start, end) exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BILLING_FREQUENCY, type BillingFrequency } from "../../worker/domain/billing.ts";
import { addMonthsTo, daysBetween } from "../../worker/domain/dates.ts";
import { boundary, coveredDays, isPeriodBoundary, periodGrid, periodsOf, schedulePeriods } from "../../worker/domain/periods.ts";

const starts = (frequency: BillingFrequency, startDate: string, endDate: string | null, recurrenceDayOfMonth?: number, until?: string) =>
  schedulePeriods(frequency, { startDate, endDate, recurrenceDayOfMonth }, until).map((p) => p.start);
const spans = (frequency: BillingFrequency, startDate: string, endDate: string | null, recurrenceDayOfMonth?: number, until?: string) =>
  schedulePeriods(frequency, { startDate, endDate, recurrenceDayOfMonth }, until).map((p) => `${p.start}/${p.end}`);

describe("periods of each frequency", () => {
  it("MONTHLY from 31 Jan: the last day of every month, never the 28th after February", () => {
    expect(starts("MONTHLY", "2026-01-31", "2027-01-31")).toEqual([
      "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
      "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31",
    ]);
    expect(spans("MONTHLY", "2026-01-31", "2026-04-30")).toEqual(["2026-01-31/2026-02-28", "2026-02-28/2026-03-31", "2026-03-31/2026-04-30"]);
  });

  it("MONTHLY from 31 Jan in a leap year goes through 29 Feb", () => {
    expect(starts("MONTHLY", "2028-01-31", "2028-04-30")).toEqual(["2028-01-31", "2028-02-29", "2028-03-31"]);
  });

  it("from 29 Feb of a leap year: the 29th, 28 Feb in common years, 29 Feb again in the next leap year", () => {
    expect(starts("MONTHLY", "2024-02-29", "2024-06-29")).toEqual(["2024-02-29", "2024-03-29", "2024-04-29", "2024-05-29"]);
    expect(starts("YEARLY", "2024-02-29", "2029-02-28")).toEqual(["2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]);
  });

  it("from 30 Apr: the 30th, and 28 Feb", () => {
    expect(starts("MONTHLY", "2026-04-30", "2027-04-30").slice(8)).toEqual(["2026-12-30", "2027-01-30", "2027-02-28", "2027-03-30"]);
  });

  it("QUARTERLY and HALF_YEARLY from 31 Jan, across the year end", () => {
    expect(spans("QUARTERLY", "2026-01-31", "2027-01-31")).toEqual([
      "2026-01-31/2026-04-30", "2026-04-30/2026-07-31", "2026-07-31/2026-10-31", "2026-10-31/2027-01-31",
    ]);
    expect(spans("HALF_YEARLY", "2026-08-31", "2027-08-31")).toEqual(["2026-08-31/2027-02-28", "2027-02-28/2027-08-31"]);
  });

  it("YEARLY over three years from 15 Nov", () => {
    expect(spans("YEARLY", "2026-11-15", "2029-11-15")).toEqual(["2026-11-15/2027-11-15", "2027-11-15/2028-11-15", "2028-11-15/2029-11-15"]);
  });

  it("ONE_TIME: one charge, on the start", () => {
    expect(spans("ONE_TIME", "2026-03-10", "2027-03-10")).toEqual(["2026-03-10/2026-03-10"]);
  });

  it("cuts the last period at the end date and marks it", () => {
    const periods = schedulePeriods("QUARTERLY", { startDate: "2026-01-01", endDate: "2027-02-01" });
    expect(periods.map((p) => `${p.start}/${p.end}`).slice(-2)).toEqual(["2026-10-01/2027-01-01", "2027-01-01/2027-02-01"]);
    expect(periods.at(-1)).toMatchObject({ cut: true, proration: null, full: { start: "2027-01-01", end: "2027-04-01" } });
    expect(periods.filter((p) => p.cut)).toHaveLength(1);
  });

  it("an open-ended schedule yields the periods that start by `until`", () => {
    expect(starts("MONTHLY", "2026-11-30", null, undefined, "2027-03-01")).toEqual(["2026-11-30", "2026-12-30", "2027-01-30", "2027-02-28"]);
    expect(() => schedulePeriods("MONTHLY", { startDate: "2026-11-30", endDate: null })).toThrow(RangeError);
  });
});

describe("recurrenceDayOfMonth", () => {
  it("a start on the 15th billed on the 1st: a prorated stub, then whole months", () => {
    const periods = schedulePeriods("MONTHLY", { startDate: "2026-02-15", endDate: "2026-05-01", recurrenceDayOfMonth: 1 });
    expect(periods.map((p) => `${p.start}/${p.end}`)).toEqual(["2026-02-15/2026-03-01", "2026-03-01/2026-04-01", "2026-04-01/2026-05-01"]);
    expect(periods[0]).toMatchObject({ full: { start: "2026-02-01", end: "2026-03-01" }, proration: { days: 14, fullDays: 28 } });
    expect(periods.slice(1).every((p) => p.proration === null)).toBe(true);
  });

  it("billed on the 31st from mid-February: 28 Feb, then 31 Mar, 30 Apr", () => {
    expect(starts("MONTHLY", "2026-02-10", "2026-06-30", 31)).toEqual(["2026-02-10", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]);
  });

  it("a quarterly stub is prorated against the quarter that ends on the first billing day", () => {
    const [stub, next] = schedulePeriods("QUARTERLY", { startDate: "2026-12-20", endDate: "2027-12-01", recurrenceDayOfMonth: 1 });
    expect(stub).toMatchObject({ start: "2026-12-20", end: "2027-01-01", full: { start: "2026-10-01", end: "2027-01-01" }, proration: { days: 12, fullDays: 92 } });
    expect(next).toMatchObject({ start: "2027-01-01", end: "2027-04-01", proration: null });
  });

  it("the recurrence day equal to the start's day is no stub", () => {
    expect(schedulePeriods("MONTHLY", { startDate: "2026-01-31", endDate: "2026-03-31", recurrenceDayOfMonth: 31 }).map((p) => p.proration)).toEqual([null, null]);
  });
});

describe("period boundaries", () => {
  const grid = periodGrid("2026-01-31");
  it.each([
    ["2026-01-31", 3, true], // the start
    ["2026-04-30", 3, true],
    ["2026-04-30", 12, false],
    ["2026-02-28", 1, true],
    ["2026-02-28", 3, false],
    ["2026-03-28", 1, false], // the drift that must not happen
    ["2027-01-31", 12, true],
    ["2026-03-15", 0, true], // one-time fits anywhere
  ])("%s on the grid of %i-month periods: %s", (date, months, expected) => {
    expect(isPeriodBoundary(grid, date, months)).toBe(expected);
  });

  it("refuses to start a range off its frequency's grid", () => {
    expect(() => periodsOf(grid, 3, { from: "2026-02-28", to: "2027-01-31" })).toThrow(RangeError);
  });
});

// ---- properties ----

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const dim = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
const dateArb = fc
  .record({ year: fc.integer({ min: 1999, max: 2098 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => `${year}-${pad(month)}-${pad(Math.min(day, dim(year, month)))}`);
const recurring = fc.constantFrom<BillingFrequency>("MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY");

describe("properties", () => {
  it("a boundary is addMonthsTo(reference, offset), the month-end clamp included", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 31 }), fc.integer({ min: -24, max: 1200 }), (startDate, day, offset) => {
        const grid = periodGrid(startDate, day);
        expect(boundary(grid, offset)).toBe(addMonthsTo(grid.reference, offset));
      }),
      { numRuns: 500 },
    );
  });

  it("contiguous, non-overlapping, covering [start, end) exactly; ceil(months / frequency) periods", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 120 }), recurring, (startDate, months, frequency) => {
        const endDate = addMonthsTo(startDate, months);
        const periods = schedulePeriods(frequency, { startDate, endDate });
        expect(periods[0].start).toBe(startDate);
        expect(periods.at(-1)?.end).toBe(endDate);
        for (let i = 0; i < periods.length; i++) {
          expect(periods[i].start < periods[i].end).toBe(true);
          if (i > 0) expect(periods[i].start).toBe(periods[i - 1].end);
        }
        const per = BILLING_FREQUENCY[frequency].months;
        expect(periods).toHaveLength(Math.ceil(months / per));
        // Days add up: nothing covered twice, nothing left out.
        expect(periods.reduce((days, p) => days + daysBetween(p.start, p.end), 0)).toBe(daysBetween(startDate, endDate));
        // Only the last may be cut, and only when the contract is not whole periods.
        expect(periods.filter((p) => p.cut).length).toBe(months % per === 0 ? 0 : 1);
      }),
      { numRuns: 150 },
    );
  });

  it("every boundary is computed from the anchor: period i starts at start + i × months", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 60 }), recurring, (startDate, count, frequency) => {
        const per = BILLING_FREQUENCY[frequency].months;
        const periods = schedulePeriods(frequency, { startDate, endDate: addMonthsTo(startDate, count * per) });
        periods.forEach((p, i) => expect(p.start).toBe(addMonthsTo(startDate, i * per)));
      }),
    );
  });

  it("with any recurrence day: the stub (if any) is shorter than a month and prorated, the rest start on that day or the month's last", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 31 }), fc.integer({ min: 2, max: 40 }), (startDate, day, months) => {
        const endDate = addMonthsTo(startDate, months);
        const periods = schedulePeriods("MONTHLY", { startDate, endDate, recurrenceDayOfMonth: day });
        expect(periods[0].start).toBe(startDate);
        expect(periods.at(-1)?.end).toBe(endDate);
        periods.slice(1).forEach((p, i) => {
          expect(p.start).toBe(periods[i].end);
          const [y, m, d] = p.start.split("-").map(Number);
          expect(d).toBe(Math.min(day, dim(y, m)));
          expect(p.proration).toBeNull();
        });
        const stub = periods[0].proration;
        if (stub) {
          expect(stub.days).toBeGreaterThan(0);
          expect(stub.days).toBeLessThan(stub.fullDays);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("coveredDays: the first and last day of a [start, end) period, as documents show it", () => {
  it.each([
    ["a month", { start: "2027-01-01", end: "2027-02-01" }, { first: "2027-01-01", last: "2027-01-31" }],
    ["February of a leap year", { start: "2028-02-01", end: "2028-03-01" }, { first: "2028-02-01", last: "2028-02-29" }],
    ["across a year end", { start: "2026-12-03", end: "2027-01-03" }, { first: "2026-12-03", last: "2027-01-02" }],
    ["one day", { start: "2027-03-15", end: "2027-03-16" }, { first: "2027-03-15", last: "2027-03-15" }],
    ["no day (end = start): the start alone", { start: "2027-03-15", end: "2027-03-15" }, { first: "2027-03-15", last: "2027-03-15" }],
  ])("%s", (_, period, days) => expect(coveredDays(period)).toEqual(days));

  it("every billing period of a schedule ends the day before the next one starts", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 31 }), (n, day) => {
        const grid = periodGrid(`2027-01-${String(Math.min(day, 28)).padStart(2, "0")}`, day);
        const a = { start: boundary(grid, n), end: boundary(grid, n + 1) };
        const b = { start: boundary(grid, n + 1), end: boundary(grid, n + 2) };
        return daysBetween(coveredDays(a).last, coveredDays(b).first) === 1;
      }),
    );
  });
});
