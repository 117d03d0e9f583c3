// What a billing schedule owes by a day (worker/domain/billing-run.ts): advance, arrears and one-time
// lines grouped per billing day, proration-free ramps, minimum true-ups, stable keys, the lifecycle.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  activate,
  cancel,
  dueInvoices,
  invoiceLines,
  lastBillingDate,
  nextInvoiceDate,
  resume,
  statusAfterRun,
  statusOn,
  suspend,
} from "../../worker/domain/billing-run.ts";
import { addDaysToDate, addMonthsTo } from "../../worker/domain/dates.ts";
import { DomainError } from "../../worker/domain/errors.ts";
import { scheduleDraft, scheduleIssues, type BillingSchedule, type ScheduleInput, type SchedulePrice } from "../../worker/domain/schedule.ts";
import { price } from "../support/billing.ts";

const catalog = new Map<string, SchedulePrice>(
  [
    price("platform", "MONTHLY", "1000.00", { productName: "Platform", name: "Platform fee" }),
    price("support", "QUARTERLY", "300.00", { productName: "Support", name: "Premium support" }),
    price("usage", "MONTHLY", "0.10", { productName: "API", name: "API calls", billingType: "IN_ARREARS", pricingType: "LINEAR", structure: { pricingType: "LINEAR", pricePerUnit: "0.10" } }),
    price("setup", "ONE_TIME", "2500.00", { productName: "Onboarding", name: "Onboarding" }),
    price("yearly", "YEARLY", "1200.00", { productName: "Licence", name: "Licence", billingType: "IN_ARREARS" }),
    price("tiered", "MONTHLY", "0", {
      productName: "Storage",
      name: "Storage",
      pricingType: "GRADUATED",
      structure: { pricingType: "GRADUATED", tiers: [{ upperBound: "10", price: "2" }, { price: "1" }] },
    }),
  ].map((p) => [p.id, p]),
);

function schedule(input: Omit<ScheduleInput, "customerId" | "currency">, status: BillingSchedule["status"] = "ACTIVE", id = "bs_1"): BillingSchedule {
  const full: ScheduleInput = { customerId: "cus_1", currency: "EUR", ...input };
  expect(scheduleIssues(full, catalog)).toEqual([]);
  return { ...scheduleDraft(id, full), status };
}
const summary = (s: BillingSchedule, asOf: string) =>
  dueInvoices(s, catalog, asOf).map((d) => ({ date: d.billingDate, lines: d.lines.map((l) => `${l.priceId ?? "minimum"} ${l.amount}`) }));

