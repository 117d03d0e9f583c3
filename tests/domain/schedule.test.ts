// Billing schedule validation (worker/domain/schedule.ts): phases sequential and contiguous, aligned to
// the periods of the prices on either side, prices usable, discounts and minimums well-formed — each
// issue with the path of the field at fault.
import { describe, expect, it } from "vitest";
import { resolvePhases, scheduleDraft, scheduleIssues, type ScheduleInput } from "../../worker/domain/schedule.ts";
import { price } from "../support/billing.ts";

const prices = new Map(
  [
    price("monthly", "MONTHLY", "100.00"),
    price("quarterly", "QUARTERLY", "900.00"),
    price("setup", "ONE_TIME", "500.00"),
    price("seats", "MONTHLY", "10", { pricingType: "SEAT_BASED", structure: { pricingType: "SEAT_BASED", pricePerSeat: "10" } }),
    price("usd", "MONTHLY", "100.00", { currency: "USD" }),
    price("old", "MONTHLY", "100.00", { archivedAt: "2026-01-01T00:00:00.000Z" }),
  ].map((p) => [p.id, p]),
);

const base = (phases: ScheduleInput["phases"], extra: Partial<ScheduleInput> = {}): ScheduleInput => ({
  customerId: "cus_1",
  currency: "EUR",
  startDate: "2026-01-31",
  endDate: "2027-01-31",
  phases,
  ...extra,
});
const paths = (input: ScheduleInput) => scheduleIssues(input, prices).map((i) => i.path);

describe("a valid schedule", () => {
  it("a ramp: three discounted months, then list price, dates filled in", () => {
    const input = base([
      { endDate: "2026-04-30", prices: [{ priceId: "monthly", quantity: "1" }, { priceId: "quarterly", quantity: "1" }], discounts: [{ type: "PERCENTAGE", value: "50" }] },
      { prices: [{ priceId: "monthly", quantity: "1" }, { priceId: "quarterly", quantity: "1" }] },
    ]);
    expect(scheduleIssues(input, prices)).toEqual([]);
    expect(resolvePhases(input).map((p) => [p.startDate, p.endDate])).toEqual([
      ["2026-01-31", "2026-04-30"],
      ["2026-04-30", "2027-01-31"],
    ]);
    expect(scheduleDraft("bs_1", input)).toMatchObject({ id: "bs_1", status: "DRAFT", endDate: "2027-01-31", recurrenceDayOfMonth: null });
  });

  it("an open-ended schedule with an open last phase", () => {
    expect(scheduleIssues(base([{ prices: [{ priceId: "monthly", quantity: "2" }] }], { endDate: null }), prices)).toEqual([]);
  });
});

