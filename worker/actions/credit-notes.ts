// Credit notes (API.md "credit notes"): the correction of a FINAL or SENT invoice, line by line, never
// more than is left to credit; DRAFT → FINAL with its own gapless number and its PDF stored once.
import { getMerchant, logoPngOf, sellerOf, type Merchant } from "../db/merchant.ts";
import {
  alreadyCredited,
  claimCreditNoteNumber,
  CREDIT_GUARD,
  recordCreditNotePdf,
  creditNoteView,
  insertCreditNote,
  listCreditNotes,
  loadCreditNote,
  updateCreditNote,
  type CreditNoteView,
  type StoredCreditNote,
} from "../db/credit-notes.ts";
import { invoiceNumbers, invoiceView, loadInvoice, PDF_RECORDED, type StoredInvoice } from "../db/invoices.ts";
import type { Page } from "../db/paging.ts";
import { renderDocumentPdf } from "../documents/document.ts";
import { creditNoteDocument } from "../documents/invoice.ts";
import { localDate } from "../domain/dates.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { creditLines, creditTotals, toMinorUnits, type CreditNoteStatus, type CreditRequest, type CreditableLine } from "../domain/invoice.ts";
import { newId } from "../lib/crypto.ts";
import { changeSetOf, commit, retryOn, type ActionContext } from "./context.ts";
import { markSyncPending } from "../integrations/xero/sync-queue.ts";
import { enqueueDocument, storeDocument, type Documents, type DocumentStore } from "./documents.ts";
import { ruled, sellerFromSnapshot } from "./invoices.ts";

export interface CreateCreditNoteInput {
  invoiceId: string;
  reason?: string | null;
  lines: CreditRequest[];
}

async function noteOr404(db: D1Database, id: string) {
  const note = await loadCreditNote(db, id);
  if (!note) throw notFound("Credit note");
  return note;
}

async function invoiceOf(db: D1Database, id: string, path?: string) {
  const found = await loadInvoice(db, id);
  if (!found) throw notFound("Invoice", path ? [{ path, message: "No such invoice in this entity" }] : []);
  return found;
}

const creditable = (invoice: StoredInvoice) => invoice.status === "FINAL" || invoice.status === "SENT";

export async function get(ctx: ActionContext, id: string): Promise<CreditNoteView> {
  const note = await noteOr404(ctx.db, id);
  const found = await loadInvoice(ctx.db, note.invoiceId);
  return creditNoteView(note, found?.invoice.invoiceNumber ?? null);
}

export async function list(ctx: ActionContext, o: { limit: number; after?: string; invoiceId?: string; status?: CreditNoteStatus }): Promise<Page<CreditNoteView>> {
  const page = await listCreditNotes(ctx.db, o);
  const numbers = await invoiceNumbers(ctx.db, page.items.map((n) => n.invoiceId));
  return { items: page.items.map((n) => creditNoteView(n, numbers.get(n.invoiceId) ?? null)), after: page.after };
}

/**
 * A DRAFT credit note against a FINAL or SENT invoice. What DRAFT and FINAL notes already credit is
 * counted per line; the batch's guard counts it again in SQL, so two notes written at once cannot
 * together credit more than a line (the second fails whole with credit_exceeds_invoice).
 */
