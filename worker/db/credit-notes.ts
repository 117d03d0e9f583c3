// Credit notes of one entity: loading, the API view, and the rows of each change. The credit limit of
// each invoice line is enforced twice: by the domain on what was read, and by a SQL guard in the
// note's own batch over every DRAFT and FINAL note's lines (in minor units, exact), so two notes
// written at once cannot together credit more than the line.
import { and, desc, eq, getTableColumns, inArray, isNotNull, isNull } from "drizzle-orm";
import { PDF_RECORDED } from "./invoices.ts";
import type { ChangeSet } from "./changes.ts";
import { allOf, orm } from "./orm.ts";
import { page, type Page } from "./paging.ts";
import { creditNoteLines, creditNotes } from "./schema/entity.ts";
import { NOTHING_CREDITED, type AlreadyCredited, type CreditNoteStatus } from "../domain/invoice.ts";
import { toDecimal } from "../domain/money.ts";

export type CreditNoteRow = typeof creditNotes.$inferSelect;
export type CreditNoteLineRow = Omit<typeof creditNoteLines.$inferSelect, "creditNoteId">;
export type StoredCreditNote = CreditNoteRow & { lines: CreditNoteLineRow[] };

const byPosition = (a: { position: number }, b: { position: number }) => a.position - b.position;
const { creditNoteId: _creditNoteId, ...lineColumns } = getTableColumns(creditNoteLines);

export async function loadCreditNote(db: D1Database, id: string): Promise<StoredCreditNote | null> {
  const d = orm(db);
  const [[row], lines] = await d.batch([d.select().from(creditNotes).where(eq(creditNotes.id, id)), d.select(lineColumns).from(creditNoteLines).where(eq(creditNoteLines.creditNoteId, id))]);
  return row ? { ...row, lines: lines.sort(byPosition) } : null;
}

export async function listCreditNotes(db: D1Database, o: { limit: number; after?: string; invoiceId?: string; status?: CreditNoteStatus }): Promise<Page<StoredCreditNote>> {
  const d = orm(db);
  const rows = await page(creditNotes.id, o, (cursor, take) =>
    d
      .select()
      .from(creditNotes)
      .where(allOf(cursor, o.invoiceId && eq(creditNotes.invoiceId, o.invoiceId), o.status && eq(creditNotes.status, o.status)))
      .orderBy(desc(creditNotes.id))
      .limit(take),
  );
  const ids = rows.items.map((r) => r.id);
  const lines = ids.length ? await d.select().from(creditNoteLines).where(inArray(creditNoteLines.creditNoteId, ids)) : [];
  return {
    items: rows.items.map((r) => ({ ...r, lines: lines.filter((l) => l.creditNoteId === r.id).map(({ creditNoteId: _, ...l }) => l).sort(byPosition) })),
    after: rows.after,
  };
}

/** What the invoice's DRAFT and FINAL credit notes already credit, per invoice line. */
export async function alreadyCredited(db: D1Database, invoiceId: string): Promise<Map<string, AlreadyCredited>> {
  const rows = await orm(db)
    .select({ invoiceLineId: creditNoteLines.invoiceLineId, quantity: creditNoteLines.quantity, amount: creditNoteLines.amount, tax: creditNoteLines.tax })
    .from(creditNoteLines)
    .innerJoin(creditNotes, eq(creditNotes.id, creditNoteLines.creditNoteId))
    .where(and(eq(creditNotes.invoiceId, invoiceId), inArray(creditNotes.status, ["DRAFT", "FINAL"])));
  const out = new Map<string, AlreadyCredited>();
  for (const r of rows) {
    const before = out.get(r.invoiceLineId) ?? NOTHING_CREDITED;
    out.set(r.invoiceLineId, {
      quantity: toDecimal(before.quantity).plus(toDecimal(r.quantity ?? "0")).toString(),
      amount: toDecimal(before.amount).plus(toDecimal(r.amount)).toString(),
      tax: toDecimal(before.tax).plus(toDecimal(r.tax)).toString(),
    });
  }
  return out;
}

