// The invoice lifecycle (API.md "invoices", DESIGN.md §3): DRAFT → FINAL → SENT, or VOIDED; payment
// status beside it. Every verb is one ChangeSet with its event and audit row. Finalizing numbers the
// invoice inside its batch and renders its PDF once, from the snapshot, into R2 (see finalize).
import { desc, sql } from "drizzle-orm";
import type { ChangeSet } from "../db/changes.ts";
import { orm } from "../db/orm.ts";
import { getCustomer, requireUsableCustomer, type Customer } from "../db/customers.ts";
import {
  claimInvoiceNumber,
  PDF_RECORDED,
  recordInvoicePdf,
  findInvoiceByToken,
  insertInvoice,
  invoiceView,
  listInvoices,
  loadForFinalize,
  loadInvoice,
  updateInvoice,
  type CustomerSnapshot,
  type InvoiceLineRow,
  type InvoiceView,
  type MerchantSnapshot,
  type StoredInvoice,
} from "../db/invoices.ts";
import { bankDetailLines, getMerchant, logoPngOf, sellerOf, type Merchant } from "../db/merchant.ts";
import { page, type Page } from "../db/paging.ts";
import { outbox } from "../db/schema/entity.ts";
import { taxRatesByIds, type TaxRate } from "../db/tax-rates.ts";
import type { BillingDocument } from "../documents/document.ts";
import { renderDocumentPdf } from "../documents/document.ts";
import { invoiceDocument } from "../documents/invoice.ts";
import { addressLines } from "../domain/address.ts";
import { addDaysToDate, localDate } from "../domain/dates.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import {
  checkPayment,
  invoiceAmounts,
  InvoiceRuleError,
  taxTreatmentNote,
  toMinorUnits,
  type InvoiceStatus,
  type PaymentStatus,
  type TaxTreatment,
} from "../domain/invoice.ts";
import { subtractMoney } from "../domain/money.ts";
import { paymentFromXero, samePayment, type XeroInvoiceFigures } from "../domain/xero-payment.ts";
import { newId, randomToken } from "../lib/crypto.ts";
import { sellerParty } from "../db/quotes.ts";
import type { EntityRecord } from "../env.ts";
import { assertRev, changeSetOf, commit, retryOn, type ActionContext } from "./context.ts";
import { billable, billableCustomer } from "./customers.ts";
import { markSyncPending } from "../integrations/xero/sync-queue.ts";
import { enqueueDocument, storeDocument, type Documents, type DocumentStore } from "./documents.ts";
import { taxFactsFor, withChosenTax } from "./invoice-tax.ts";

/** Payment terms when the merchant names none: due 30 days after the issue date. */
export { DEFAULT_PAYMENT_TERMS_DAYS } from "../db/merchant.ts";

export interface InvoiceLineInput {
  title: string;
  description?: string | null;
  quantity: string;
  rate: string;
  taxRateId?: string | null;
  priceId?: string | null;
  servicePeriod?: { start: string; end: string } | null;
}

export interface CreateInvoiceInput {
  customerId: string;
  currency: string;
  lines: InvoiceLineInput[];
  paymentTermDays?: number | null;
}

export type InvoicePatch = Partial<CreateInvoiceInput>;

/** A refusal of the invoice rules in the contract's words. */
export function invoiceRuleFailure(error: unknown): never {
  if (error instanceof InvoiceRuleError) {
    const input = error.code === "invalid_amount";
    throw new DomainError(input ? "invalid_request" : error.code, error.message, error.path ? [{ path: error.path, message: error.message }] : []);
  }
  throw error;
}

export function ruled<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    invoiceRuleFailure(error);
  }
}

async function invoiceOr404(db: D1Database, id: string) {
  const found = await loadInvoice(db, id);
  if (!found) throw notFound("Invoice");
  return found;
}