describe("due by asOf", () => {
  const s = schedule({
    startDate: "2026-01-31",
    endDate: "2026-07-31",
    phases: [
      {
        prices: [
          { priceId: "setup", quantity: "1" },
          { priceId: "platform", quantity: "1" },
          { priceId: "support", quantity: "1" },
          { priceId: "usage", quantity: "1000" },
        ],
      },
    ],
  });

  it("on the start: the one-time charge and the first periods in advance; arrears wait for the period's end", () => {
    const [first] = dueInvoices(s, catalog, "2026-01-31");
    expect(first.key).toBe("bs_1:2026-01-31");
    expect(first.lines.map((l) => [l.title, l.amount, l.servicePeriod])).toEqual([
      ["Onboarding", "2500.00", null],
      ["Platform — Platform fee", "1000.00", { start: "2026-01-31", end: "2026-02-28" }],
      ["Support — Premium support", "300.00", { start: "2026-01-31", end: "2026-04-30" }],
    ]);
    expect(first.total).toBe("3800.00");
    expect(first.billingPeriod).toEqual({ start: "2026-01-31", end: "2026-04-30" });
  });

  it("the day before the start: nothing", () => {
    expect(dueInvoices(s, catalog, "2026-01-30")).toEqual([]);
  });

  it("each billing day is one invoice: the new month in advance with last month's usage in arrears", () => {
    expect(summary(s, "2026-04-30")).toEqual([
      { date: "2026-01-31", lines: ["setup 2500.00", "platform 1000.00", "support 300.00"] },
      { date: "2026-02-28", lines: ["platform 1000.00", "usage 100.00"] },
      { date: "2026-03-31", lines: ["platform 1000.00", "usage 100.00"] },
      { date: "2026-04-30", lines: ["platform 1000.00", "support 300.00", "usage 100.00"] },
    ]);
    const april = dueInvoices(s, catalog, "2026-04-30")[3];
    expect(april.lines.find((l) => l.priceId === "usage")?.servicePeriod).toEqual({ start: "2026-03-31", end: "2026-04-30" });
  });

  it("the last arrears line bills on the schedule's end, and nothing after", () => {
    const all = dueInvoices(s, catalog, "2030-01-01");
    expect(all.map((d) => d.billingDate)).toEqual(["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31"]);
    expect(all.at(-1)?.lines.map((l) => l.priceId)).toEqual(["usage"]);
    expect(lastBillingDate(s, catalog)).toBe("2026-07-31");
  });

  it("`from` skips billing days already invoiced", () => {
    expect(dueInvoices(s, catalog, "2026-04-30", { from: "2026-03-01" }).map((d) => d.billingDate)).toEqual(["2026-03-31", "2026-04-30"]);
  });

  it("nothing for a DRAFT, SUSPENDED or COMPLETED schedule", () => {
    for (const status of ["DRAFT", "SUSPENDED", "COMPLETED"] as const) expect(dueInvoices({ ...s, status }, catalog, "2026-12-31")).toEqual([]);
  });

  it("a unit rate where quantity × rate is the amount; else quantity 1 at the amount, the quantity in the description", () => {
    const tiered = schedule({ startDate: "2026-01-01", endDate: "2026-02-01", phases: [{ prices: [{ priceId: "tiered", quantity: "15" }, { priceId: "usage", quantity: "1000" }] }] });
    const [storage] = dueInvoices(tiered, catalog, "2026-01-01")[0].lines;
    expect(storage).toMatchObject({ quantity: "15", rate: null, subtotal: "25.00", amount: "25.00" }); // 10 × 2 + 5 × 1
    expect(storage.description).toBe("Tiered · billed monthly in advance · Quantity 15");
    const usage = dueInvoices(tiered, catalog, "2026-02-01")[1].lines[0];
    expect(usage).toMatchObject({ quantity: "1000", rate: "0.10", amount: "100.00" });
    expect(invoiceLines(dueInvoices(tiered, catalog, "2026-01-01")[0])).toEqual([
      { title: "Storage", description: storage.description, quantity: "1", rate: "25.00", amount: "25.00", priceId: "tiered", productId: "prod_tiered", servicePeriod: { start: "2026-01-01", end: "2026-02-01" } },
    ]);
  });
});