export function creditNoteView(note: StoredCreditNote, invoiceNumber: string | null = null) {
  return {
    id: note.id,
    object: "credit_note" as const,
    creditNoteNumber: note.creditNoteNumber,
    status: note.status,
    invoiceId: note.invoiceId,
    invoiceNumber,
    customerId: note.customerId,
    currency: note.currency,
    reason: note.reason,
    issueDate: note.issueDate,
    lines: note.lines.map((l) => ({ id: l.id, invoiceLineId: l.invoiceLineId, title: l.title, quantity: l.quantity, amount: l.amount, tax: l.tax })),
    subtotal: note.subtotal,
    tax: note.tax,
    total: note.total,
    pdfSha256: note.pdfSha256,
    finalizedAt: note.finalizedAt,
    createdAt: note.createdAt,
    updatedAt: note.updatedAt,
    rev: note.rev,
  };
}
export type CreditNoteView = ReturnType<typeof creditNoteView>;

export const CREDIT_NOTE_COUNTER = "credit_note_number";
/** Record a final note's stored PDF, once (guarded on there being none yet). */
export function recordCreditNotePdf(changes: ChangeSet, id: string, pdf: { key: string; sha256: string }) {
  changes.guard(
    changes.orm.update(creditNotes).set({ pdfKey: pdf.key, pdfSha256: pdf.sha256 }).where(and(eq(creditNotes.id, id), isNull(creditNotes.pdfSha256), isNotNull(creditNotes.creditNoteNumber))),
    PDF_RECORDED,
    "The credit note's PDF was recorded meanwhile",
  );
}

export const claimCreditNoteNumber = (changes: ChangeSet, prefix: string): string => changes.claimNumber(CREDIT_NOTE_COUNTER, { prefix: `${prefix}-CN-`, width: 6 });

/** The code of the one guard of a credit note's batch: the invoice is creditable and no line is over-credited. */
export const CREDIT_GUARD = "credit_guard";

/**
 * The note and its lines, then ONE guard (a batch names its first guard's code): the invoice is still
 * FINAL or SENT, and for every line it credits, the DRAFT and FINAL notes' lines together (this one
 * included) stay within the invoice line's amount.
 */
export function insertCreditNote(changes: ChangeSet, note: StoredCreditNote, amountsMinor: Map<string, string>) {
  const { lines, ...row } = note;
  changes.add(changes.orm.insert(creditNotes).values(row));
  for (const l of lines) {
    // The minor units go in as text: SQLite's INTEGER affinity stores them as exact 64-bit integers.
    changes.add(changes.orm.insert(creditNoteLines).values({ ...l, creditNoteId: note.id, amountMinor: amountsMinor.get(l.id) as unknown as number }));
  }
  const lineIds = [...new Set(lines.map((l) => l.invoiceLineId))];
  const within = lineIds.map(
    () =>
      "(SELECT COALESCE(SUM(cl.amount_minor), 0) FROM credit_note_lines cl JOIN credit_notes cn ON cn.id = cl.credit_note_id WHERE cl.invoice_line_id = ? AND cn.status IN ('DRAFT', 'FINAL')) <= (SELECT amount_minor FROM invoice_lines WHERE invoice_id = ? AND id = ?)",
  );
  changes.require(
    `SELECT EXISTS (SELECT 1 FROM invoices WHERE id = ? AND status IN ('FINAL', 'SENT'))${within.map((w) => ` AND ${w}`).join("")}`,
    [note.invoiceId, ...lineIds.flatMap((id) => [id, note.invoiceId, id])],
    CREDIT_GUARD,
    "The invoice changed meanwhile",
  );
}

export function updateCreditNote(changes: ChangeSet, before: StoredCreditNote, after: StoredCreditNote, code = "rev_conflict") {
  const { lines: _lines, id: _id, createdAt: _createdAt, ...row } = after;
  changes.guard(
    changes.orm
      .update(creditNotes)
      .set({ ...row, creditNoteNumber: row.creditNoteNumber === null ? null : changes.claimedOr(row.creditNoteNumber) })
      .where(and(eq(creditNotes.id, before.id), eq(creditNotes.rev, before.rev), eq(creditNotes.status, before.status))),
    code,
    `Credit note ${before.creditNoteNumber ?? before.id} changed since revision ${before.rev}; reload and try again`,
  );
}