const inputOf = (l: InvoiceLineRow): InvoiceLineInput => ({
  title: l.title,
  description: l.description,
  quantity: l.quantity,
  rate: l.rate,
  taxRateId: l.taxRateId,
  priceId: l.priceId,
  servicePeriod: l.servicePeriodStart && l.servicePeriodEnd ? { start: l.servicePeriodStart, end: l.servicePeriodEnd } : null,
});

/**
 * The lines priced: amounts, taxes per rate spread over the lines, the summary and totals, under the
 * buyer's tax treatment. Line ids are kept when given (finalize recomputes the same lines).
 */
export function pricedInvoice(inputs: (InvoiceLineInput & { id?: string })[], rates: Map<string, TaxRate>, currency: string, treatment: TaxTreatment) {
  const lines = inputs.map((l, i) => {
    const rate = l.taxRateId ? rates.get(l.taxRateId) : null;
    if (l.taxRateId && !rate) throw new DomainError("unknown_tax_rate", "No such tax rate in this entity", [{ path: `lines.${i}.taxRateId`, message: "unknown tax rate" }]);
    return { id: l.id ?? newId("il"), quantity: l.quantity, rate: l.rate, taxRate: rate ?? null };
  });
  const amounts = ruled(() => invoiceAmounts(lines, currency, treatment));
  const rows: InvoiceLineRow[] = inputs.map((l, i) => {
    const priced = amounts.lines[i];
    return {
      id: priced.id,
      position: i + 1,
      title: l.title,
      description: l.description ?? null,
      quantity: l.quantity,
      rate: l.rate,
      amount: priced.amount,
      // Exact 64-bit integer in SQL (text into INTEGER affinity): the credit-limit guard adds these up.
      amountMinor: minorOf(priced.amount, currency, `lines.${i}`) as unknown as number,
      taxRateId: priced.taxRateId,
      taxRate: priced.taxRate,
      tax: priced.tax,
      priceId: l.priceId ?? null,
      servicePeriodStart: l.servicePeriod?.start ?? null,
      servicePeriodEnd: l.servicePeriod?.end ?? null,
    };
  });
  return { rows, subtotal: amounts.subtotal, tax: amounts.tax, total: amounts.total, taxSummary: amounts.taxSummary };
}

function minorOf(amount: string, currency: string, path: string): string {
  try {
    return toMinorUnits(amount, currency);
  } catch (error) {
    if (error instanceof InvoiceRuleError) throw new DomainError(error.code === "invalid_amount" ? "invalid_request" : error.code, error.message, [{ path, message: error.message }]);
    throw error;
  }
}

const ratesFor = (db: D1Database, lines: InvoiceLineInput[]) => taxRatesByIds(db, lines.map((l) => l.taxRateId));

export interface DraftInput {
  id?: string;
  customer: Pick<Customer, "id" | "taxStatus"> & { taxId?: string | null };
  currency: string;
  lines: InvoiceLineInput[];
  /** Null or absent: the merchant's default terms, applied at finalize. */
  paymentTermDays?: number | null;
  billingScheduleId?: string | null;
  billingPeriod?: { start: string; end: string } | null;
  /** A billing run's invoice: its key (`<scheduleId>:<billingDate>`, unique per schedule) and its run. */
  billingKey?: string | null;
  billingRunId?: string | null;
}

/** A new DRAFT invoice as stored, priced under the buyer's tax treatment (nothing written). */
export function draftInvoice(input: DraftInput, rates: Map<string, TaxRate>, at: string): StoredInvoice {
  const priced = pricedInvoice(input.lines, rates, input.currency, input.customer.taxStatus);
  return {
    id: input.id ?? newId("inv"),
    invoiceNumber: null,
    customerId: input.customer.id,
    currency: input.currency,
    status: "DRAFT",
    paymentStatus: "UNPAID",
    amountPaid: subtractMoney("0", "0", input.currency),
    issueDate: null,
    dueDate: null,
    paymentTermDays: input.paymentTermDays ?? null,
    subtotal: priced.subtotal,
    tax: priced.tax,
    total: priced.total,
    taxSummary: priced.taxSummary,
    notes: draftNotes(input.customer),
    customerSnapshot: null,
    merchantSnapshot: null,
    billingScheduleId: input.billingScheduleId ?? null,
    billingPeriodStart: input.billingPeriod?.start ?? null,
    billingPeriodEnd: input.billingPeriod?.end ?? null,
    billingKey: input.billingKey ?? null,
    billingRunId: input.billingRunId ?? null,
    publicToken: null,
    pdfKey: null,
    pdfSha256: null,
    finalizedAt: null,
    sentAt: null,
    voidedAt: null,
    createdAt: at,
    updatedAt: at,
    rev: 1,
    lines: priced.rows,
  };
}

