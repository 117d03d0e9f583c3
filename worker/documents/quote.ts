// The quote as the document a customer receives: the quote view, its customer, the seller entity.
import type { QuoteView } from "../db/quotes.ts";
import { addressLines } from "../domain/address.ts";
import { frequencyLabel } from "../domain/billing.ts";
import type { BillingDocument } from "./document.ts";

/** The document a customer receives: the quote view, its customer, the seller entity. */
export function quoteDocument(
  view: QuoteView,
  seller: BillingDocument["seller"],
  customer: { legalName: string; email: string; taxId: string | null; address: { line1: string; line2?: string | null; city: string; region?: string | null; postalCode: string; country: string } | null },
): BillingDocument {
  const address = customer.address;
  return {
    kind: "quote",
    title: `Quote ${view.quoteNumber}`,
    number: view.status === "DRAFT" ? null : view.quoteNumber,
    status: view.archivedAt ? "ARCHIVED" : view.status,
    currency: view.currency,
    issuedAt: view.publishedAt ?? view.createdAt,
    expiresAt: view.expiresAt,
    seller,
    buyer: {
      legalName: customer.legalName,
      email: customer.email,
      taxId: customer.taxId,
      addressLines: address ? addressLines(address) : [],
    },
    lines: view.lines.map((line) => ({
      description: line.name ?? line.priceId,
      detail: line.description,
      quantity: line.quantity,
      frequency: line.billingFrequency ? frequencyLabel(line.billingFrequency) : null,
      subtotal: line.amounts.subtotal,
      discount: line.discount ? line.amounts.discount : null,
      discountLabel: line.discount ? (line.discount.type === "PERCENTAGE" ? `${line.discount.value}% off` : "Discount") : null,
      total: line.amounts.total,
    })),
    totals: {
      subtotal: view.totals.subtotal,
      discount: view.totals.discount,
      tax: view.totals.tax,
      total: view.totals.total,
      byFrequency: Object.entries(view.totals.byFrequency).map(([frequency, t]) => ({ frequency: frequencyLabel(frequency), total: t.total })),
    },
    notes: view.notes,
    footer: `${seller.legalName} · Prices exclude tax; tax is added on the invoice.`,
    acceptance: view.acceptedBy && view.acceptedAt ? { ...view.acceptedBy, at: view.acceptedAt } : null,
  };
}