describe("proration-free ramps across phase boundaries", () => {
  // Three months at 20 % off, then list price, for a year from 31 Jan (Sequence's introductory-pricing case).
  const s = schedule({
    startDate: "2026-01-31",
    endDate: "2027-01-31",
    phases: [
      { endDate: "2026-04-30", prices: [{ priceId: "platform", quantity: "1" }, { priceId: "support", quantity: "1" }, { priceId: "usage", quantity: "2000" }], discounts: [{ type: "PERCENTAGE", value: "20", priceIds: ["platform", "support"] }] },
      { prices: [{ priceId: "platform", quantity: "1" }, { priceId: "support", quantity: "1" }, { priceId: "usage", quantity: "2000" }] },
    ],
  });

  it("each period is billed at the phase it lies in, whole", () => {
    const due = dueInvoices(s, catalog, "2026-05-31");
    expect(due.map((d) => ({ date: d.billingDate, lines: d.lines.map((l) => `${l.phaseIndex}:${l.priceId} ${l.subtotal}-${l.discount?.amount ?? "0"}=${l.amount}`) }))).toEqual([
      { date: "2026-01-31", lines: ["0:platform 1000.00-200.00=800.00", "0:support 300.00-60.00=240.00"] },
      { date: "2026-02-28", lines: ["0:platform 1000.00-200.00=800.00", "0:usage 200.00-0=200.00"] },
      { date: "2026-03-31", lines: ["0:platform 1000.00-200.00=800.00", "0:usage 200.00-0=200.00"] },
      // 30 Apr: March's usage in arrears belongs to phase 0, the new month and quarter to phase 1 at list price.
      { date: "2026-04-30", lines: ["0:usage 200.00-0=200.00", "1:platform 1000.00-0=1000.00", "1:support 300.00-0=300.00"] },
      { date: "2026-05-31", lines: ["1:platform 1000.00-0=1000.00", "1:usage 200.00-0=200.00"] },
    ]);
    expect(due.flatMap((d) => d.lines).every((l) => l.proration === null)).toBe(true);
  });

  it("property: any ramp on quarter boundaries bills each period whole, inside its phase, at that phase's terms", () => {
    const pad = (n: number) => String(n).padStart(2, "0");
    const dim = (y: number, m: number) => [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
    const startArb = fc.record({ y: fc.integer({ min: 2024, max: 2030 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) }).map(({ y, m, d }) => `${y}-${pad(m)}-${pad(Math.min(d, dim(y, m)))}`);
    fc.assert(
      fc.property(startArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (startDate, rampQuarters, laterQuarters) => {
        const rampEnd = addMonthsTo(startDate, rampQuarters * 3);
        const endDate = addMonthsTo(startDate, (rampQuarters + laterQuarters) * 3);
        const lines = [{ priceId: "platform", quantity: "1" }, { priceId: "support", quantity: "1" }, { priceId: "usage", quantity: "1000" }];
        const ramp = schedule({ startDate, endDate, phases: [{ endDate: rampEnd, prices: lines, discounts: [{ type: "PERCENTAGE", value: "25" }] }, { prices: lines }] });
        const billed = dueInvoices(ramp, catalog, "2099-01-01").flatMap((d) => d.lines);
        const full: Record<string, string> = { platform: "1000.00", support: "300.00", usage: "100.00" };
        const discounted: Record<string, string> = { platform: "750.00", support: "225.00", usage: "75.00" };
        for (const line of billed) {
          const period = line.servicePeriod as { start: string; end: string };
          expect(line.proration).toBeNull();
          const [from, to] = line.phaseIndex === 0 ? [startDate, rampEnd] : [rampEnd, endDate];
          expect(period.start >= from && period.end <= to).toBe(true);
          expect(line.amount).toBe((line.phaseIndex === 0 ? discounted : full)[line.priceId as string]);
        }
        // Monthly prices bill every month, the quarterly one every quarter, each phase its own share.
        const count = (priceId: string, phaseIndex: number) => billed.filter((l) => l.priceId === priceId && l.phaseIndex === phaseIndex).length;
        expect([count("platform", 0), count("usage", 0), count("support", 0)]).toEqual([rampQuarters * 3, rampQuarters * 3, rampQuarters]);
        expect([count("platform", 1), count("usage", 1), count("support", 1)]).toEqual([laterQuarters * 3, laterQuarters * 3, laterQuarters]);
      }),
      { numRuns: 80 },
    );
  });

  it("the discount is a line of its own on the invoice, with the price's id", () => {
    expect(invoiceLines(dueInvoices(s, catalog, "2026-01-31")[0]).map((l) => [l.title, l.quantity, l.rate, l.amount, l.priceId])).toEqual([
      ["Platform — Platform fee", "1", "1000.00", "1000.00", "platform"],
      ["Discount — Platform — Platform fee", "1", "-200.00", "-200.00", "platform"],
      ["Support — Premium support", "1", "300.00", "300.00", "support"],
      ["Discount — Support — Premium support", "1", "-60.00", "-60.00", "support"],
    ]);
  });

  it("a one-time price in a later phase bills on that phase's start", () => {
    const renewal = schedule({
      startDate: "2026-01-01",
      endDate: "2028-01-01",
      phases: [{ endDate: "2027-01-01", prices: [{ priceId: "platform", quantity: "1" }] }, { prices: [{ priceId: "platform", quantity: "1" }, { priceId: "setup", quantity: "1" }] }],
    });
    const jan = dueInvoices(renewal, catalog, "2027-01-01").at(-1);
    expect(jan?.lines.map((l) => l.priceId)).toEqual(["platform", "setup"]);
  });
});

describe("minimum true-ups", () => {
  const withMinimum = (quantity: string, amount: string, priceIds?: string[]) =>
    schedule({
      startDate: "2026-01-01",
      endDate: "2026-04-01",
      phases: [{ prices: [{ priceId: "usage", quantity }, { priceId: "setup", quantity: "1" }], minimum: { amount, ...(priceIds ? { priceIds } : {}) } }],
    });

  it("below the minimum: a true-up line of exactly the difference", () => {
    const feb = dueInvoices(withMinimum("1234", "500.00"), catalog, "2026-02-01")[1];
    expect(feb.lines.map((l) => [l.kind, l.title, l.amount])).toEqual([
      ["PRICE", "API — API calls", "123.40"],
      ["MINIMUM", "Minimum commitment", "376.60"],
    ]);
    expect(feb.total).toBe("500.00");
    expect(feb.lines[1]).toMatchObject({ quantity: "1", rate: "376.60", servicePeriod: { start: "2026-01-01", end: "2026-02-01" } });
  });

  it("at or above the minimum: none; one-time lines never count towards it", () => {
    expect(dueInvoices(withMinimum("5000", "500.00"), catalog, "2026-02-01")[1].lines).toHaveLength(1);
    expect(dueInvoices(withMinimum("5001", "500.00"), catalog, "2026-02-01")[1].lines).toHaveLength(1);
    // The first invoice bills only the one-time setup: no recurring line, no true-up.
    expect(dueInvoices(withMinimum("0", "500.00"), catalog, "2026-01-01")[0].lines.map((l) => l.kind)).toEqual(["PRICE"]);
  });

  it("property: the counted lines plus the true-up are max(minimum, billed)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (usage, minimumCents) => {
        const minimum = `${minimumCents / 100n}.${String(minimumCents % 100n).padStart(2, "0")}`;
        const lines = dueInvoices(withMinimum(String(usage), minimum), catalog, "2026-02-01")[1].lines;
        const cents = (a: string) => BigInt(a.replace(".", ""));
        const billed = usage * 10n; // 0.10 per call, in cents
        expect(cents(lines[0].amount)).toBe(billed);
        const total = lines.reduce((sum, l) => sum + cents(l.amount), 0n);
        expect(total).toBe(billed > minimumCents ? billed : minimumCents);
        expect(lines.some((l) => l.kind === "MINIMUM")).toBe(billed < minimumCents);
      }),
    );
  });
});