describe("issues, with paths", () => {
  it("schedule fields", () => {
    expect(scheduleIssues(base([], { currency: "EURO", startDate: "2026-02-30", recurrenceDayOfMonth: 32 }), prices)).toEqual([
      { path: "currency", message: expect.any(String) },
      { path: "startDate", message: "must be a date (YYYY-MM-DD)" },
      { path: "recurrenceDayOfMonth", message: "must be a whole number from 1 to 31" },
      { path: "phases", message: "a schedule has at least one phase" },
    ]);
    expect(paths(base([{ prices: [{ priceId: "monthly", quantity: "1" }] }], { endDate: "2026-01-31" }))).toEqual(["endDate"]);
    // Payment terms: whole days from 0 (due on receipt) to 365, or null for the merchant's default.
    const one = [{ prices: [{ priceId: "monthly", quantity: "1" }] }];
    for (const ok of [0, 14, 365, null, undefined]) expect(paths(base(one, { defaultDueDateDays: ok })), String(ok)).toEqual([]);
    for (const bad of [-1, 366, 1.5, Number.NaN]) expect(paths(base(one, { defaultDueDateDays: bad })), String(bad)).toEqual(["defaultDueDateDays"]);
    expect(scheduleDraft("bsch_1", base(one, { defaultDueDateDays: 14 })).defaultDueDateDays).toBe(14);
    expect(scheduleDraft("bsch_1", base(one)).defaultDueDateDays).toBeNull();
  });

  it("phases must be contiguous, in order, ending with the schedule", () => {
    // A gap between phase 0 and phase 1, and a last phase that stops before the schedule's end.
    const gap = base([
      { endDate: "2026-04-30", prices: [{ priceId: "monthly", quantity: "1" }] },
      { startDate: "2026-05-31", endDate: "2026-12-31", prices: [{ priceId: "monthly", quantity: "1" }] },
    ]);
    expect(scheduleIssues(gap, prices)).toEqual([
      { path: "phases.1.startDate", message: "must be 2026-04-30, where phase 0 ends (phases are contiguous and do not overlap)" },
      { path: "phases.1.endDate", message: "must be the schedule's endDate (2027-01-31)" },
    ]);
    // Overlap: phase 1 starts before phase 0 ends.
    expect(paths(base([{ endDate: "2026-06-30", prices: [{ priceId: "monthly", quantity: "1" }] }, { startDate: "2026-04-30", prices: [{ priceId: "monthly", quantity: "1" }] }]))).toEqual(["phases.1.startDate"]);
    expect(paths(base([{ startDate: "2026-02-28", prices: [{ priceId: "monthly", quantity: "1" }] }]))).toEqual(["phases.0.startDate"]);
    // Only the last phase may be open-ended.
    expect(paths(base([{ prices: [{ priceId: "monthly", quantity: "1" }] }, { prices: [{ priceId: "monthly", quantity: "1" }] }], { endDate: null }))).toEqual(["phases.0.endDate"]);
    expect(paths(base([{ endDate: "2026-01-31", prices: [{ priceId: "monthly", quantity: "1" }] }, { prices: [{ priceId: "monthly", quantity: "1" }] }]))).toContain("phases.0.endDate");
  });

  it("a phase boundary must be a period boundary of the prices on either side (no proration across a ramp)", () => {
    // 28 Mar is not a monthly boundary of a schedule billed on the 31st (31 Jan, 28 Feb, 31 Mar …).
    expect(scheduleIssues(base([{ endDate: "2026-03-28", prices: [{ priceId: "monthly", quantity: "1" }] }, { prices: [{ priceId: "monthly", quantity: "1" }] }]), prices)).toEqual([
      { path: "phases.1.startDate", message: "must fall on a billing period boundary of monthly prices, so no period is split between phases" },
    ]);
    // Two months into a quarterly price: the quarter would be split, whichever side bills it.
    const quarterBefore = base([{ endDate: "2026-03-31", prices: [{ priceId: "quarterly", quantity: "1" }] }, { prices: [{ priceId: "monthly", quantity: "1" }] }]);
    const quarterAfter = base([{ endDate: "2026-03-31", prices: [{ priceId: "monthly", quantity: "1" }] }, { prices: [{ priceId: "quarterly", quantity: "1" }] }]);
    expect(paths(quarterBefore)).toEqual(["phases.1.startDate"]);
    expect(paths(quarterAfter)).toEqual(["phases.1.startDate"]);
    // One-time prices fit anywhere.
    expect(paths(base([{ endDate: "2026-03-15", prices: [{ priceId: "setup", quantity: "1" }] }, { startDate: "2026-03-15", endDate: "2026-04-30", prices: [{ priceId: "setup", quantity: "1" }] }, { prices: [{ priceId: "quarterly", quantity: "1" }] }]))).toEqual([]);
  });

  it("prices: known, active, in the schedule's currency, with a quantity their model takes", () => {
    const input = base([
      {
        prices: [
          { priceId: "nope", quantity: "1" },
          { priceId: "old", quantity: "1" },
          { priceId: "usd", quantity: "1" },
          { priceId: "seats", quantity: "2.5" },
          { priceId: "monthly", quantity: "-1" },
          { priceId: "monthly", quantity: "1e3" },
        ],
      },
    ]);
    expect(scheduleIssues(input, prices)).toEqual([
      { path: "phases.0.prices.0.priceId", message: "Price nope not found in this entity" },
      { path: "phases.0.prices.1.priceId", message: "Price old is archived" },
      { path: "phases.0.prices.2.priceId", message: "Price usd is in USD, the schedule in EUR" },
      { path: "phases.0.prices.3.quantity", message: "must be a whole number of seats" },
      { path: "phases.0.prices.4.quantity", message: "must not be negative" },
      { path: "phases.0.prices.5.quantity", message: expect.stringContaining("plain decimal") },
    ]);
    expect(paths(base([{ prices: [] }]))).toEqual(["phases.0.prices"]);
  });

  it("discounts: well-formed, on prices of the phase, at most one per price", () => {
    const input = base([
      {
        prices: [{ priceId: "monthly", quantity: "1", discount: { type: "NOMINAL", value: "5.00" } }, { priceId: "quarterly", quantity: "1" }],
        discounts: [
          { type: "PERCENTAGE", value: "120" },
          { type: "NOMINAL", value: "1.005", priceIds: ["quarterly"] },
          { type: "PERCENTAGE", value: "10", priceIds: ["setup"] },
        ],
      },
    ]);
    expect(scheduleIssues(input, prices)).toEqual([
      { path: "phases.0.discounts.0.value", message: "must be at most 100" },
      { path: "phases.0.discounts.0.priceIds", message: "price monthly already has its own discount on the line" },
      { path: "phases.0.discounts.1.value", message: "must have at most 2 decimal places" },
      { path: "phases.0.discounts.1.priceIds", message: "price quarterly already has discount 0 of this phase (one discount per price)" },
      { path: "phases.0.discounts.2.priceIds.0", message: "setup is not a price of this phase" },
    ]);
  });

  it("minimums: a positive amount in the currency's digits, on recurring prices of the phase", () => {
    expect(scheduleIssues(base([{ prices: [{ priceId: "monthly", quantity: "1" }], minimum: { amount: "0" } }]), prices)).toEqual([
      { path: "phases.0.minimum.amount", message: "must be greater than 0" },
    ]);
    expect(paths(base([{ prices: [{ priceId: "monthly", quantity: "1" }], minimum: { amount: "10.001" } }]))).toEqual(["phases.0.minimum.amount"]);
    expect(paths(base([{ prices: [{ priceId: "setup", quantity: "1" }], minimum: { amount: "100" } }]))).toEqual(["phases.0.minimum"]);
    expect(paths(base([{ prices: [{ priceId: "monthly", quantity: "1" }], minimum: { amount: "100", priceIds: ["quarterly"] } }]))).toEqual(["phases.0.minimum.priceIds.0", "phases.0.minimum"]);
  });
});