/**
 * A new DRAFT invoice (manual, or a run's with its schedule and key: the unique index on them makes a
 * second one for the same billing day fail the batch); records invoice.created. Billing runs insert
 * theirs with ON CONFLICT DO NOTHING instead (worker/db/billing-runs.ts).
 */
export function draftStep(changes: ChangeSet, input: DraftInput, rates: Map<string, TaxRate>, origin: string | null): InvoiceView {
  const invoice = draftInvoice(input, rates, changes.at);
  insertInvoice(changes, invoice);
  const view = invoiceView(invoice, "0", origin);
  changes.record({ kind: "invoice.created", subject: { type: "invoice", id: invoice.id }, data: { invoice: view }, after: view });
  return view;
}

/** A draft already carries the exempt or reverse-charge statement the final invoice will (finalize writes it again from the customer then). */
export function draftNotes(customer: { taxStatus: Customer["taxStatus"]; taxId?: string | null }): string[] {
  const note = taxTreatmentNote(customer.taxStatus, customer.taxId ?? null);
  return note ? [note] : [];
}

// ---- reads ----

export async function get(ctx: ActionContext, id: string): Promise<InvoiceView> {
  const { invoice, credited } = await invoiceOr404(ctx.db, id);
  return invoiceView(invoice, credited, ctx.origin);
}

export async function list(ctx: ActionContext, query: { limit: number; after?: string; status?: InvoiceStatus; customerId?: string }): Promise<Page<InvoiceView>> {
  const page = await listInvoices(ctx.db, query);
  return { items: page.items.map((i) => invoiceView(i.invoice, i.credited, ctx.origin)), after: page.after };
}

// ---- the verbs ----

/**
 * Lines that name no tax rate get the one chooseTax picks for this customer (invoice-tax.ts), with
 * the rates the lines name; choosing already read every rate of the entity, so they are not read again.
 */
async function choosingTax(ctx: ActionContext, customer: Customer, lines: InvoiceLineInput[]): Promise<{ lines: InvoiceLineInput[]; rates: Map<string, TaxRate> }> {
  if (lines.every((l) => l.taxRateId !== undefined)) return { lines, rates: await ratesFor(ctx.db, lines) };
  const facts = await taxFactsFor(ctx.db, ctx.entity, lines.map((l) => l.priceId));
  return { lines: withChosenTax(lines, customer, facts).lines, rates: new Map(facts.rates.map((r) => [r.id, r])) };
}

export async function create(ctx: ActionContext, input: CreateInvoiceInput): Promise<InvoiceView> {
  const customer = await billableCustomer(ctx.db, input.customerId, input.currency);
  const { lines, rates } = await choosingTax(ctx, customer, input.lines);
  const changes = changeSetOf(ctx);
  // The customer is checked again inside the batch: archived or re-currencied meanwhile, nothing is written.
  requireUsableCustomer(changes, customer.id, input.currency);
  const view = draftStep(changes, { customer, currency: input.currency, lines, paymentTermDays: input.paymentTermDays }, rates, ctx.origin);
  return commit(ctx, changes, view);
}

