// The integer calendar arithmetic of worker/domain/dates.ts (a billing run's hot path) gives exactly
// what date-fns gives on a UTC TZDate, over the whole range of years we write.
import { tz } from "@date-fns/tz";
import { addDays, addMonths, differenceInCalendarDays, format, isValid, parse } from "date-fns";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDaysToDate, addMonthsTo, daysBetween, isValidDate } from "../../worker/domain/dates.ts";

const UTC = tz("UTC");
const read = (d: string) => parse(d, "yyyy-MM-dd", new Date(0), { in: UTC });
const write = (d: Date) => format(d, "yyyy-MM-dd");
const pad = (n: number, w: number) => String(n).padStart(w, "0");
const anyDate = fc.record({ y: fc.integer({ min: 1, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) }).map(({ y, m, d }) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
const monthEnd = fc.record({ y: fc.integer({ min: 1, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 29, max: 31 }) }).map(({ y, m, d }) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
const inRange = (d: Date) => d.getFullYear() >= 1 && d.getFullYear() <= 9999;

describe("dates: integer arithmetic agrees with date-fns", () => {
  it("isValidDate", () => {
    fc.assert(
      fc.property(fc.oneof(anyDate, monthEnd), (d) => {
        expect(isValidDate(d)).toBe(isValid(read(d)));
      }),
    );
  });

  it("addDaysToDate and daysBetween", () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -40_000, max: 40_000 }), (d, n) => {
        const expected = addDays(read(d), n);
        if (!inRange(expected)) {
          expect(() => addDaysToDate(d, n)).toThrow(RangeError);
          return;
        }
        const got = addDaysToDate(d, n);
        expect(got).toBe(write(expected));
        expect(daysBetween(d, got)).toBe(differenceInCalendarDays(expected, read(d)));
      }),
    );
  });

  it("addMonthsTo, month ends clamped", () => {
    fc.assert(
      fc.property(fc.oneof(anyDate, monthEnd).filter((d) => isValid(read(d))), fc.integer({ min: -1200, max: 1200 }), (d, n) => {
        const expected = addMonths(read(d), n);
        if (!inRange(expected)) {
          expect(() => addMonthsTo(d, n)).toThrow(RangeError);
          return;
        }
        expect(addMonthsTo(d, n)).toBe(write(expected));
      }),
    );
  });
});
