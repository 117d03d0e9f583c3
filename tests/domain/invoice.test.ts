// Invoice and credit-note arithmetic (worker/domain/invoice.ts): line amounts, tax per rate on the
// sum of its lines spread back exactly, totals, payments, and credits that never exceed a line.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  amountDue,
  checkPayment,
  creditLine,
  creditLines,
  creditTotals,
  invoiceAmounts,
  InvoiceRuleError,
  NOTHING_CREDITED,
  spread,
  taxTreatmentNote,
  toMinorUnits,
  type CreditableLine,
  type InvoiceLineInput,
} from "../../worker/domain/invoice.ts";
import { Decimal } from "../../worker/domain/decimal.ts";
import { compareMoney, sumMoney } from "../../worker/domain/money.ts";

const VAT20 = { id: "txr_vat20", name: "VAT 20%", percentage: "20" };
const VAT5 = { id: "txr_vat5", name: "VAT 5%", percentage: "5" };
const line = (id: string, quantity: string, rate: string, taxRate: InvoiceLineInput["taxRate"] = VAT20): InvoiceLineInput => ({ id, quantity, rate, taxRate });

function codeOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    if (error instanceof InvoiceRuleError) return error.code;
    throw error;
  }
  throw new Error("did not throw");
}

describe("invoice amounts", () => {
  it("rounds each line half-up to the currency, sums lines exactly", () => {
    const a = invoiceAmounts([line("a", "3", "0.335"), line("b", "1", "10.005", null)], "USD");
    expect(a.lines.map((l) => l.amount)).toEqual(["1.01", "10.01"]);
    expect(a.subtotal).toBe("11.02");
    expect(invoiceAmounts([line("a", "1.5", "100.5", null)], "JPY").lines[0].amount).toBe("151");
    expect(invoiceAmounts([line("a", "1", "1.0005", null)], "KWD").lines[0].amount).toBe("1.001");
  });

  it("taxes the sum of a rate's lines once (the VAT summary), not each line", () => {
    // Three lines of 0.05 at 20 %: per line 0.01 each = 0.03; on the sum 0.15 × 20 % = 0.03 — and
    // 0.025 per line would round to 0.03 each (0.09): the summary is what counts.
    const a = invoiceAmounts([line("a", "1", "0.125"), line("b", "1", "0.125"), line("c", "1", "0.125")], "USD");
    expect(a.lines.map((l) => l.amount)).toEqual(["0.13", "0.13", "0.13"]);
    expect(a.taxSummary).toEqual([{ taxRateId: "txr_vat20", name: "VAT 20%", percentage: "20", taxable: "0.39", tax: "0.08" }]);
    expect(a.lines.map((l) => l.tax)).toEqual(["0.03", "0.03", "0.02"]);
    expect(a.tax).toBe("0.08");
    expect(a.total).toBe("0.47");
  });

  it("keeps one summary entry per rate, in first-seen order, and untaxed lines out of it", () => {
    const a = invoiceAmounts([line("a", "2", "50"), line("b", "1", "10", VAT5), line("c", "1", "7", null), line("d", "1", "25")], "GBP");
    expect(a.taxSummary).toEqual([
      { taxRateId: "txr_vat20", name: "VAT 20%", percentage: "20", taxable: "125.00", tax: "25.00" },
      { taxRateId: "txr_vat5", name: "VAT 5%", percentage: "5", taxable: "10.00", tax: "0.50" },
    ]);
    expect(a.lines.find((l) => l.id === "c")).toMatchObject({ taxRateId: null, taxRate: "0", tax: "0.00" });
    expect([a.subtotal, a.tax, a.total]).toEqual(["142.00", "25.50", "167.50"]);
  });

  it("an exempt or reverse-charged buyer pays 0 % on every rate, and the summary says why", () => {
    const rc = invoiceAmounts([line("a", "1", "1000")], "EUR", "REVERSE_CHARGED");
    expect(rc.lines[0]).toMatchObject({ taxRateId: "txr_vat20", taxRate: "0", tax: "0.00" });
    expect(rc.taxSummary).toEqual([{ taxRateId: "txr_vat20", name: "VAT 20% (reverse charge)", percentage: "0", taxable: "1000.00", tax: "0.00" }]);
    expect(rc.total).toBe("1000.00");
    expect(invoiceAmounts([line("a", "1", "1000")], "EUR", "TAX_EXEMPT").taxSummary[0].name).toBe("VAT 20% (exempt)");
    expect(taxTreatmentNote("REVERSE_CHARGED", "DE123456789")).toContain("Reverse charge");
    expect(taxTreatmentNote("REVERSE_CHARGED", "DE123456789")).toContain("DE123456789");
    expect(taxTreatmentNote("TAXED", "DE1")).toBeNull();
  });

  it("spreads by largest remainder, ties to the earlier line", () => {
    expect(spread("0.10", ["1", "1", "1"], "USD")).toEqual(["0.04", "0.03", "0.03"]);
    expect(spread("1", ["1", "2"], "JPY")).toEqual(["0", "1"]);
    expect(spread("0.00", ["5", "5"], "USD")).toEqual(["0.00", "0.00"]);
  });

  it("minor units are integers, refused when the amount has too many decimals", () => {
    expect(toMinorUnits("12.34", "USD")).toBe("1234");
    expect(toMinorUnits("5", "JPY")).toBe("5");
    expect(toMinorUnits("999999999999999.999", "KWD")).toBe("999999999999999999");
    expect(codeOf(() => toMinorUnits("1.234", "USD"))).toBe("invalid_amount");
    expect(toMinorUnits("90000000000000000.00", "USD")).toBe("9000000000000000000");
    expect(codeOf(() => toMinorUnits("90000000000000000.01", "USD"))).toBe("amount_out_of_range");
  });
});