/** Change a DRAFT (else 409 invoice_not_editable); with `expectedRev` a newer revision is a 409. PATCH lines replace all lines. */
export function revise(ctx: ActionContext, id: string, patch: InvoicePatch, expectedRev?: number): Promise<InvoiceView> {
  const attempt = async () => {
    const { invoice: before } = await invoiceOr404(ctx.db, id);
    assertRev(before, expectedRev, "Invoice");
    if (before.status !== "DRAFT") throw new DomainError("invoice_not_editable", `Only a DRAFT invoice can be changed (it is ${before.status}); correct a final one with a credit note`);
    const currency = patch.currency ?? before.currency;
    const customer = await billableCustomer(ctx.db, patch.customerId ?? before.customerId, currency);
    const { lines: inputs, rates } = patch.lines ? await choosingTax(ctx, customer, patch.lines) : { lines: before.lines.map(inputOf), rates: null };
    const priced = pricedInvoice(inputs, rates ?? (await ratesFor(ctx.db, inputs)), currency, customer.taxStatus);
    const changes = changeSetOf(ctx);
    const after: StoredInvoice = {
      ...before,
      customerId: customer.id,
      currency,
      paymentTermDays: patch.paymentTermDays === undefined ? before.paymentTermDays : patch.paymentTermDays,
      ...totalsOf(priced),
      notes: draftNotes(customer),
      lines: priced.rows,
      updatedAt: changes.at,
      rev: before.rev + 1,
    };
    updateInvoice(changes, before, after, { replaceLines: true });
    const view = invoiceView(after, "0", ctx.origin);
    const changed = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    changes.record({ kind: "invoice.updated", subject: { type: "invoice", id }, data: { invoice: view, changed }, before: { rev: before.rev }, after: view });
    return commit(ctx, changes, view);
  };
  return expectedRev === undefined ? retryOn("rev_conflict", attempt) : attempt();
}

const totalsOf = (p: ReturnType<typeof pricedInvoice>) => ({ subtotal: p.subtotal, tax: p.tax, total: p.total, taxSummary: p.taxSummary });

function customerSnapshot(customer: Customer): CustomerSnapshot {
  return {
    id: customer.id,
    legalName: customer.legalName,
    email: customer.email,
    country: customer.country,
    taxStatus: customer.taxStatus,
    taxId: customer.taxId,
    address: customer.address,
    addressLines: customer.address ? addressLines(customer.address) : [],
  };
}

function merchantSnapshot(entity: EntityRecord, merchant: Merchant): MerchantSnapshot {
  const party = sellerParty(entity, merchant);
  return {
    name: party.name,
    legalName: party.legalName,
    country: party.country,
    address: party.address,
    addressLines: party.addressLines,
    taxIds: party.taxIds,
    email: party.email,
    bankDetails: bankDetailLines(merchant),
    brandColor: merchant.brandColor,
  };
}

/** The seller block of a document drawn from a snapshot (the logo is today's: it is drawn once, at finalize). */
export const sellerFromSnapshot = (s: MerchantSnapshot, logoPng: Uint8Array | null): BillingDocument["seller"] => ({
  name: s.name,
  legalName: s.legalName,
  addressLines: s.addressLines,
  taxIds: s.taxIds,
  email: s.email,
  brandColor: s.brandColor,
  logoPng,
  bankDetails: s.bankDetails,
});

/**
 * Finalize a DRAFT: the buyer's tax treatment applied (exempt and reverse charged at 0 % with the
 * statement and the buyer's tax id), both parties' details frozen, issue date today in the entity's
 * zone, due after the payment terms, and the number claimed inside the batch (DESIGN.md §4: no read,
 * no retry, gapless under any concurrency). The PDF needs the number, so it is drawn after the batch
 * from the frozen snapshot, put in R2 under its SHA-256, and attached (`attachPdf`) — by the documents
 * queue when there is one (drawing is CPU work that would hold up every concurrent finalization; the
 * answer then has pdfSha256 null until `invoice.updated` says it is attached, and GET /pdf draws it at
 * once if asked first), else right away, with the Idempotency-Key record joining that second batch.
 */