export async function create(ctx: ActionContext, input: CreateCreditNoteInput): Promise<CreditNoteView> {
  const { invoice } = await invoiceOf(ctx.db, input.invoiceId, "invoiceId");
  if (!creditable(invoice)) throw new DomainError("invalid_state", `Only a FINAL or SENT invoice can be credited (it is ${invoice.status})`, [{ path: "invoiceId", message: invoice.status }]);
  const lines = new Map<string, CreditableLine>(invoice.lines.map((l) => [l.id, l]));
  const already = await alreadyCredited(ctx.db, invoice.id);
  const credits = ruled(() => creditLines(lines, input.lines, already, invoice.currency));
  const changes = changeSetOf(ctx);
  const totals = creditTotals(credits, invoice.currency);
  const note: StoredCreditNote = {
    id: newId("cn"),
    creditNoteNumber: null,
    invoiceId: invoice.id,
    customerId: invoice.customerId,
    currency: invoice.currency,
    status: "DRAFT",
    reason: input.reason ?? null,
    issueDate: null,
    ...totals,
    pdfKey: null,
    pdfSha256: null,
    finalizedAt: null,
    createdAt: changes.at,
    updatedAt: changes.at,
    rev: 1,
    lines: credits.map((c, i) => ({
      id: newId("cnl"),
      position: i + 1,
      invoiceLineId: c.invoiceLineId,
      title: invoice.lines.find((l) => l.id === c.invoiceLineId)?.title ?? "",
      quantity: c.quantity,
      amount: c.amount,
      amountMinor: 0,
      tax: c.tax,
    })),
  };
  const minors = new Map(note.lines.map((l) => [l.id, toMinorUnits(l.amount, invoice.currency)]));
  insertCreditNote(changes, note, minors);
  const view = creditNoteView(note, invoice.invoiceNumber);
  changes.record({ kind: "credit_note.created", subject: { type: "credit_note", id: note.id }, data: { creditNote: view }, after: view });
  try {
    return await commit(ctx, changes, view);
  } catch (error) {
    if (!(error instanceof DomainError && error.code === CREDIT_GUARD)) throw error;
    const now = await loadInvoice(ctx.db, invoice.id);
    if (!now || !creditable(now.invoice)) throw new DomainError("invalid_state", `The invoice is ${now?.invoice.status ?? "gone"} now; it cannot be credited`);
    throw new DomainError("credit_exceeds_invoice", "Another credit note took what was left to credit on these lines meanwhile", [{ path: "lines", message: "exceeds what is left" }]);
  }
}

/**
 * Finalize a DRAFT note: its own gapless number (prefix-CN-000001), claimed inside the batch like an
 * invoice's; its PDF is drawn after it from the invoice's frozen parties and attached once — by the
 * documents queue when there is one (as an invoice's, see invoices' finalize), else right away.
 */
export async function finalize(ctx: ActionContext, id: string, documents: Documents): Promise<CreditNoteView> {
  const queued = Boolean(documents.queue);
  // The logo stays out of the batch's result (which is resolved through JSON): bytes kept aside.
  // The logo is decoded only if the PDF is drawn here (no queue, or it refused): kept out of the batch's result.
  let merchantOfPdf: Merchant | null = null;
  const finalized = await retryOn("rev_conflict", async () => {
    const before = await noteOr404(ctx.db, id);
    if (before.status !== "DRAFT") throw new DomainError("invalid_state", `Only a DRAFT credit note can be finalized (it is ${before.status})`);
    const [{ invoice }, merchant] = await Promise.all([invoiceOf(ctx.db, before.invoiceId), getMerchant(ctx.db, ctx.entity)]);
    const changes = changeSetOf(ctx);
    const after: StoredCreditNote = {
      ...before,
      creditNoteNumber: claimCreditNoteNumber(changes, merchant.invoicePrefix),
      status: "FINAL",
      issueDate: localDate(changes.at, ctx.entity.timezone),
      finalizedAt: changes.at,
      updatedAt: changes.at,
      rev: before.rev + 1,
    };
    updateCreditNote(changes, before, after);
    const view = creditNoteView(after, invoice.invoiceNumber);
    markSyncPending(changes, { type: "credit_note", id });
    changes.record({ kind: "credit_note.finalized", subject: { type: "credit_note", id }, data: { creditNote: view }, before: { rev: before.rev, status: before.status }, after: view });
    merchantOfPdf = merchant;
    // Queued: the answer is this batch's, and so is the Idempotency-Key record of it.
    if (queued) return commit({ ...ctx, beforeCommit: ctx.beforeCommit && ((c, result) => ctx.beforeCommit!(c, (result as { view: unknown }).view)) }, changes, { note: after, view });
    // The Idempotency-Key record waits for the response with the PDF (below).
    return commit({ ...ctx, beforeCommit: undefined }, changes, { note: after, view });
  });
  if (queued && (await enqueueDocument(documents, { entityId: ctx.entity.id, kind: "credit_note", id }))) return finalized.view;
  return attachPdf(queued ? { ...ctx, beforeCommit: undefined } : ctx, finalized.note, merchantOfPdf ? logoPngOf(merchantOfPdf) : null, documents.store);
}

