// How a billing run is cut and checked (worker/domain/billing-run-plan.ts): chunks by id, the cron's
// local date around midnight in several zones, and the dry run's warnings.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dueInvoices } from "../../worker/domain/billing-run.ts";
import { chunksOf, cronRunDate, invoiceWarnings, rowsOf, type WarningFacts } from "../../worker/domain/billing-run-plan.ts";
import { scheduleDraft, type SchedulePrice } from "../../worker/domain/schedule.ts";
import { price } from "../support/billing.ts";

describe("cronRunDate: the entity's local date at the cron's instant", () => {
  it.each([
    // instant (UTC), zone, local date
    ["2026-12-31T22:59:59Z", "Europe/Berlin", "2026-12-31"],
    ["2026-12-31T23:00:00Z", "Europe/Berlin", "2027-01-01"],
    ["2026-12-31T23:59:59Z", "Europe/London", "2026-12-31"],
    ["2027-01-01T00:00:00Z", "Europe/London", "2027-01-01"],
    ["2027-06-30T23:00:00Z", "Europe/London", "2027-07-01"], // BST: UTC+1
    ["2027-01-01T04:59:59Z", "America/New_York", "2026-12-31"],
    ["2027-01-01T05:00:00Z", "America/New_York", "2027-01-01"],
    ["2027-07-01T03:59:59Z", "America/New_York", "2027-06-30"], // EDT: UTC−4
    ["2027-07-01T04:00:00Z", "America/New_York", "2027-07-01"],
    ["2027-03-01T10:59:59Z", "Pacific/Auckland", "2027-03-01"], // NZDT: UTC+13
    ["2027-03-01T11:00:00Z", "Pacific/Auckland", "2027-03-02"],
    ["2027-01-01T09:59:59Z", "Pacific/Honolulu", "2026-12-31"],
    ["2027-02-28T18:30:00Z", "Asia/Kolkata", "2027-03-01"], // UTC+5:30
    ["2027-02-28T18:29:59Z", "Asia/Kolkata", "2027-02-28"],
    ["2027-03-28T00:59:59Z", "Europe/Berlin", "2027-03-28"], // the night clocks go forward
  ])("%s in %s is %s", (at, zone, expected) => {
    expect(cronRunDate(at, zone)).toBe(expected);
  });
});

describe("chunksOf", () => {
  it("cuts sorted boundaries into [from, next) ranges, the last open", () => {
    expect(chunksOf(["b", "a", "c"])).toEqual([
      { index: 0, fromId: "a", beforeId: "b" },
      { index: 1, fromId: "b", beforeId: "c" },
      { index: 2, fromId: "c", beforeId: null },
    ]);
    expect(chunksOf([])).toEqual([]);
  });

  it("every id from the first boundary on falls in exactly one chunk", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 30 }), fc.array(fc.string({ minLength: 1, maxLength: 6 })), (boundaries, ids) => {
        const chunks = chunksOf(boundaries);
        for (const id of ids.filter((i) => i >= chunks[0].fromId)) {
          expect(chunks.filter((c) => id >= c.fromId && (c.beforeId === null || id < c.beforeId))).toHaveLength(1);
        }
      }),
    );
  });

  it("an invoice writes its row, its lines, its event and its audit row", () => {
    expect(rowsOf(2)).toBe(5);
  });
});

describe("invoiceWarnings", () => {
  const prices = new Map<string, SchedulePrice>([
    ["platform", price("platform", "MONTHLY", "1000.00")],
    ["setup", price("setup", "ONE_TIME", "0.00")],
  ]);
  const schedule = (lines: { priceId: string; quantity: string }[]) => ({
    ...scheduleDraft("bsch_1", { customerId: "cus_1", currency: "EUR", startDate: "2030-01-01", endDate: "2030-03-01", phases: [{ prices: lines }] }),
    status: "ACTIVE" as const,
  });
  const facts = (over: Partial<WarningFacts> = {}): WarningFacts => ({ customerId: "cus_1", currency: "EUR", taxStatus: "TAXED", taxId: null, quoted: null, untaxedLines: 0, ...over });
  const [due] = dueInvoices(schedule([{ priceId: "platform", quantity: "2" }]), prices, "2030-01-01");

  it.each([
    ["none for a plain taxed invoice", facts(), []],
    ["a quote that agreed the same quantity and amount", facts({ quoted: new Map([["platform", { quantity: "2", total: "2000.00" }]]) }), []],
    ["a quote with another amount", facts({ quoted: new Map([["platform", { quantity: "2", total: "1800.00" }]]) }), ["price_differs_from_quote"]],
    ["a quote with another quantity", facts({ quoted: new Map([["platform", { quantity: "3", total: "2000.00" }]]) }), ["price_differs_from_quote"]],
    ["a price the quote does not have", facts({ quoted: new Map() }), ["price_differs_from_quote"]],
    ["reverse charged without a tax id", facts({ taxStatus: "REVERSE_CHARGED", taxId: " " }), ["reverse_charge_without_tax_id"]],
    ["reverse charged with a tax id", facts({ taxStatus: "REVERSE_CHARGED", taxId: "FR40303265045" }), []],
    ["lines no rate fits", facts({ untaxedLines: 1 }), ["no_tax_rate"]],
  ])("%s", (_label, given, codes) => {
    expect(invoiceWarnings(due, given).map((w) => w.code)).toEqual(codes);
  });

  it("a zero total, naming the schedule, customer and day", () => {
    const [zero] = dueInvoices(schedule([{ priceId: "setup", quantity: "1" }]), prices, "2030-01-01");
    expect(invoiceWarnings(zero, facts())).toEqual([
      { code: "zero_total", message: "The invoice's total is zero", billingScheduleId: "bsch_1", customerId: "cus_1", billingDate: "2030-01-01" },
    ]);
  });
});