export async function finalize(ctx: ActionContext, id: string, documents: Documents): Promise<InvoiceView> {
  const queued = Boolean(documents.queue);
  // The logo stays out of the batch's result (which is resolved through JSON): bytes kept aside.
  // The logo is decoded only if the PDF is drawn here (no queue, or it refused): kept out of the batch's result.
  let merchantOfPdf: Merchant | null = null;
  const finalized = await retryOn("rev_conflict", async () => {
    const loaded = await loadForFinalize(ctx.db, id, ctx.entity, ctx.early?.finalize(id));
    if (!loaded) throw notFound("Invoice");
    const { invoice: before, merchant, rates } = loaded;
    if (before.status !== "DRAFT") throw new DomainError("invalid_state", `Only a DRAFT invoice can be finalized (it is ${before.status})`);
    if (before.lines.length === 0) throw new DomainError("invoice_empty", "An invoice needs at least one line", [{ path: "lines", message: "empty" }]);
    const customer = billable(loaded.customer, before.currency);
    const inputs = before.lines.map((l) => ({ ...inputOf(l), id: l.id }));
    const priced = pricedInvoice(inputs, rates, before.currency, customer.taxStatus);
    const changes = changeSetOf(ctx);
    const issueDate = localDate(changes.at, ctx.entity.timezone);
    const note = taxTreatmentNote(customer.taxStatus, customer.taxId);
    const after: StoredInvoice = {
      ...before,
      ...totalsOf(priced),
      lines: priced.rows,
      invoiceNumber: claimInvoiceNumber(changes, merchant.invoicePrefix),
      status: "FINAL",
      issueDate,
      // The draft's own terms, else the merchant's default; kept on the invoice as applied.
      dueDate: addDaysToDate(issueDate, before.paymentTermDays ?? merchant.defaultDueDateDays),
      paymentTermDays: before.paymentTermDays ?? merchant.defaultDueDateDays,
      notes: note ? [note] : [],
      customerSnapshot: customerSnapshot(customer),
      merchantSnapshot: merchantSnapshot(ctx.entity, merchant),
      finalizedAt: changes.at,
      updatedAt: changes.at,
      rev: before.rev + 1,
    };
    updateInvoice(changes, before, after, { replaceLines: true });
    const view = invoiceView(after, "0", ctx.origin);
    // Booked in Xero when the entity is connected: the invoice and, first, its customer as a contact.
    markSyncPending(changes, { type: "contact", id: after.customerId }, { type: "invoice", id });
    changes.record({ kind: "invoice.finalized", subject: { type: "invoice", id }, data: { invoice: view }, before: { rev: before.rev, status: before.status }, after: view });
    merchantOfPdf = merchant;
    // Queued: the answer is this batch's, and so is the Idempotency-Key record of it.
    if (queued) return commit({ ...ctx, beforeCommit: ctx.beforeCommit && ((c, result) => ctx.beforeCommit!(c, (result as { view: unknown }).view)) }, changes, { invoice: after, view });
    // The Idempotency-Key record waits for the response with the PDF (below).
    return commit({ ...ctx, beforeCommit: undefined }, changes, { invoice: after, view });
  });
  if (queued && (await enqueueDocument(documents, { entityId: ctx.entity.id, kind: "invoice", id }))) return finalized.view;
  return attachPdf(queued ? { ...ctx, beforeCommit: undefined } : ctx, finalized.invoice, merchantOfPdf ? logoPngOf(merchantOfPdf) : null, documents.store);
}

/** The documents queue's work for one invoice: draw and attach its PDF unless it has one (a retry, GET /pdf first). */
export async function attachPdfOf(ctx: ActionContext, id: string, store: DocumentStore): Promise<void> {
  const found = await loadInvoice(ctx.db, id);
  if (!found || found.invoice.pdfKey || !found.invoice.finalizedAt || !found.invoice.merchantSnapshot) return;
  await attachPdf(ctx, found.invoice, logoPngOf(await getMerchant(ctx.db, ctx.entity)), store);
}

