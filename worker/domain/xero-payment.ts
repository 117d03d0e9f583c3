// What a Xero invoice says about payment, in Kontor's terms (paymentStatus and amountPaid). Pure: the
// inbound sync reads the invoice from Xero and hands its figures here. Xero's JSON carries numbers; they
// become decimal strings once, here, and every comparison after that is decimal.
import { Decimal } from "./decimal.ts";
import { compareMoney, isCurrency, roundMoney, sumMoney } from "./money.ts";
import type { PaymentStatus } from "./invoice.ts";

/** A JSON number (or numeric string) from Xero as a plain decimal string, rounded to the currency. Null if it is none. */
export function xeroAmount(value: unknown, currency: string): string | null {
  if (!isCurrency(currency)) return null;
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    // The shortest text that reads back as this number: exactly what Xero wrote ("150.50" parses to 150.5).
    text = String(value);
  } else if (typeof value === "string" && value.trim() !== "") text = value.trim();
  else return null;
  if (!/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) return null;
  // big.js reads exponent notation ("1e-7") from a string; the result is written plainly.
  return roundMoney(new Decimal(text).toFixed(), currency);
}

export interface XeroInvoiceFigures {
  /** Xero's Status: AUTHORISED, PAID, VOIDED, DELETED, DRAFT, SUBMITTED. */
  status: string;
  amountPaid: unknown;
}

export interface KontorPayment {
  paymentStatus: PaymentStatus;
  amountPaid: string;
  /** What the customer owes in all: total less final credit notes. */
  payable: string;
  currency: string;
}

/**
 * Where payment stands after what Xero says, or null when Xero says nothing about it (not authorised or
 * paid there, or an amount we cannot read). Xero's AmountPaid is the payments made; PAID there (or paid up
 * to what Kontor finds payable) is PAID here, at the payable amount. A write-off (UNCOLLECTIBLE) stays one
 * unless Xero shows it paid in full.
 */
export function paymentFromXero(xero: XeroInvoiceFigures, kontor: KontorPayment): { paymentStatus: PaymentStatus; amountPaid: string } | null {
  if (xero.status !== "AUTHORISED" && xero.status !== "PAID") return null;
  const paid = xeroAmount(xero.amountPaid ?? 0, kontor.currency);
  if (paid === null || compareMoney(paid, "0") < 0) return null;
  const payable = sumMoney([kontor.payable], kontor.currency);
  const zero = sumMoney(["0"], kontor.currency);
  if (xero.status === "PAID" || compareMoney(paid, payable) >= 0) return { paymentStatus: "PAID", amountPaid: payable };
  if (kontor.paymentStatus === "UNCOLLECTIBLE") return { paymentStatus: "UNCOLLECTIBLE", amountPaid: paid };
  if (compareMoney(paid, zero) === 0) return { paymentStatus: "UNPAID", amountPaid: zero };
  return { paymentStatus: "PARTIALLY_PAID", amountPaid: paid };
}

/** True when applying `next` would change nothing. */
export function samePayment(a: { paymentStatus: PaymentStatus; amountPaid: string }, b: { paymentStatus: PaymentStatus; amountPaid: string }): boolean {
  return a.paymentStatus === b.paymentStatus && compareMoney(a.amountPaid, b.amountPaid) === 0;
}