describe("payments", () => {
  it("amount due is total − payments − final credit notes", () => {
    expect(amountDue("120.00", "20.00", "30.00", "USD")).toBe("70.00");
    expect(amountDue("120.00", "120.00", "30.00", "USD")).toBe("-30.00");
  });

  it("the status and the amount paid agree", () => {
    expect(checkPayment("PAID", undefined, "100.00", "USD")).toBe("100.00");
    expect(checkPayment("PARTIALLY_PAID", "40", "100.00", "USD")).toBe("40.00");
    expect(checkPayment("UNPAID", undefined, "100.00", "USD")).toBe("0.00");
    expect(codeOf(() => checkPayment("PARTIALLY_PAID", "100.00", "100.00", "USD"))).toBe("payment_inconsistent");
    expect(codeOf(() => checkPayment("PARTIALLY_PAID", "0", "100.00", "USD"))).toBe("payment_inconsistent");
    expect(codeOf(() => checkPayment("PARTIALLY_PAID", undefined, "100.00", "USD"))).toBe("payment_inconsistent");
    expect(codeOf(() => checkPayment("PAID", "99.99", "100.00", "USD"))).toBe("payment_inconsistent");
    expect(codeOf(() => checkPayment("UNPAID", "1", "100.00", "USD"))).toBe("payment_inconsistent");
  });
});

describe("credit notes", () => {
  const invoiceLine: CreditableLine = { id: "il_1", quantity: "3", rate: "33.335", amount: "100.01", tax: "20.00" };

  it("by quantity: quantity × rate, the last unit takes what is left, the tax in proportion", () => {
    const first = creditLine(invoiceLine, { invoiceLineId: "il_1", quantity: "1" }, NOTHING_CREDITED, "USD", "lines.0");
    expect(first).toEqual({ invoiceLineId: "il_1", quantity: "1", amount: "33.34", tax: "6.67" });
    const rest = creditLine(invoiceLine, { invoiceLineId: "il_1", quantity: "2" }, { quantity: "1", amount: "33.34", tax: "6.67" }, "USD", "lines.0");
    expect(rest).toEqual({ invoiceLineId: "il_1", quantity: "2", amount: "66.67", tax: "13.33" });
  });

  it("by amount, and never more than is left", () => {
    expect(creditLine(invoiceLine, { invoiceLineId: "il_1", amount: "50" }, NOTHING_CREDITED, "USD", "lines.0")).toEqual({ invoiceLineId: "il_1", quantity: null, amount: "50.00", tax: "10.00" });
    expect(codeOf(() => creditLine(invoiceLine, { invoiceLineId: "il_1", amount: "100.02" }, NOTHING_CREDITED, "USD", "lines.0"))).toBe("credit_exceeds_invoice");
    expect(codeOf(() => creditLine(invoiceLine, { invoiceLineId: "il_1", quantity: "3.5" }, NOTHING_CREDITED, "USD", "lines.0"))).toBe("credit_exceeds_invoice");
    expect(codeOf(() => creditLine(invoiceLine, { invoiceLineId: "il_1", quantity: "1" }, { quantity: "0", amount: "90.00", tax: "18.00" }, "USD", "lines.0"))).toBe("credit_exceeds_invoice");
    expect(codeOf(() => creditLine(invoiceLine, { invoiceLineId: "il_1", amount: "0" }, NOTHING_CREDITED, "USD", "lines.0"))).toBe("invalid_request");
  });

  it("a line named twice in one note counts the first credit against the second", () => {
    const lines = new Map([["il_1", invoiceLine]]);
    expect(codeOf(() => creditLines(lines, [{ invoiceLineId: "il_1", amount: "60" }, { invoiceLineId: "il_1", amount: "60" }], new Map(), "USD"))).toBe("credit_exceeds_invoice");
    const ok = creditLines(lines, [{ invoiceLineId: "il_1", amount: "60" }, { invoiceLineId: "il_1", amount: "40.01" }], new Map(), "USD");
    expect(creditTotals(ok, "USD")).toEqual({ subtotal: "100.01", tax: "20.00", total: "120.01" });
    expect(codeOf(() => creditLines(lines, [{ invoiceLineId: "il_nope", amount: "1" }], new Map(), "USD"))).toBe("not_found");
  });
});