/**
 * Draw a FINAL invoice's PDF from its snapshot, store it in R2 and record its key and hash — once:
 * the record is guarded on there being none, so a second drawing (a retry, a concurrent download)
 * leaves the first in place and answers with it.
 */
async function attachPdf(ctx: ActionContext, invoice: StoredInvoice, logoPng: Uint8Array | null, store: DocumentStore): Promise<InvoiceView> {
  const document = invoiceDocument(invoiceView(invoice, "0", ctx.origin), sellerFromSnapshot(invoice.merchantSnapshot!, logoPng), invoice.customerSnapshot!, { country: ctx.entity.country });
  const pdf = await storeDocument(store, ctx.entity, "invoices", await renderDocumentPdf(document, { now: new Date(invoice.finalizedAt!) }));
  const changes = changeSetOf(ctx);
  const after: StoredInvoice = { ...invoice, pdfKey: pdf.key, pdfSha256: pdf.sha256 };
  recordInvoicePdf(changes, invoice.id, pdf);
  const view = invoiceView(after, "0", ctx.origin);
  changes.record({ kind: "invoice.updated", subject: { type: "invoice", id: invoice.id }, data: { invoice: view }, before: { pdfSha256: null }, after: { pdfSha256: pdf.sha256 } });
  try {
    return await commit(ctx, changes, view);
  } catch (error) {
    if (!(error instanceof DomainError && error.code === PDF_RECORDED)) throw error;
    return get(ctx, invoice.id); // another drawing was recorded first: that one is the invoice's
  }
}

/** Void: a final invoice keeps its number; a voided draft takes one (DESIGN.md §3: never reused, never skipped). */
export function voidInvoice(ctx: ActionContext, id: string): Promise<InvoiceView> {
  return retryOn("rev_conflict", async () => {
    const { invoice: before, credited } = await invoiceOr404(ctx.db, id);
    if (before.status === "VOIDED") throw new DomainError("invalid_state", "The invoice is already voided");
    if (before.amountPaid !== subtractMoney("0", "0", before.currency)) throw new DomainError("invalid_state", "A paid invoice cannot be voided; credit it instead");
    const open = await ctx.db.prepare("SELECT COUNT(*) AS n FROM credit_notes WHERE invoice_id = ? AND status IN ('DRAFT', 'FINAL')").bind(id).first<{ n: number }>();
    if ((open?.n ?? 0) > 0) throw new DomainError("invalid_state", "An invoice with credit notes cannot be voided");
    const changes = changeSetOf(ctx);
    const merchant = before.status === "DRAFT" ? await getMerchant(ctx.db, ctx.entity) : null;
    const after: StoredInvoice = {
      ...before,
      invoiceNumber: merchant ? claimInvoiceNumber(changes, merchant.invoicePrefix) : before.invoiceNumber,
      status: "VOIDED",
      voidedAt: changes.at,
      updatedAt: changes.at,
      rev: before.rev + 1,
    };
    // No credit note may arrive meanwhile (they are refused on a voided invoice, and this on a credited one).
    updateInvoice(changes, before, after, { extraWhere: noCreditNotes(id) });
    const view = invoiceView(after, credited, ctx.origin);
    if (before.status !== "DRAFT") markSyncPending(changes, { type: "invoice", id });
    changes.record({ kind: "invoice.voided", subject: { type: "invoice", id }, data: { invoice: view }, before: { rev: before.rev, status: before.status }, after: view });
    return commit(ctx, changes, view);
  });
}

const noCreditNotes = (id: string) => sql`NOT EXISTS (SELECT 1 FROM credit_notes WHERE invoice_id = ${id} AND status IN ('DRAFT', 'FINAL'))`;

