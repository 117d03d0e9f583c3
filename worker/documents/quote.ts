// The quote as the document a customer receives: the quote view, its customer, the seller entity.
import type { QuoteView } from "../db/quotes.ts";
import { addressLines } from "../domain/address.ts";
import { BILLING_FREQUENCY, frequencyLabel, isBillingFrequency } from "../domain/billing.ts";
import type { BillingDocument } from "./document.ts";
import { formatDate } from "./format.ts";

/** Countries that print on US Letter; everyone else uses A4. */
const LETTER_COUNTRIES = new Set(["US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "PR"]);
export const paperFor = (country?: string): "A4" | "LETTER" => (country && LETTER_COUNTRIES.has(country) ? "LETTER" : "A4");

/** "over 24 months starting 1 Mar 2027", "over 12 months from acceptance" */
export function contractTerm(view: Pick<QuoteView, "contractLengthMonths" | "startDate">): string {
  const months = `${view.contractLengthMonths} month${view.contractLengthMonths === 1 ? "" : "s"}`;
  return view.startDate ? `over ${months} starting ${formatDate(view.startDate)}` : `over ${months} from acceptance`;
}

/** The document a customer receives: the quote view, its customer, the seller entity (`country`: the seller's, for the paper size). */
export function quoteDocument(
  view: QuoteView,
  seller: BillingDocument["seller"],
  customer: { legalName: string; email: string; taxId: string | null; address: { line1: string; line2?: string | null; city: string; region?: string | null; postalCode: string; country: string } | null },
  options: { country?: string } = {},
): BillingDocument {
  const address = customer.address;
  const totals = view.totals;
  const hasArrears = view.lines.some((l) => l.billingType === "IN_ARREARS" && l.billingFrequency !== "ONE_TIME");
  return {
    kind: "quote",
    title: `Quote ${view.quoteNumber}: ${view.title}`,
    heading: view.title,
    // A customer's copy shows no internal state; a draft preview says so.
    badge: view.status === "DRAFT" ? "DRAFT" : null,
    paper: paperFor(options.country),
    language: "en",
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
      // The product is what the customer buys; the price's model and period say how it is billed.
      description: line.productName ?? line.name ?? line.priceId,
      detail: [line.detail, line.description].filter(Boolean).join("\n") || null,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      unitPriceLabel: line.unitPrice ? line.unitLabel : null,
      // The detail already says how often and when it bills: no "Billed" column beside it.
      frequency: null,
      subtotal: line.amounts.subtotal,
      discount: line.discount ? line.amounts.discount : null,
      discountLabel: line.discount ? (line.discount.type === "PERCENTAGE" ? `${line.discount.value}% off` : "Discount") : null,
      total: line.amounts.total,
    })),
    totals: {
      subtotal: totals.subtotal,
      discount: totals.discount,
      tax: totals.tax,
      total: totals.total,
      byFrequency: Object.entries(totals.byFrequency).map(([frequency, t]) => ({ frequency: frequencyLabel(frequency), total: t.total })),
    },
    contract: {
      recurring: Object.entries(totals.recurring).flatMap(([frequency, amount]) =>
        isBillingFrequency(frequency) && amount ? [{ label: BILLING_FREQUENCY[frequency].label, suffix: BILLING_FREQUENCY[frequency].suffix, amount }] : [],
      ),
      oneTime: totals.oneTime,
      firstInvoice: totals.firstInvoice,
      firstInvoiceNote: hasArrears ? "One-time items and the first period in advance; usage in arrears bills later" : "One-time items and the first period of each subscription",
      totalContractValue: totals.totalContractValue,
      term: contractTerm(view),
    },
    notes: view.notes,
    footer: `${seller.legalName} · Prices exclude tax; tax is added on the invoice.`,
    acceptance: view.acceptedBy && view.acceptedAt ? { ...view.acceptedBy, at: view.acceptedAt } : null,
  };
}