// ---- properties ----

const currency = fc.constantFrom("USD", "JPY", "KWD", "EUR");
const decimal = (maxUnits: bigint, scale: number) =>
  fc.bigInt({ min: 0n, max: maxUnits }).map((units) => {
    const s = units.toString().padStart(scale + 1, "0");
    return scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
  });
const rates = [VAT20, VAT5, { id: "txr_odd", name: "Odd", percentage: "7.725" }, null];
const lineArb = fc.record({ quantity: decimal(100_000n, 2), rate: decimal(10_000_000n, 4), taxRate: fc.constantFrom(...rates) });
const linesArb = fc.array(lineArb, { minLength: 1, maxLength: 12 }).map((ls) => ls.map((l, i) => ({ id: `l${i}`, ...l })));

describe("invoice properties", () => {
  it("line taxes add up to each rate's summary tax exactly; totals are sums of lines", () => {
    fc.assert(
      fc.property(linesArb, currency, fc.constantFrom("TAXED", "TAX_EXEMPT", "REVERSE_CHARGED" as const), (lines, code, treatment) => {
        const a = invoiceAmounts(lines, code, treatment);
        for (const entry of a.taxSummary) {
          const mine = a.lines.filter((l) => l.taxRateId === entry.taxRateId);
          expect(sumMoney(mine.map((l) => l.tax), code)).toBe(entry.tax);
          expect(sumMoney(mine.map((l) => l.amount), code)).toBe(entry.taxable);
        }
        expect(sumMoney(a.lines.map((l) => l.amount), code)).toBe(a.subtotal);
        expect(sumMoney(a.lines.map((l) => l.tax), code)).toBe(a.tax);
        expect(sumMoney(a.taxSummary.map((e) => e.tax), code)).toBe(a.tax);
        expect(sumMoney([a.subtotal, a.tax], code)).toBe(a.total);
        // No line's tax is as much as 1.5 minor units away from its exact tax (half a unit from
        // rounding the rate's sum, less than one from spreading it).
        for (const l of a.lines) {
          const exact = new Decimal(l.amount).times(new Decimal(l.taxRate)).div(new Decimal("100"));
          const unit = new Decimal(`1e-${code === "JPY" ? 0 : code === "KWD" ? 3 : 2}`);
          expect(exact.minus(new Decimal(l.tax)).abs().lt(unit.times(new Decimal("1.5")))).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("credits in any order and size never exceed a line, and crediting all of it credits its tax exactly", () => {
    const creditArb = fc.array(fc.record({ byQuantity: fc.boolean(), share: fc.integer({ min: 1, max: 100 }) }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(lineArb, creditArb, currency, (input, credits, code) => {
        const priced = invoiceAmounts([{ id: "l0", ...input, taxRate: input.taxRate ?? VAT20 }], code).lines[0];
        const line: CreditableLine = { id: "l0", quantity: input.quantity, rate: input.rate, amount: priced.amount, tax: priced.tax };
        let already = NOTHING_CREDITED;
        for (const credit of credits) {
          const base = credit.byQuantity ? line.quantity : line.amount;
          const asked = new Decimal(base).times(new Decimal(String(credit.share))).div(new Decimal("100")).round(credit.byQuantity ? 2 : 0, 0).toString();
          try {
            const c = creditLine(line, credit.byQuantity ? { invoiceLineId: "l0", quantity: asked } : { invoiceLineId: "l0", amount: asked }, already, code, "lines.0");
            already = {
              quantity: new Decimal(already.quantity).plus(new Decimal(c.quantity ?? "0")).toString(),
              amount: new Decimal(already.amount).plus(new Decimal(c.amount)).toString(),
              tax: new Decimal(already.tax).plus(new Decimal(c.tax)).toString(),
            };
          } catch (error) {
            if (!(error instanceof InvoiceRuleError)) throw error;
            expect(["credit_exceeds_invoice", "invalid_request"]).toContain(error.code);
          }
          expect(compareMoney(already.amount, line.amount)).toBeLessThanOrEqual(0);
          expect(compareMoney(already.tax, line.tax)).toBeLessThanOrEqual(0);
          expect(compareMoney(already.quantity, line.quantity)).toBeLessThanOrEqual(0);
        }
        // Whatever is left can be credited, and then the tax is credited in full.
        const left = new Decimal(line.amount).minus(new Decimal(already.amount));
        if (left.gt(new Decimal("0"))) {
          const last = creditLine(line, { invoiceLineId: "l0", amount: left.toString() }, already, code, "lines.0");
          expect(sumMoney([already.tax, last.tax], code)).toBe(sumMoney([line.tax], code));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
