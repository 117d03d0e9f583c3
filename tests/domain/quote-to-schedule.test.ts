// Executing an accepted quote (worker/domain/quote-to-schedule.ts): one phase over the contract,
// month-end safe, each line with its discount; what the schedule bills is what the quote's totals said.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dueInvoices } from "../../worker/domain/billing-run.ts";
import { contractTotals } from "../../worker/domain/contract.ts";
import { lineAmounts, type QuoteLine } from "../../worker/domain/quote.ts";
import { scheduleFromQuote, type AcceptedQuote } from "../../worker/domain/quote-to-schedule.ts";
import { scheduleDraft, scheduleIssues, type SchedulePrice } from "../../worker/domain/schedule.ts";
import { price } from "../support/billing.ts";

const catalog = new Map<string, SchedulePrice>(
  [
    price("platform", "MONTHLY", "1250.00", { productName: "Platform" }),
    price("usage", "MONTHLY", "0.03", { productName: "API", billingType: "IN_ARREARS", pricingType: "LINEAR", structure: { pricingType: "LINEAR", pricePerUnit: "0.03" } }),
    price("support", "QUARTERLY", "900.00", { productName: "Support" }),
    price("setup", "ONE_TIME", "4500.00", { productName: "Onboarding" }),
  ].map((p) => [p.id, p]),
);

const line = (id: string, position: string, priceId: string, quantity: string, discount: QuoteLine["discount"] = null): QuoteLine => ({ id, position, priceId, quantity, discount, description: null });

const quote = (extra: Partial<AcceptedQuote> = {}): AcceptedQuote => ({
  status: "ACCEPTED",
  customerId: "cus_1",
  currency: "EUR",
  startDate: "2026-01-31",
  contractLengthMonths: 12,
  lines: [
    line("l3", "a3", "support", "1"),
    line("l1", "a1", "platform", "1", { type: "PERCENTAGE", value: "10" }),
    line("l2", "a2", "usage", "1000"),
    line("l4", "a4", "setup", "1", { type: "NOMINAL", value: "500.00" }),
  ],
  ...extra,
});

describe("scheduleFromQuote", () => {
  it("a 12-month contract from 31 Jan: one phase to 31 Jan next year, lines in quote order with their discounts", () => {
    const input = scheduleFromQuote(quote(), "2026-01-20");
    expect(input).toEqual({
      customerId: "cus_1",
      currency: "EUR",
      startDate: "2026-01-31",
      endDate: "2027-01-31",
      recurrenceDayOfMonth: null,
      phases: [
        {
          startDate: "2026-01-31",
          endDate: "2027-01-31",
          prices: [
            { priceId: "platform", quantity: "1", discount: { type: "PERCENTAGE", value: "10" } },
            { priceId: "usage", quantity: "1000" },
            { priceId: "support", quantity: "1" },
            { priceId: "setup", quantity: "1", discount: { type: "NOMINAL", value: "500.00" } },
          ],
          discounts: [],
          minimum: null,
        },
      ],
    });
    expect(scheduleIssues(input, catalog)).toEqual([]);
  });

  it("bills the 31st of each month (28 Feb, 30 Apr …), never drifting, and what the quote's totals said", () => {
    const input = scheduleFromQuote(quote(), "2026-01-20");
    const schedule = { ...scheduleDraft("bs_q", input), status: "ACTIVE" as const };
    const due = dueInvoices(schedule, catalog, "2027-12-31");
    expect(due.map((d) => d.billingDate)).toEqual([
      "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
      "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31", "2027-01-31",
    ]);
    // The first invoice is the quote's firstInvoice; everything billed is its total contract value.
    const amounts = (priceId: string, q: QuoteLine) => lineAmounts(q, catalog.get(priceId) as SchedulePrice, "EUR").total;
    const contract = contractTotals(
      quote().lines.map((q) => {
        const p = catalog.get(q.priceId) as SchedulePrice;
        return { billingFrequency: p.billingFrequency, billingType: p.billingType, total: amounts(q.priceId, q as QuoteLine) };
      }),
      12,
      "EUR",
    );
    expect(due[0].total).toBe(contract.firstInvoice); // 1125 + 900 + 4000
    const cents = (a: string) => BigInt(a.replace(".", ""));
    expect(String(due.reduce((sum, d) => sum + cents(d.total), 0n))).toBe(String(cents(contract.totalContractValue)));
  });

  it("no startDate: the contract starts on the acceptance date", () => {
    expect(scheduleFromQuote(quote({ startDate: null, contractLengthMonths: 1 }), "2028-01-31")).toMatchObject({ startDate: "2028-01-31", endDate: "2028-02-29" });
  });

  it("refuses a quote that is not ACCEPTED, or has no lines", () => {
    expect(() => scheduleFromQuote(quote({ status: "PUBLISHED" }), "2026-01-20")).toThrow(expect.objectContaining({ code: "quote_not_accepted" }));
    expect(() => scheduleFromQuote(quote({ lines: [] }), "2026-01-20")).toThrow(expect.objectContaining({ code: "quote_has_no_lines" }));
  });

  it("property: the schedule's billed total is the quote's total contract value, for any start and length", () => {
    const pad = (n: number) => String(n).padStart(2, "0");
    const dim = (y: number, m: number) => [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
    // Month ends included: the 29th, 30th and 31st are where a drifting schedule would go wrong.
    const startArb = fc.record({ y: fc.integer({ min: 2024, max: 2030 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) }).map(({ y, m, d }) => `${y}-${pad(m)}-${pad(Math.min(d, dim(y, m)))}`);
    fc.assert(
      fc.property(startArb, fc.integer({ min: 1, max: 40 }), (startDate, months) => {
        const q = quote({ startDate, contractLengthMonths: months });
        const schedule = { ...scheduleDraft("bs_p", scheduleFromQuote(q, startDate)), status: "ACTIVE" as const };
        const billed = dueInvoices(schedule, catalog, "2099-12-31").reduce((sum, d) => sum + BigInt(d.total.replace(".", "")), 0n);
        const contract = contractTotals(
          q.lines.map((l) => {
            const p = catalog.get(l.priceId) as SchedulePrice;
            return { billingFrequency: p.billingFrequency, billingType: p.billingType, total: lineAmounts(l as QuoteLine, p, "EUR").total };
          }),
          months,
          "EUR",
        );
        expect(billed).toBe(BigInt(contract.totalContractValue.replace(".", "")));
      }),
      { numRuns: 60 },
    );
  });
});
