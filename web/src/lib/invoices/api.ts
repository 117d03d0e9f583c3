// The invoices, credit notes, tax rates and public-invoice endpoints (API.md "invoices", "credit
// notes", "tax"), on the shared fetch client (#lib/api.ts).
import { enc, entityPath, entityResource, newIdempotencyKey, query, request } from "../api.ts";
import type { CreditNote, Invoice, InvoiceCreate, InvoiceUpdate, Page, PublicInvoice, TaxRate } from "$worker/api/types.ts";
import type { InvoiceStatus, PaymentStatus } from "$worker/domain/invoice.ts";

type Fetch = typeof fetch;
const base = entityPath;

const invoices = entityResource<Invoice, InvoiceCreate, { status?: InvoiceStatus | null; customerId?: string | null }>("invoices");

export type InvoiceAction = "finalize" | "send" | "void";

/** One credit of an invoice line: by quantity (× the line's rate) or by amount (before tax). */
export type CreditRequest = { invoiceLineId: string; quantity: string } | { invoiceLineId: string; amount: string };

export const invoicesApi = {
  list: invoices.list,
  get: invoices.get,
  create: invoices.create,
  /** PATCH a DRAFT with If-Match; a final one answers 409 invoice_not_editable. */
  patch: (entity: string, id: string, body: InvoiceUpdate, rev: number) =>
    request<Invoice>("PATCH", `${base(entity)}/invoices/${enc(id)}`, { body, headers: { "If-Match": `"${rev}"` } }),
  action: (entity: string, id: string, action: InvoiceAction) =>
    request<Invoice>("POST", `${base(entity)}/invoices/${enc(id)}/${action}`, { headers: { "Idempotency-Key": newIdempotencyKey() } }),
  paymentStatus: (entity: string, id: string, body: { paymentStatus: PaymentStatus; amountPaid?: string }) =>
    request<Invoice>("PUT", `${base(entity)}/invoices/${enc(id)}/payment-status`, { body }),
  pdfUrl: (entity: string, id: string) => `${base(entity)}/invoices/${enc(id)}/pdf`,
};

export const creditNotesApi = {
  /** Every credit note of one invoice (an invoice has a handful; stops after 10 pages). */
  ofInvoice: async (entity: string, invoiceId: string, f?: Fetch): Promise<CreditNote[]> => {
    const items: CreditNote[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: Page<CreditNote> = await request<Page<CreditNote>>("GET", `${base(entity)}/credit-notes${query({ invoiceId, limit: 100, after })}`, { fetch: f });
      items.push(...page.items);
      after = page.pagination.after;
      if (!after) break;
    }
    return items;
  },
  create: (entity: string, body: { invoiceId: string; reason?: string | null; lines: CreditRequest[] }, idempotencyKey: string) =>
    request<CreditNote>("POST", `${base(entity)}/credit-notes`, { body, headers: { "Idempotency-Key": idempotencyKey } }),
  finalize: (entity: string, id: string) =>
    request<CreditNote>("POST", `${base(entity)}/credit-notes/${enc(id)}/finalize`, { headers: { "Idempotency-Key": newIdempotencyKey() } }),
  pdfUrl: (entity: string, id: string) => `${base(entity)}/credit-notes/${enc(id)}/pdf`,
};


export const taxRatesApi = {
  /** The entity's tax rates (a short list: the first 100). */
  list: (entity: string, f?: Fetch) => request<Page<TaxRate>>("GET", `${base(entity)}/tax-rates?limit=100`, { fetch: f }).then((p) => p.items),
};

export const publicInvoicesApi = {
  get: (token: string, f?: Fetch) => request<PublicInvoice>("GET", `/api/v1/public/invoices/${enc(token)}`, { fetch: f }),
};
