// The contract figures of a quote (worker/domain/contract.ts): per period, once, the first invoice,
// the total contract value and ARR. Tables, then properties against a reference in BigInt cents.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contractTotals, periodsIn, type ContractLine } from "../../worker/domain/contract.ts";
import { quoteTotals, type QuotePrice } from "../../worker/domain/quote.ts";

const line = (billingFrequency: string, total: string, billingType = "IN_ADVANCE"): ContractLine => ({ billingFrequency, billingType, total });

describe("periodsIn", () => {
  it.each([
    ["MONTHLY", 12, 12],
    ["MONTHLY", 1, 1],
    ["QUARTERLY", 12, 4],
    ["QUARTERLY", 13, 5], // a started quarter is billed whole
    ["QUARTERLY", 1, 1],
    ["HALF_YEARLY", 12, 2],
    ["HALF_YEARLY", 7, 2],
    ["YEARLY", 12, 1],
    ["YEARLY", 13, 2],
    ["YEARLY", 120, 10],
    ["ONE_TIME", 36, 1],
  ])("%s over %i months: %i periods", (frequency, months, periods) => {
    expect(periodsIn(frequency, months)).toBe(periods);
  });
});

describe("contractTotals", () => {
  // The worked example: monthly in advance + monthly usage in arrears + quarterly in advance + one-time.
  const example = [line("MONTHLY", "1250.00"), line("MONTHLY", "30.00", "IN_ARREARS"), line("QUARTERLY", "900.00"), line("ONE_TIME", "4500.00")];

  it("separates per period, once, first invoice and the contract's value (12 months)", () => {
    expect(contractTotals(example, 12, "USD")).toEqual({
      recurring: { MONTHLY: "1280.00", QUARTERLY: "900.00" },
      oneTime: "4500.00",
      firstInvoice: "6650.00", // 4500 + 1250 + 900: the arrears usage bills at the end of its first month
      totalContractValue: "23460.00", // 4500 + 1280 × 12 + 900 × 4
      annualRecurringRevenue: "18960.00", // 1280 × 12 + 900 × 4
    });
  });

  it("bills a started period whole (13 months: 13 months, 5 quarters)", () => {
    expect(contractTotals(example, 13, "USD").totalContractValue).toBe("25640.00"); // 4500 + 1280 × 13 + 900 × 5
  });

  // Stripe's quotes split what a customer pays into `computed.upfront` (the first invoice: one-time
  // items plus the first period of the recurring ones) and `computed.recurring` (each period after).
  // A quote of one monthly subscription and a one-time setup fee, in those terms:
  it("matches Stripe's upfront/recurring split for a subscription with a setup fee", () => {
    const totals = contractTotals([line("MONTHLY", "20.00"), line("ONE_TIME", "100.00")], 12, "USD");
    expect(totals.firstInvoice).toBe("120.00"); // upfront
    expect(totals.recurring).toEqual({ MONTHLY: "20.00" }); // recurring
    expect(totals.totalContractValue).toBe("340.00");
  });

  it("gives zeros for no lines, and keeps the currency's minor units", () => {
    expect(contractTotals([], 12, "JPY")).toEqual({ recurring: {}, oneTime: "0", firstInvoice: "0", totalContractValue: "0", annualRecurringRevenue: "0" });
    expect(contractTotals([line("YEARLY", "1.250")], 24, "KWD")).toMatchObject({ recurring: { YEARLY: "1.250" }, totalContractValue: "2.500", annualRecurringRevenue: "1.250" });
  });

  it("an arrears-only quote's first invoice is its one-time lines", () => {
    expect(contractTotals([line("MONTHLY", "99.00", "IN_ARREARS")], 6, "EUR")).toMatchObject({ firstInvoice: "0.00", totalContractValue: "594.00" });
  });
});