/** Send: status SENT, the e-mail in the outbox (to the customer's billing e-mail, with the public link). */
export function send(ctx: ActionContext, id: string): Promise<InvoiceView> {
  return retryOn("rev_conflict", async () => {
    const { invoice: before, credited } = await invoiceOr404(ctx.db, id);
    if (before.status !== "FINAL" && before.status !== "SENT") throw new DomainError("invalid_state", `Only a final invoice can be sent (it is ${before.status})`);
    const customer = await getCustomer(ctx.db, before.customerId);
    const changes = changeSetOf(ctx);
    const after: StoredInvoice = { ...before, status: "SENT", publicToken: before.publicToken ?? `${ctx.entity.id}.${randomToken(24)}`, sentAt: changes.at, updatedAt: changes.at, rev: before.rev + 1 };
    updateInvoice(changes, before, after);
    const view = invoiceView(after, credited, ctx.origin);
    const seller = before.merchantSnapshot?.name ?? ctx.entity.name;
    const link = view.publicUrl;
    const to = customer?.email ?? before.customerSnapshot?.email ?? "";
    changes.add(
      changes.orm.insert(outbox).values({
        id: newId("msg"),
        to,
        subject: `Invoice ${before.invoiceNumber} from ${seller}`,
        body: [
          `Invoice ${before.invoiceNumber} from ${seller}.`,
          `Amount due: ${view.currency} ${view.amountDue}, due ${before.dueDate}.`,
          link ? `View and download it: ${link}` : null,
        ]
          .filter(Boolean)
          .join("\n\n"),
        link,
        subjectType: "invoice",
        subjectId: id,
        createdAt: changes.at,
      }),
    );
    changes.record({ kind: "invoice.sent", subject: { type: "invoice", id }, data: { invoice: view, to }, before: { rev: before.rev, status: before.status }, after: view });
    return commit(ctx, changes, view);
  });
}

/** Record where payment stands: PARTIALLY_PAID and PAID agree with amountPaid (total less final credit notes is what is payable). */
export function setPaymentStatus(ctx: ActionContext, id: string, input: { paymentStatus: PaymentStatus; amountPaid?: string }, options: { fromXero?: boolean } = {}): Promise<InvoiceView> {
  return retryOn("rev_conflict", async () => paymentStep(ctx, await invoiceOr404(ctx.db, id), input, options));
}

async function paymentStep(ctx: ActionContext, loaded: Awaited<ReturnType<typeof invoiceOr404>>, input: { paymentStatus: PaymentStatus; amountPaid?: string }, options: { fromXero?: boolean }): Promise<InvoiceView> {
  const { invoice: before, credited } = loaded;
  const id = before.id;
  if (before.status !== "FINAL" && before.status !== "SENT") throw new DomainError("invalid_state", `Only a final invoice has a payment status to set (it is ${before.status})`);
  const payable = subtractMoney(before.total, credited, before.currency);
  const amountPaid = ruled(() => checkPayment(input.paymentStatus, input.amountPaid, payable, before.currency));
  const changes = changeSetOf(ctx);
  const after: StoredInvoice = { ...before, paymentStatus: input.paymentStatus, amountPaid, updatedAt: changes.at, rev: before.rev + 1 };
  updateInvoice(changes, before, after);
  // A payment recorded in Kontor goes to Xero; one read from Xero is already there.
  if (!options.fromXero) markSyncPending(changes, { type: "payment", id });
  const view = invoiceView(after, credited, ctx.origin);
  changes.record({
    kind: "invoice.payment_status_changed",
    subject: { type: "invoice", id },
    data: { invoice: view, from: before.paymentStatus, to: after.paymentStatus, ...(options.fromXero ? { source: "xero" } : {}) },
    before: { rev: before.rev, paymentStatus: before.paymentStatus, amountPaid: before.amountPaid },
    after: view,
  });
  return commit(ctx, changes, view);
}

/**
 * Payment as Xero has it (the inbound sync): applied through the same step as a payment recorded here,
 * without sending it back. Nothing is written — no event either — when it changes nothing (the same
 * webhook twice), when the invoice is not final, or while a payment recorded in Kontor still waits to
 * reach Xero (Kontor's word is the newer one then). Each retry reads both again, so a concurrent change
 * (its rev guard) is judged afresh. Answers the view when something changed, else null.
 */
