// Invoice and credit-note arithmetic (DESIGN.md §3). Pure, no I/O.
// - A line's amount is quantity × rate, rounded half-up to the currency's minor units.
// - Tax is computed per rate on the SUM of that rate's line amounts (the EU VAT summary), rounded
//   once, then spread over the rate's lines by largest remainder, so the lines' taxes add up to the
//   rate's tax exactly and the invoice's tax is the sum of its summary.
// - Totals are sums of rounded lines. A credit note never credits more of a line than is left.
import { Decimal, ZERO } from "./decimal.ts";
import { compareMoney, fitsCurrency, minorUnits, multiplyMoney, percentOf, subtractMoney, sumMoney, toDecimal } from "./money.ts";

/** The longest payment terms, in days: an invoice's paymentTermDays, the merchant's default, a schedule's. */
export const MAX_PAYMENT_TERM_DAYS = 365;

export const INVOICE_STATUSES = ["DRAFT", "FINAL", "SENT", "VOIDED"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const PAYMENT_STATUSES = ["UNPAID", "PARTIALLY_PAID", "PAID", "UNCOLLECTIBLE"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const CREDIT_NOTE_STATUSES = ["DRAFT", "FINAL", "VOIDED"] as const;
export type CreditNoteStatus = (typeof CREDIT_NOTE_STATUSES)[number];
export type TaxTreatment = "TAXED" | "TAX_EXEMPT" | "REVERSE_CHARGED";

/** Most lines one invoice may carry. */
export const MAX_INVOICE_LINES = 500;

export class InvoiceRuleError extends Error {
  readonly code: string;
  readonly path: string | null;
  constructor(code: string, message: string, path: string | null = null) {
    super(message);
    this.name = "InvoiceRuleError";
    this.code = code;
    this.path = path;
  }
}

export interface TaxRateFacts {
  id: string;
  name: string;
  percentage: string;
}

export interface InvoiceLineInput {
  id: string;
  quantity: string;
  rate: string;
  taxRate: TaxRateFacts | null;
}

export interface PricedLine {
  id: string;
  amount: string;
  taxRateId: string | null;
  /** the percentage that applied: the rate's, or "0" when the buyer is exempt or reverse charged */
  taxRate: string;
  tax: string;
}

export interface TaxSummaryEntry {
  taxRateId: string | null;
  name: string;
  percentage: string;
  taxable: string;
  tax: string;
}

export interface InvoiceAmounts {
  lines: PricedLine[];
  subtotal: string;
  tax: string;
  total: string;
  taxSummary: TaxSummaryEntry[];
}

/** An amount the caller gave, in the currency's digits; more digits than it has is invalid input at `path`. */
export function givenAmount(amount: string, currency: string, path: string): string {
  if (!fitsCurrency(amount, currency)) throw new InvoiceRuleError("invalid_amount", `${amount} has more decimals than ${currency} has`, path);
  return sumMoney([amount], currency);
}

/** quantity × rate, rounded half-up to the currency's minor units. */
export const lineAmount = (quantity: string, rate: string, currency: string): string => multiplyMoney(rate, quantity, currency);

const MAX_MINOR = new Decimal("9000000000000000000");

/** An amount in the currency's minor units, as an integer string ("12.34" USD → "1234"). */
export function toMinorUnits(amount: string, currency: string): string {
  const digits = minorUnits(currency);
  const scaled = toDecimal(amount).times(new Decimal(`1e${digits}`));
  if (!scaled.eq(scaled.round(0, 0))) throw new InvoiceRuleError("invalid_amount", `${amount} has more than ${digits} decimals for ${currency}`);
  // SQL adds these as 64-bit integers (the credit-limit guard): beyond that they would turn into floats.
  if (scaled.abs().gt(MAX_MINOR)) throw new InvoiceRuleError("amount_out_of_range", `${amount} ${currency} is more than an invoice line can carry`);
  return scaled.toFixed(0);
}

/**
 * `total` (already rounded) spread over `amounts` in proportion to them, in minor units by largest
 * remainder: every share is the exact share rounded down, and the units left over go one each to the
 * shares with the largest remainders (the earlier line on a tie). The shares add up to `total` exactly.
 */
export function spread(total: string, amounts: readonly string[], currency: string): string[] {
  const digits = minorUnits(currency);
  const unit = new Decimal(`1e-${digits}`);
  const base = amounts.reduce((acc, a) => acc.plus(toDecimal(a)), ZERO);
  if (amounts.length === 0) return [];
  if (base.eq(ZERO)) {
    // Nothing to weigh by: the first line carries it (only a zero total reaches here in practice).
    return amounts.map((_, i) => (i === 0 ? sumMoney([total], currency) : sumMoney(["0"], currency)));
  }
  const exact = amounts.map((a) => toDecimal(total).times(toDecimal(a)).div(base));
  const floors = exact.map((x) => x.div(unit).round(0, 0).times(unit));
  let left = toDecimal(total).minus(floors.reduce((acc, f) => acc.plus(f), ZERO)).div(unit).round(0, 0).toNumber();
  const order = exact.map((x, i) => ({ i, remainder: x.minus(floors[i]) })).sort((a, b) => b.remainder.cmp(a.remainder) || a.i - b.i);
  const shares = floors.map((f) => f);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) shares[order[k].i] = shares[order[k].i].plus(unit);
  return shares.map((s) => sumMoney([s.toFixed(digits)], currency));
}

const TREATMENT_LABEL: Record<Exclude<TaxTreatment, "TAXED">, string> = { TAX_EXEMPT: "exempt", REVERSE_CHARGED: "reverse charge" };

/**
 * The invoice's amounts: each line's amount, the tax per rate on the sum of its lines, spread back
 * over them, the summary and the totals. A buyer who is exempt or reverse charged pays 0 % on every
 * rate (the summary names the rate with the reason).
 */
export function invoiceAmounts(lines: readonly InvoiceLineInput[], currency: string, treatment: TaxTreatment = "TAXED"): InvoiceAmounts {
  const amounts = lines.map((l) => lineAmount(l.quantity, l.rate, currency));
  const taxes = lines.map(() => sumMoney(["0"], currency));
  const groups = new Map<string, number[]>();
  lines.forEach((l, i) => {
    if (!l.taxRate) return;
    const group = groups.get(l.taxRate.id) ?? [];
    group.push(i);
    groups.set(l.taxRate.id, group);
  });
  const taxSummary: TaxSummaryEntry[] = [];
  for (const [taxRateId, indexes] of groups) {
    const rate = lines[indexes[0]].taxRate!;
    const percentage = treatment === "TAXED" ? rate.percentage : "0";
    const taxable = sumMoney(indexes.map((i) => amounts[i]), currency);
    const tax = percentOf(taxable, percentage, currency);
    spread(tax, indexes.map((i) => amounts[i]), currency).forEach((share, k) => (taxes[indexes[k]] = share));
    const name = treatment === "TAXED" ? rate.name : `${rate.name} (${TREATMENT_LABEL[treatment]})`;
    taxSummary.push({ taxRateId, name, percentage: toDecimal(percentage).toString(), taxable, tax });
  }
  const subtotal = sumMoney(amounts, currency);
  const tax = sumMoney(taxes, currency);
  return {
    lines: lines.map((l, i) => ({
      id: l.id,
      amount: amounts[i],
      taxRateId: l.taxRate?.id ?? null,
      taxRate: l.taxRate ? (treatment === "TAXED" ? toDecimal(l.taxRate.percentage).toString() : "0") : "0",
      tax: taxes[i],
    })),
    subtotal,
    tax,
    total: sumMoney([subtotal, tax], currency),
    taxSummary,
  };
}

/** The statement an exempt or reverse-charged buyer's invoice carries, with the buyer's tax id. */
export function taxTreatmentNote(treatment: TaxTreatment, buyerTaxId: string | null): string | null {
  const id = buyerTaxId ? ` Customer tax ID: ${buyerTaxId}.` : "";
  if (treatment === "REVERSE_CHARGED") return `Reverse charge: VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC).${id}`;
  if (treatment === "TAX_EXEMPT") return `Tax exempt: no tax charged on this supply.${id}`;
  return null;
}

/** What is still to pay: total − payments − final credit notes (negative when the customer is owed). */
export function amountDue(total: string, amountPaid: string, credited: string, currency: string): string {
  return subtractMoney(subtractMoney(total, amountPaid, currency), credited, currency);
}

/** Whether a payment status and the amount paid agree; returns the amount paid to store. */
export function checkPayment(paymentStatus: PaymentStatus, amountPaid: string | undefined, payable: string, currency: string): string {
  const zero = sumMoney(["0"], currency);
  const paid = amountPaid === undefined ? undefined : givenAmount(amountPaid, currency, "amountPaid");
  switch (paymentStatus) {
    case "UNPAID":
      if (paid !== undefined && compareMoney(paid, zero) !== 0) throw new InvoiceRuleError("payment_inconsistent", "An UNPAID invoice has amountPaid 0", "amountPaid");
      return zero;
    case "PARTIALLY_PAID":
      if (paid === undefined) throw new InvoiceRuleError("payment_inconsistent", "PARTIALLY_PAID needs amountPaid", "amountPaid");
      if (compareMoney(paid, zero) <= 0 || compareMoney(paid, payable) >= 0) {
        throw new InvoiceRuleError("payment_inconsistent", `PARTIALLY_PAID needs 0 < amountPaid < ${payable}`, "amountPaid");
      }
      return paid;
    case "PAID":
      if (paid !== undefined && compareMoney(paid, payable) !== 0) throw new InvoiceRuleError("payment_inconsistent", `A PAID invoice has amountPaid ${payable}`, "amountPaid");
      return sumMoney([payable], currency);
    case "UNCOLLECTIBLE":
      if (paid !== undefined && (compareMoney(paid, zero) < 0 || compareMoney(paid, payable) > 0)) {
        throw new InvoiceRuleError("payment_inconsistent", `amountPaid must be between 0 and ${payable}`, "amountPaid");
      }
      return paid ?? zero;
  }
}

// ---- credit notes ----

export interface CreditableLine {
  id: string;
  quantity: string;
  rate: string;
  amount: string;
  tax: string;
}

/** What DRAFT and FINAL credit notes already credit of one invoice line. */
export interface AlreadyCredited {
  /** quantity credited by quantity */
  quantity: string;
  amount: string;
  tax: string;
}

export const NOTHING_CREDITED: AlreadyCredited = { quantity: "0", amount: "0", tax: "0" };

export type CreditRequest = { invoiceLineId: string; quantity: string; amount?: undefined } | { invoiceLineId: string; amount: string; quantity?: undefined };

export interface CreditLine {
  invoiceLineId: string;
  quantity: string | null;
  amount: string;
  tax: string;
}

const exceeds = (message: string, path: string) => new InvoiceRuleError("credit_exceeds_invoice", message, path);

/**
 * One credit of one invoice line, on top of what is already credited. By quantity, the amount is
 * quantity × rate, and the last of the quantity takes all of the amount left; by amount, the amount
 * as given. Either way never more than is left (`credit_exceeds_invoice`). The tax credited is the
 * line's tax in proportion to the amount credited so far, less what was credited before: crediting a
 * whole line credits its tax exactly.
 */
export function creditLine(line: CreditableLine, request: CreditRequest, already: AlreadyCredited, currency: string, path: string): CreditLine {
  const leftAmount = toDecimal(line.amount).minus(toDecimal(already.amount));
  let amount: string;
  let quantity: string | null = null;
  if (request.quantity !== undefined) {
    const leftQuantity = toDecimal(line.quantity).minus(toDecimal(already.quantity));
    const q = toDecimal(request.quantity);
    if (q.lte(ZERO)) throw new InvoiceRuleError("invalid_request", "quantity must be more than 0", `${path}.quantity`);
    if (q.gt(leftQuantity)) throw exceeds(`Only ${leftQuantity.toString()} of this line's quantity is left to credit`, `${path}.quantity`);
    amount = q.eq(leftQuantity) ? sumMoney([leftAmount.toString()], currency) : lineAmount(request.quantity, line.rate, currency);
    quantity = q.toString();
    if (toDecimal(amount).gt(leftAmount)) throw exceeds(`Only ${sumMoney([leftAmount.toString()], currency)} of this line is left to credit`, `${path}.quantity`);
  } else {
    const a = toDecimal(request.amount!);
    if (a.lte(ZERO)) throw new InvoiceRuleError("invalid_request", "amount must be more than 0", `${path}.amount`);
    amount = givenAmount(request.amount!, currency, `${path}.amount`);
    if (a.gt(leftAmount)) throw exceeds(`Only ${sumMoney([leftAmount.toString()], currency)} of this line is left to credit`, `${path}.amount`);
  }
  if (toDecimal(amount).lte(ZERO)) throw exceeds("Nothing of this line is left to credit", path);
  const creditedAfter = toDecimal(already.amount).plus(toDecimal(amount));
  const taxAfter = creditedAfter.eq(toDecimal(line.amount))
    ? toDecimal(line.tax)
    : toDecimal(multiplyMoney(line.tax, creditedAfter.div(toDecimal(line.amount)), currency));
  const tax = sumMoney([taxAfter.minus(toDecimal(already.tax)).toString()], currency);
  return { invoiceLineId: line.id, quantity, amount, tax };
}

/** Several credits in one credit note: a line named twice counts its first credit against its second. */
export function creditLines(lines: ReadonlyMap<string, CreditableLine>, requests: readonly CreditRequest[], already: ReadonlyMap<string, AlreadyCredited>, currency: string): CreditLine[] {
  const running = new Map(already);
  return requests.map((request, i) => {
    const line = lines.get(request.invoiceLineId);
    if (!line) throw new InvoiceRuleError("not_found", "No such line on this invoice", `lines.${i}.invoiceLineId`);
    const before = running.get(line.id) ?? NOTHING_CREDITED;
    const credit = creditLine(line, request, before, currency, `lines.${i}`);
    running.set(line.id, {
      quantity: toDecimal(before.quantity).plus(toDecimal(credit.quantity ?? "0")).toString(),
      amount: toDecimal(before.amount).plus(toDecimal(credit.amount)).toString(),
      tax: toDecimal(before.tax).plus(toDecimal(credit.tax)).toString(),
    });
    return credit;
  });
}

export function creditTotals(lines: readonly CreditLine[], currency: string) {
  const subtotal = sumMoney(lines.map((l) => l.amount), currency);
  const tax = sumMoney(lines.map((l) => l.tax), currency);
  return { subtotal, tax, total: sumMoney([subtotal, tax], currency) };
}
