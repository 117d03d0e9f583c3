// Credit notes (API.md "credit notes"): the correction of a FINAL or SENT invoice, line by line, never
// more than is left to credit; DRAFT → FINAL with its own gapless number and its PDF stored once.
import { getMerchant, sellerOf } from "../db/merchant.ts";
import {
  alreadyCredited,
  claimCreditNoteNumber,
  CREDIT_GUARD,
  CREDIT_NOTE_COUNTER,
  creditNoteView,
  insertCreditNote,
  listCreditNotes,
  loadCreditNote,
  updateCreditNote,
  type CreditNoteView,
  type StoredCreditNote,
} from "../db/credit-notes.ts";
import { invoiceNumbers, invoiceView, loadInvoice, nextNumber, requireCounterAt, type StoredInvoice } from "../db/invoices.ts";
import type { Page } from "../db/paging.ts";
import { renderDocumentPdf } from "../documents/document.ts";
import { creditNoteDocument } from "../documents/invoice.ts";
import { localDate } from "../domain/dates.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { creditLines, creditTotals, toMinorUnits, type CreditNoteStatus, type CreditRequest, type CreditableLine } from "../domain/invoice.ts";
import { newId } from "../lib/crypto.ts";
import { changeSetOf, commit, retryOn, type ActionContext } from "./context.ts";
import { storeDocument, type DocumentStore } from "./documents.ts";
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

/** Finalize a DRAFT note: its own gapless number (prefix-CN-000001) and its PDF, like an invoice's finalize. */
export function finalize(ctx: ActionContext, id: string, store: DocumentStore): Promise<CreditNoteView> {
  return retryOn(
    "number_taken",
    async () => {
      const before = await noteOr404(ctx.db, id);
      if (before.status !== "DRAFT") throw new DomainError("invalid_state", `Only a DRAFT credit note can be finalized (it is ${before.status})`);
      const [{ invoice, credited }, merchant, next] = await Promise.all([invoiceOf(ctx.db, before.invoiceId), getMerchant(ctx.db, ctx.entity), nextNumber(ctx.db, CREDIT_NOTE_COUNTER)]);
      const changes = changeSetOf(ctx);
      const after: StoredCreditNote = {
        ...before,
        creditNoteNumber: `${merchant.invoicePrefix}-CN-${String(next).padStart(6, "0")}`,
        status: "FINAL",
        issueDate: localDate(changes.at, ctx.entity.timezone),
        finalizedAt: changes.at,
        updatedAt: changes.at,
        rev: before.rev + 1,
      };
      const logo = sellerOf(merchant).logoPng;
      const seller = invoice.merchantSnapshot ? sellerFromSnapshot(invoice.merchantSnapshot, logo) : sellerOf(merchant);
      const buyer = invoice.customerSnapshot ?? { legalName: invoice.customerId, email: "", taxId: null, addressLines: [] };
      const document = creditNoteDocument(creditNoteView(after, invoice.invoiceNumber), invoiceView(invoice, credited, ctx.origin), seller, buyer, { country: ctx.entity.country });
      const pdf = await storeDocument(store, ctx.entity, "credit-notes", await renderDocumentPdf(document, { now: new Date(changes.at) }));
      after.creditNoteNumber = claimCreditNoteNumber(changes, merchant.invoicePrefix);
      requireCounterAt(changes, CREDIT_NOTE_COUNTER, next);
      after.pdfKey = pdf.key;
      after.pdfSha256 = pdf.sha256;
      updateCreditNote(changes, before, after);
      const view = creditNoteView(after, invoice.invoiceNumber);
      changes.record({ kind: "credit_note.finalized", subject: { type: "credit_note", id }, data: { creditNote: view }, before: { rev: before.rev, status: before.status }, after: view });
      return commit(ctx, changes, view);
    },
    200,
  );
}

/** The PDF: a final note's stored bytes; a draft drawn now. */
export async function pdf(ctx: ActionContext, id: string, store: DocumentStore): Promise<{ note: StoredCreditNote; bytes: Uint8Array }> {
  const note = await noteOr404(ctx.db, id);
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