describe("stub period and the cut last period", () => {
  it("a start on the 15th billed on the 1st: the stub is prorated by days, no minimum on it", () => {
    const s = schedule({ startDate: "2026-02-15", endDate: "2026-04-01", recurrenceDayOfMonth: 1, phases: [{ prices: [{ priceId: "platform", quantity: "1", discount: { type: "NOMINAL", value: "100.00" } }], minimum: { amount: "2000.00" } }] });
    const [stub, march] = dueInvoices(s, catalog, "2026-03-01");
    // 1000 × 14 / 28 = 500, the nominal discount prorated alike (50).
    expect(stub.lines).toEqual([expect.objectContaining({ subtotal: "500.00", discount: { type: "NOMINAL", value: "100.00", amount: "50.00" }, amount: "450.00", rate: null, proration: { days: 14, fullDays: 28 } })]);
    expect(stub.lines[0].description).toContain("Prorated: 14 of 28 days");
    expect(march.lines.map((l) => [l.kind, l.amount])).toEqual([["PRICE", "900.00"], ["MINIMUM", "1100.00"]]);
  });

  it("a last period cut by the end is billed whole (as the quote's contract value counts it)", () => {
    const s = schedule({ startDate: "2026-01-01", endDate: "2026-05-01", phases: [{ prices: [{ priceId: "support", quantity: "1" }, { priceId: "yearly", quantity: "1" }] }] });
    const due = dueInvoices(s, catalog, "2027-01-01");
    expect(due.map((d) => [d.billingDate, d.lines.map((l) => `${l.priceId} ${l.amount} ${l.servicePeriod?.start}/${l.servicePeriod?.end}`)])).toEqual([
      ["2026-01-01", ["support 300.00 2026-01-01/2026-04-01"]],
      ["2026-04-01", ["support 300.00 2026-04-01/2026-05-01"]],
      ["2026-05-01", ["yearly 1200.00 2026-01-01/2026-05-01"]],
    ]);
    expect(due[1].lines[0].description).toContain("Final period, ends 2026-05-01");
  });
});

