// Display helpers for invoices and credit notes: the labels and badge colours of their states, and
// what is left to credit on each line (decimal strings through the Worker's own money rules, never floats).
import type { CreditNote, Invoice } from "$worker/api/types.ts";
import type { CreditNoteStatus, InvoiceStatus, PaymentStatus } from "$worker/domain/invoice.ts";
import { compareMoney, subtractMoney, sumMoney } from "$worker/domain/money.ts";
import { Decimal } from "$worker/domain/decimal.ts";

export const INVOICE_STATUS_LABEL: Record<InvoiceStatus, string> = { DRAFT: "Draft", FINAL: "Final", SENT: "Sent", VOIDED: "Voided" };
export const INVOICE_STATUS_BADGE: Record<InvoiceStatus, string> = { DRAFT: "badge-gray", FINAL: "badge-blue", SENT: "badge-blue", VOIDED: "badge-red" };

export const PAYMENT_STATUS_LABEL: Record<PaymentStatus, string> = { UNPAID: "Unpaid", PARTIALLY_PAID: "Partly paid", PAID: "Paid", UNCOLLECTIBLE: "Uncollectible" };
export const PAYMENT_STATUS_BADGE: Record<PaymentStatus, string> = { UNPAID: "badge-amber", PARTIALLY_PAID: "badge-amber", PAID: "badge-green", UNCOLLECTIBLE: "badge-red" };

export const CREDIT_NOTE_STATUS_LABEL: Record<CreditNoteStatus, string> = { DRAFT: "Draft", FINAL: "Final", VOIDED: "Voided" };

/** The invoice's name as a person says it: its number once final, else "Draft". */
export const invoiceName = (invoice: Pick<Invoice, "invoiceNumber" | "status">): string => invoice.invoiceNumber ?? (invoice.status === "DRAFT" ? "Draft invoice" : "Invoice");

/** A payment status means something only once the invoice is issued (FINAL or SENT). */
export const issued = (invoice: Pick<Invoice, "status">): boolean => invoice.status === "FINAL" || invoice.status === "SENT";

export interface LeftToCredit {
  /** Of the line's quantity, what no DRAFT or FINAL credit note credits by quantity yet. */
  quantity: string;
  /** Of the line's amount (before tax), what no DRAFT or FINAL credit note credits yet. */
  amount: string;
}

/**
 * What is left to credit on each line: the line less what DRAFT and FINAL notes credit (as the
 * server counts it; a voided note gives its credit back).
 */
export function leftToCredit(invoice: Pick<Invoice, "lines" | "currency">, notes: readonly CreditNote[]): Map<string, LeftToCredit> {
  const counted = notes.filter((n) => n.status !== "VOIDED");
  const left = new Map<string, LeftToCredit>();
  for (const line of invoice.lines) {
    const credits = counted.flatMap((n) => n.lines.filter((l) => l.invoiceLineId === line.id));
    const amount = subtractMoney(line.amount, sumMoney(credits.map((c) => c.amount), invoice.currency), invoice.currency);
    const quantity = credits.reduce((q, c) => (c.quantity ? q.minus(new Decimal(c.quantity)) : q), new Decimal(line.quantity));
    left.set(line.id, { quantity: quantity.toString(), amount });
  }
  return left;
}

/** Nothing is left to credit on this line. */
export const fullyCredited = (left: LeftToCredit | undefined): boolean => !left || compareMoney(left.amount, "0") <= 0;