/** The documents queue's work for one credit note: draw and attach its PDF unless it has one. */
export async function attachPdfOf(ctx: ActionContext, id: string, store: DocumentStore): Promise<void> {
  const note = await loadCreditNote(ctx.db, id);
  if (!note || note.pdfKey || !note.finalizedAt) return;
  await attachPdf(ctx, note, logoPngOf(await getMerchant(ctx.db, ctx.entity)), store);
}

/** Draw a FINAL note's PDF, store it in R2 and record it — once (see invoices' attachPdf). */
async function attachPdf(ctx: ActionContext, note: StoredCreditNote, logoPng: Uint8Array | null, store: DocumentStore): Promise<CreditNoteView> {
  const { invoice, credited } = await invoiceOf(ctx.db, note.invoiceId);
  const seller = invoice.merchantSnapshot ? sellerFromSnapshot(invoice.merchantSnapshot, logoPng) : sellerOf(await getMerchant(ctx.db, ctx.entity));
  const buyer = invoice.customerSnapshot ?? { legalName: invoice.customerId, email: "", taxId: null, addressLines: [] };
  const document = creditNoteDocument(creditNoteView(note, invoice.invoiceNumber), invoiceView(invoice, credited, ctx.origin), seller, buyer, { country: ctx.entity.country });
  const pdf = await storeDocument(store, ctx.entity, "credit-notes", await renderDocumentPdf(document, { now: new Date(note.finalizedAt!) }));
  const changes = changeSetOf(ctx);
  recordCreditNotePdf(changes, note.id, pdf);
  const view = creditNoteView({ ...note, pdfKey: pdf.key, pdfSha256: pdf.sha256 }, invoice.invoiceNumber);
  changes.record({ kind: "credit_note.updated", subject: { type: "credit_note", id: note.id }, data: { creditNote: view }, before: { pdfSha256: null }, after: { pdfSha256: pdf.sha256 } });
  try {
    return await commit(ctx, changes, view);
  } catch (error) {
    if (!(error instanceof DomainError && error.code === PDF_RECORDED)) throw error;
    return get(ctx, note.id);
  }
}

/** The PDF: a final note's stored bytes; a draft drawn now. */
export async function pdf(ctx: ActionContext, id: string, store: DocumentStore): Promise<{ note: StoredCreditNote; bytes: Uint8Array }> {
  let note = await noteOr404(ctx.db, id);
  if (!note.pdfKey && note.finalizedAt) {
    // Final, but the request that finalized it ended before its PDF was attached: attach it now.
    await attachPdf(ctx, note, logoPngOf(await getMerchant(ctx.db, ctx.entity)), store);
    note = await noteOr404(ctx.db, id);
  }
  if (note.pdfKey) {
    const object = await store.get(note.pdfKey);
    if (!object) throw new DomainError("internal_error", "The credit note's stored PDF is missing");
    return { note, bytes: new Uint8Array(await object.arrayBuffer()) };
  }
  const [{ invoice, credited }, merchant] = await Promise.all([invoiceOf(ctx.db, note.invoiceId), getMerchant(ctx.db, ctx.entity)]);
  const buyer = invoice.customerSnapshot ?? { legalName: invoice.customerId, email: "", taxId: null, addressLines: [] };
  const document = creditNoteDocument(creditNoteView(note, invoice.invoiceNumber), invoiceView(invoice, credited, ctx.origin), sellerOf(merchant), buyer, { country: ctx.entity.country });
  return { note, bytes: await renderDocumentPdf(document) };
}