describe("keys", () => {
  const monthlyFrom = (startDate: string, months: number | null, id: string) =>
    schedule({ startDate, endDate: months === null ? null : addMonthsTo(startDate, months), phases: [{ prices: [{ priceId: "platform", quantity: "1" }, { priceId: "usage", quantity: "10" }, { priceId: "support", quantity: "1" }] }] }, "ACTIVE", id);
  const pad = (n: number) => String(n).padStart(2, "0");
  const dateArb = fc.record({ y: fc.integer({ min: 2020, max: 2030 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) }).map(({ y, m, d }) => `${y}-${pad(m)}-${pad(d)}`);

  it("property: a run for asOf1 then one for asOf2 > asOf1 invoices each billing day exactly once (skipping keys already invoiced)", () => {
    fc.assert(
      fc.property(dateArb, fc.option(fc.integer({ min: 1, max: 36 }), { nil: null }), fc.integer({ min: 0, max: 900 }), fc.integer({ min: 1, max: 900 }), (start, months, gap1, gap2) => {
        const s = monthlyFrom(start, months, "bs_prop");
        const asOf1 = addDaysToDate(start, gap1);
        const asOf2 = addDaysToDate(asOf1, gap2);
        const invoiced = new Set<string>();
        const created: string[] = [];
        for (const asOf of [asOf1, asOf1, asOf2]) {
          for (const due of dueInvoices(s, catalog, asOf)) {
            if (invoiced.has(due.key)) continue;
            invoiced.add(due.key);
            created.push(due.key);
          }
        }
        // Exactly the keys of one run at asOf2: nothing twice, nothing lost.
        const once = dueInvoices(s, catalog, asOf2);
        expect(created).toEqual(once.map((d) => d.key));
        expect(new Set(once.map((d) => d.key)).size).toBe(once.length);
        // Deterministic: the same run gives the same invoices.
        expect(dueInvoices(s, catalog, asOf2)).toEqual(once);
        // Keys belong to their schedule.
        expect(once.every((d) => d.key === `bs_prop:${d.billingDate}`)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe("lifecycle", () => {
  const s = schedule({ startDate: "2026-03-01", endDate: "2026-06-01", phases: [{ prices: [{ priceId: "platform", quantity: "1" }, { priceId: "usage", quantity: "10" }] }] }, "DRAFT");

  it("activate: ACTIVE from the start, PENDING before it; only a DRAFT", () => {
    expect(activate(s, "2026-03-01")).toBe("ACTIVE");
    expect(activate(s, "2026-02-28")).toBe("PENDING");
    expect(() => activate({ ...s, status: "ACTIVE" }, "2026-03-01")).toThrow(expect.objectContaining({ code: "schedule_not_draft" }));
  });

  it("PENDING becomes ACTIVE when the start is reached", () => {
    expect(statusOn({ ...s, status: "PENDING" }, "2026-02-28")).toBe("PENDING");
    expect(statusOn({ ...s, status: "PENDING" }, "2026-03-01")).toBe("ACTIVE");
    expect(statusOn({ ...s, status: "SUSPENDED" }, "2026-03-01")).toBe("SUSPENDED");
  });

  it("suspend and resume", () => {
    expect(suspend({ status: "ACTIVE" })).toBe("SUSPENDED");
    expect(() => suspend({ status: "DRAFT" })).toThrow(expect.objectContaining({ code: "schedule_not_active" }));
    expect(resume({ ...s, status: "SUSPENDED" }, "2026-04-01")).toBe("ACTIVE");
    expect(resume({ ...s, status: "SUSPENDED" }, "2026-01-01")).toBe("PENDING");
    expect(() => resume({ ...s, status: "ACTIVE" }, "2026-04-01")).toThrow(expect.objectContaining({ code: "schedule_not_suspended" }));
  });

  it("cancel with an end date: billing stops there, the cut period billed whole", () => {
    const active = { ...s, status: "ACTIVE" as const };
    expect(cancel(active, "2026-04-15", "2026-04-10")).toEqual({ status: "CANCELLED", endDate: "2026-04-15" });
    const cancelled = { ...active, status: "CANCELLED" as const, endDate: "2026-04-15" };
    expect(summary(cancelled, "2026-12-31")).toEqual([
      { date: "2026-03-01", lines: ["platform 1000.00"] },
      { date: "2026-04-01", lines: ["platform 1000.00", "usage 1.00"] },
      { date: "2026-04-15", lines: ["usage 1.00"] },
    ]);
    const refusal = (() => {
      try {
        cancel(active, "2026-04-09", "2026-04-10");
      } catch (error) {
        return error as DomainError;
      }
    })();
    expect(refusal).toMatchObject({ code: "invalid_request", details: [{ path: "endDate", message: "must be on or after 2026-04-10" }] });
    expect(() => cancel(active, "2026-07-01", "2026-04-10")).toThrow(expect.objectContaining({ code: "invalid_request" }));
    expect(() => cancel({ ...s, status: "COMPLETED" }, "2026-05-01", "2026-04-10")).toThrow(expect.objectContaining({ code: "schedule_not_cancellable" }));
  });

  it("COMPLETED once the last billing day is invoiced; open-ended schedules never complete", () => {
    const active = { ...s, status: "ACTIVE" as const };
    expect(lastBillingDate(active, catalog)).toBe("2026-06-01"); // May's usage, in arrears
    expect(statusAfterRun(active, catalog, "2026-05-31")).toBe("ACTIVE");
    expect(statusAfterRun(active, catalog, "2026-06-01")).toBe("COMPLETED");
    expect(statusAfterRun({ ...active, status: "PENDING" }, catalog, "2026-02-01")).toBe("PENDING");
    expect(statusAfterRun({ ...active, endDate: null, phases: [{ ...active.phases[0], endDate: null }] }, catalog, "2099-01-01")).toBe("ACTIVE");
  });

  it("nextInvoiceDate", () => {
    const active = { ...s, status: "ACTIVE" as const };
    expect(nextInvoiceDate(active, catalog, "2026-01-10")).toBe("2026-03-01");
    expect(nextInvoiceDate(active, catalog, "2026-03-01")).toBe("2026-03-01");
    expect(nextInvoiceDate(active, catalog, "2026-03-01", "2026-03-01")).toBe("2026-04-01");
    expect(nextInvoiceDate(active, catalog, "2026-05-02")).toBe("2026-06-01");
    expect(nextInvoiceDate(active, catalog, "2026-06-02")).toBeNull();
    expect(nextInvoiceDate(s, catalog, "2026-01-10")).toBeNull(); // DRAFT
    const open = { ...active, endDate: null, phases: [{ ...active.phases[0], endDate: null }] };
    expect(nextInvoiceDate(open, catalog, "2031-07-15")).toBe("2031-08-01");
  });
});