describe("quoteTotals keeps its old figures and adds the contract's", () => {
  const price = (id: string, billingFrequency: string, billingType: string, amount: string): QuotePrice => ({
    id,
    productId: `prod_${id}`,
    productName: id,
    name: id,
    currency: "USD",
    billingFrequency,
    billingType,
    pricingType: billingFrequency === "ONE_TIME" ? "ONE_TIME" : "FIXED",
    structure: billingFrequency === "ONE_TIME" ? { pricingType: "ONE_TIME", price: amount } : { pricingType: "FIXED", price: amount },
    archivedAt: null,
  });
  const prices = new Map([price("m", "MONTHLY", "IN_ADVANCE", "1250.00"), price("q", "QUARTERLY", "IN_ADVANCE", "900.00"), price("o", "ONE_TIME", "IN_ADVANCE", "5000.00")].map((p) => [p.id, p]));
  const lines = [
    { id: "l1", position: "a", priceId: "m", quantity: "1", discount: null, description: null },
    { id: "l2", position: "b", priceId: "q", quantity: "1", discount: null, description: null },
    { id: "l3", position: "c", priceId: "o", quantity: "1", discount: { type: "NOMINAL" as const, value: "500.00" }, description: null },
  ];

  it("total is still every line's one period added up; TCV is the contract", () => {
    const { totals } = quoteTotals(lines, prices, "USD", 12);
    expect(totals).toMatchObject({ subtotal: "7150.00", discount: "500.00", total: "6650.00", oneTime: "4500.00", firstInvoice: "6650.00", totalContractValue: "23100.00" }); // 4500 + 1250 × 12 + 900 × 4
    expect(quoteTotals(lines, prices, "USD", 24).totals).toMatchObject({ total: "6650.00", totalContractValue: "41700.00" });
  });
});

// ---- properties, against a reference in integer cents ----

const FREQUENCIES = ["ONE_TIME", "MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY"] as const;
const MONTHS = { ONE_TIME: 0, MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12 } as const;
const cents = (value: bigint) => `${value / 100n}.${String(value % 100n).padStart(2, "0")}`;
const toCents = (text: string) => BigInt(text.replace(".", ""));

const lineArb = fc.record({
  frequency: fc.constantFrom(...FREQUENCIES),
  billingType: fc.constantFrom("IN_ADVANCE", "IN_ARREARS"),
  cents: fc.bigInt({ min: 0n, max: 10n ** 14n }),
});
const linesArb = fc.array(lineArb, { maxLength: 20 });
const monthsArb = fc.integer({ min: 1, max: 120 });
const asLines = (xs: { frequency: string; billingType: string; cents: bigint }[]) => xs.map((x) => line(x.frequency, cents(x.cents), x.billingType));

describe("contractTotals — properties", () => {
  it("every figure is the exact sum the reference computes", () => {
    fc.assert(
      fc.property(linesArb, monthsArb, (xs, months) => {
        const got = contractTotals(asLines(xs), months, "USD");
        let oneTime = 0n;
        let first = 0n;
        let tcv = 0n;
        let arr = 0n;
        for (const x of xs) {
          const per = MONTHS[x.frequency];
          if (per === 0) {
            oneTime += x.cents;
            first += x.cents;
            tcv += x.cents;
            continue;
          }
          if (x.billingType === "IN_ADVANCE") first += x.cents;
          tcv += x.cents * BigInt(Math.floor((months + per - 1) / per));
          arr += x.cents * BigInt(12 / per);
        }
        expect(got.oneTime).toBe(cents(oneTime));
        expect(got.firstInvoice).toBe(cents(first));
        expect(got.totalContractValue).toBe(cents(tcv));
        expect(got.annualRecurringRevenue).toBe(cents(arr));
      }),
    );
  });

  it("TCV ≥ first invoice ≥ 0, and TCV grows with the contract length", () => {
    fc.assert(
      fc.property(linesArb, monthsArb, monthsArb, (xs, a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        const s = contractTotals(asLines(xs), short, "USD");
        const l = contractTotals(asLines(xs), long, "USD");
        expect(toCents(s.firstInvoice) >= 0n).toBe(true);
        expect(toCents(s.totalContractValue) >= toCents(s.firstInvoice)).toBe(true);
        expect(toCents(l.totalContractValue) >= toCents(s.totalContractValue)).toBe(true);
        expect(l.firstInvoice).toBe(s.firstInvoice); // the first invoice does not depend on the length
      }),
    );
  });

  it("recurring per period adds up with one-time to the old per-period total", () => {
    fc.assert(
      fc.property(linesArb, monthsArb, (xs, months) => {
        const got = contractTotals(asLines(xs), months, "USD");
        const all = xs.reduce((sum, x) => sum + x.cents, 0n);
        const recurring = Object.values(got.recurring).reduce((sum, v) => sum + toCents(v!), 0n);
        expect(recurring + toCents(got.oneTime)).toBe(all);
      }),
    );
  });
});