export function applyXeroPayment(ctx: ActionContext, id: string, xero: XeroInvoiceFigures): Promise<InvoiceView | null> {
  return retryOn("rev_conflict", async () => {
    const loaded = await loadInvoice(ctx.db, id);
    if (!loaded || (loaded.invoice.status !== "FINAL" && loaded.invoice.status !== "SENT")) return null;
    const waiting = await ctx.db.prepare("SELECT 1 AS one FROM sync_objects WHERE provider = 'xero' AND object_type = 'payment' AND object_id = ? AND state <> 'SYNCED'").bind(id).first();
    if (waiting) return null;
    const { invoice, credited } = loaded;
    const next = paymentFromXero(xero, { paymentStatus: invoice.paymentStatus, amountPaid: invoice.amountPaid, payable: subtractMoney(invoice.total, credited, invoice.currency), currency: invoice.currency });
    if (!next || samePayment(next, invoice)) return null;
    return paymentStep(ctx, loaded, next, { fromXero: true });
  });
}

/** The PDF: a final invoice's stored bytes; a draft (or a voided draft) drawn now from today's details. */
export async function pdf(ctx: ActionContext, id: string, store: DocumentStore): Promise<{ invoice: StoredInvoice; bytes: Uint8Array }> {
  const { invoice, credited } = await invoiceOr404(ctx.db, id);
  return { invoice, bytes: await pdfOf(ctx, invoice, credited, store) };
}

async function pdfOf(ctx: ActionContext, invoice: StoredInvoice, credited: string, store: DocumentStore): Promise<Uint8Array> {
  if (!invoice.pdfKey && invoice.finalizedAt && invoice.merchantSnapshot && invoice.customerSnapshot) {
    // Final, but the request that finalized it ended before its PDF was attached: attach it now.
    const merchant = await getMerchant(ctx.db, ctx.entity);
    await attachPdf(ctx, invoice, logoPngOf(merchant), store);
    invoice = (await invoiceOr404(ctx.db, invoice.id)).invoice; // the PDF recorded first (this or a concurrent one)
  }
  if (invoice.pdfKey) {
    const object = await store.get(invoice.pdfKey);
    if (!object) throw new DomainError("internal_error", "The invoice's stored PDF is missing");
    return new Uint8Array(await object.arrayBuffer());
  }
  const [customer, merchant] = await Promise.all([getCustomer(ctx.db, invoice.customerId), getMerchant(ctx.db, ctx.entity)]);
  if (!customer) throw notFound("Customer");
  const document = invoiceDocument(invoiceView(invoice, credited, ctx.origin), sellerOf(merchant), customerSnapshot(customer), { country: ctx.entity.country });
  return renderDocumentPdf(document);
}

// ---- the customer link ----

/** A SENT invoice behind a public token (no login). */
export async function findSent(db: D1Database, token: string) {
  const found = await findInvoiceByToken(db, token);
  return found && found.invoice.status === "SENT" ? found : null;
}

export function publicView(invoice: StoredInvoice, credited: string, origin: string | null) {
  const { customerId: _c, rev: _r, pdfSha256: _p, createdAt: _ca, updatedAt: _u, billingScheduleId: _b, publicUrl, ...view } = invoiceView(invoice, credited, origin);
  return { ...view, publicUrl, pdfUrl: `${origin ?? ""}/api/v1/public/invoices/${invoice.publicToken}/pdf` };
}

export async function publicPdf(ctx: ActionContext, token: string, store: DocumentStore) {
  const found = await findSent(ctx.db, token);
  if (!found) throw notFound("Invoice");
  return { invoice: found.invoice, bytes: await pdfOf(ctx, found.invoice, found.credited, store) };
}

/** The outbox (what was sent), newest first. */
export async function listOutbox(ctx: ActionContext, o: { limit: number; after?: string }) {
  return page(outbox.id, o, (cursor, take) => orm(ctx.db).select().from(outbox).where(cursor).orderBy(desc(outbox.id)).limit(take));
}
