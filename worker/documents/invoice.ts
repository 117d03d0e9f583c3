// The invoice and the credit note as the documents a customer receives. A final invoice is drawn from
// its snapshot (the customer's and merchant's details as they were at finalize), once, and stored;
// a draft is drawn from today's details, marked DRAFT.
import type { CreditNoteView } from "../db/credit-notes.ts";
import type { CustomerSnapshot, InvoiceView } from "../db/invoices.ts";
import type { BillingDocument } from "./document.ts";
import { formatDate } from "./format.ts";
import { paperFor } from "./quote.ts";
import { sumMoney } from "../domain/money.ts";
import { coveredDays } from "../domain/periods.ts";

type Buyer = Pick<CustomerSnapshot, "legalName" | "email" | "taxId" | "addressLines">;

/** A line's [start, end) service period as the days it covers (the web's periodText reads alike). */
function periodOf(p: { start: string; end: string } | null): string | null {
  if (!p) return null;
  const { first, last } = coveredDays(p);
  return first === last ? `Service period ${formatDate(first)}` : `Service period ${formatDate(first)} – ${formatDate(last)}`;
}

function taxSummaryOf(summary: InvoiceView["taxSummary"]): BillingDocument["taxSummary"] {
  return summary.map((t) => ({ label: `${t.name} (${t.percentage}%)`, taxable: t.taxable, tax: t.tax }));
}

export function invoiceDocument(invoice: InvoiceView, seller: BillingDocument["seller"], buyer: Buyer, options: { country?: string } = {}): BillingDocument {
  const number = invoice.invoiceNumber;
  const notes = invoice.notes.join("\n");
  return {
    kind: "invoice",
    title: number ? `Invoice ${number}` : "Invoice (draft)",
    badge: invoice.status === "DRAFT" || invoice.status === "VOIDED" ? invoice.status : null,
    paper: paperFor(options.country),
    language: "en",
    number,
    status: invoice.status,
    currency: invoice.currency,
    issuedAt: invoice.issueDate,
    dueAt: invoice.dueDate,
    seller,
    buyer: { legalName: buyer.legalName, email: buyer.email, taxId: buyer.taxId, addressLines: buyer.addressLines },
    lines: invoice.lines.map((l) => ({
      description: l.title,
      detail: [l.description, periodOf(l.servicePeriod)].filter(Boolean).join("\n") || null,
      quantity: l.quantity,
      unitPrice: l.rate,
      subtotal: l.amount,
      taxLabel: l.taxRateId ? `${l.taxRate}%` : null,
      total: l.amount,
    })),
    totals: { subtotal: invoice.subtotal, tax: invoice.tax, total: invoice.total },
    taxSummary: taxSummaryOf(invoice.taxSummary),
    notes: notes || null,
    footer: [seller.legalName, ...invoice.notes].join(" · "),
  };
}

export function creditNoteDocument(
  note: CreditNoteView,
  invoice: InvoiceView,
  seller: BillingDocument["seller"],
  buyer: Buyer,
  options: { country?: string } = {},
): BillingDocument {
  const number = note.creditNoteNumber;
  const byLine = new Map(invoice.lines.map((l) => [l.id, l]));
  const rates = new Map<string, { label: string; taxable: string[]; tax: string[] }>();
  for (const l of note.lines) {
    const line = byLine.get(l.invoiceLineId);
    if (!line?.taxRateId) continue;
    const entry = invoice.taxSummary.find((t) => t.taxRateId === line.taxRateId);
    const key = line.taxRateId;
    const group = rates.get(key) ?? { label: entry ? `${entry.name} (${entry.percentage}%)` : `${line.taxRate}%`, taxable: [], tax: [] };
    group.taxable.push(l.amount);
    group.tax.push(l.tax);
    rates.set(key, group);
  }
  const sum = (xs: string[]) => sumMoney(xs, note.currency);
  return {
    kind: "credit_note",
    title: number ? `Credit note ${number}` : "Credit note (draft)",
    badge: note.status === "FINAL" ? null : note.status,
    paper: paperFor(options.country),
    language: "en",
    number,
    status: note.status,
    currency: note.currency,
    issuedAt: note.issueDate,
    seller,
    buyer: { legalName: buyer.legalName, email: buyer.email, taxId: buyer.taxId, addressLines: buyer.addressLines },
    lines: note.lines.map((l) => {
      const line = byLine.get(l.invoiceLineId);
      return {
        description: l.title,
        detail: `Credits invoice ${invoice.invoiceNumber ?? invoice.id}`,
        quantity: l.quantity ?? "1",
        unitPrice: l.quantity ? (line?.rate ?? null) : l.amount,
        subtotal: l.amount,
        taxLabel: line?.taxRateId ? `${line.taxRate}%` : null,
        total: l.amount,
      };
    }),
    totals: { subtotal: note.subtotal, tax: note.tax, total: note.total },
    taxSummary: [...rates.values()].map((g) => ({ label: g.label, taxable: sum(g.taxable), tax: sum(g.tax) })),
    notes: [note.reason, ...invoice.notes].filter(Boolean).join("\n") || null,
    footer: `${seller.legalName} · Credit note against invoice ${invoice.invoiceNumber ?? invoice.id}`,
  };
}
