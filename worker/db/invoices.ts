// Invoices of one entity: loading, the API view, and the rows of each change.
import { and, desc, eq, getTableColumns, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import type { ChangeSet } from "./changes.ts";
import { allOf, orm, placeholders, rawColumns, template } from "./orm.ts";
import { page, type Page } from "./paging.ts";
import { creditNotes, customers, invoiceLines, invoices, merchant as merchantTable, taxRates } from "./schema/entity.ts";
import { customerColumns, type Customer } from "./customers.ts";
import { MERCHANT_ROW, merchantOf, type Merchant } from "./merchant.ts";
import type { TaxRate } from "./tax-rates.ts";
import type { EntityRecord } from "../env.ts";
import type { Address, TaxStatus } from "./customers.ts";
import { amountDue, type InvoiceStatus } from "../domain/invoice.ts";
import { subtractMoney, sumMoney } from "../domain/money.ts";

/** The buyer as the final invoice names them, frozen at finalize. */
export interface CustomerSnapshot {
  id: string;
  legalName: string;
  email: string;
  country: string;
  taxStatus: TaxStatus;
  taxId: string | null;
  address: Address | null;
  addressLines: string[];
}

/** The seller as the final invoice names them, frozen at finalize (the logo is in the stored PDF). */
export interface MerchantSnapshot {
  name: string;
  legalName: string;
  country: string;
  address: Address | null;
  addressLines: string[];
  taxIds: string[];
  email: string | null;
  bankDetails: string[];
  brandColor: string | null;
}

export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceLineRow = Omit<typeof invoiceLines.$inferSelect, "invoiceId">;
export type StoredInvoice = InvoiceRow & { lines: InvoiceLineRow[] };

const byPosition = (a: { position: number }, b: { position: number }) => a.position - b.position;
const { invoiceId: _invoiceId, ...lineColumns } = getTableColumns(invoiceLines);

/** The invoice, its lines and the totals of its FINAL credit notes, in one round trip. */
export async function loadInvoice(db: D1Database, id: string): Promise<{ invoice: StoredInvoice; credited: string } | null> {
  const d = orm(db);
  const [[row], lines, credits] = await d.batch([
    d.select().from(invoices).where(eq(invoices.id, id)),
    d.select(lineColumns).from(invoiceLines).where(eq(invoiceLines.invoiceId, id)),
    d.select({ total: creditNotes.total }).from(creditNotes).where(and(eq(creditNotes.invoiceId, id), eq(creditNotes.status, "FINAL"))),
  ]);
  if (!row) return null;
  return { invoice: { ...row, lines: lines.sort(byPosition) }, credited: sumMoney(credits.map((c) => c.total).concat("0"), row.currency) };
}

/**
 * What finalizing reads, in one round trip: the invoice and its lines, its customer, the merchant's
 * details and the tax rates its lines name (finalize then writes in one more).
 */
/** The rows a finalize reads, as D1 answers them (mapped by `loadForFinalize`, which needs the entity). */
export type FinalizeRows = Record<string, unknown>[][];

/** A finalize's one read batch (a route may start it alongside the credential check: api/early-reads.ts). */
export async function readForFinalize(db: D1Database, id: string): Promise<FinalizeRows> {
  // Raw statements with each column's own mapping (orm.ts rawColumns): 30 finalizations at once were
  // paying more CPU for drizzle's query building and row mapping than for the read itself.
  return (
    await db.batch<Record<string, unknown>>([
      db.prepare(`SELECT ${FINALIZE.invoice.list} FROM invoices i WHERE i.id = ?`).bind(id),
      db.prepare(`SELECT ${FINALIZE.line.list} FROM invoice_lines l WHERE l.invoice_id = ?`).bind(id),
      db.prepare(`SELECT ${FINALIZE.customer.list} FROM customers c WHERE c.id IN (SELECT customer_id FROM invoices WHERE id = ?)`).bind(id),
      db.prepare(`SELECT ${FINALIZE.merchant.list} FROM merchant m WHERE m.id = ?`).bind(MERCHANT_ROW),
      db.prepare(`SELECT ${FINALIZE.rate.list} FROM tax_rates t WHERE t.id IN (SELECT tax_rate_id FROM invoice_lines WHERE invoice_id = ?)`).bind(id),
    ])
  ).map((r) => r.results ?? []);
}

export async function loadForFinalize(
  db: D1Database,
  id: string,
  entity: EntityRecord,
  early?: Promise<FinalizeRows>,
): Promise<{ invoice: StoredInvoice; customer: Customer | null; merchant: Merchant; rates: Map<string, TaxRate> } | null> {
  const [invoiceRows, lineRows, customerRows, merchantRows, rateRows] = await (early ?? readForFinalize(db, id));
  if (!invoiceRows.length) return null;
  const row = FINALIZE.invoice.row(invoiceRows[0]);
  const lines = lineRows.map((l) => FINALIZE.line.row(l)).sort(byPosition);
  const customer = customerRows.length ? (FINALIZE.customer.row(customerRows[0]) as Customer) : null;
  const merchantRow = merchantRows.length ? FINALIZE.merchant.row(merchantRows[0]) : undefined;
  const rates = rateRows.map((r) => FINALIZE.rate.row(r) as TaxRate);
  return { invoice: { ...row, lines }, customer, merchant: merchantOf(merchantRow, entity), rates: new Map(rates.map((r) => [r.id, r])) };
}

const FINALIZE = {
  invoice: rawColumns(getTableColumns(invoices), "i"),
  line: rawColumns(lineColumns, "l"),
  customer: rawColumns(customerColumns, "c"),
  merchant: rawColumns(getTableColumns(merchantTable), "m"),
  rate: rawColumns(getTableColumns(taxRates), "t"),
};

export async function findInvoiceByToken(db: D1Database, token: string) {
  const row = await orm(db).select({ id: invoices.id }).from(invoices).where(eq(invoices.publicToken, token)).get();
  return row ? loadInvoice(db, row.id) : null;
}

export async function listInvoices(
  db: D1Database,
  o: { limit: number; after?: string; status?: InvoiceStatus; customerId?: string },
): Promise<Page<{ invoice: StoredInvoice; credited: string }>> {
  const d = orm(db);
  const rows = await page(invoices.id, o, (cursor, take) =>
    d
      .select()
      .from(invoices)
      .where(allOf(cursor, o.status && eq(invoices.status, o.status), o.customerId && eq(invoices.customerId, o.customerId)))
      .orderBy(desc(invoices.id))
      .limit(take),
  );
  const ids = rows.items.map((r) => r.id);
  const [lines, credits] = ids.length
    ? await d.batch([
        d.select().from(invoiceLines).where(inArray(invoiceLines.invoiceId, ids)),
        d.select({ invoiceId: creditNotes.invoiceId, total: creditNotes.total }).from(creditNotes).where(and(inArray(creditNotes.invoiceId, ids), eq(creditNotes.status, "FINAL"))),
      ])
    : [[], []];
  return {
    items: rows.items.map((r) => ({
      invoice: { ...r, lines: lines.filter((l) => l.invoiceId === r.id).map(({ invoiceId: _, ...l }) => l).sort(byPosition) },
      credited: sumMoney(credits.filter((c) => c.invoiceId === r.id).map((c) => c.total).concat("0"), r.currency),
    })),
    after: rows.after,
  };
}

/** The numbers of these invoices, in one query (credit-note lists name the invoice they credit). */
export async function invoiceNumbers(db: D1Database, ids: string[]): Promise<Map<string, string | null>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  const rows = await orm(db).select({ id: invoices.id, invoiceNumber: invoices.invoiceNumber }).from(invoices).where(inArray(invoices.id, wanted));
  return new Map(rows.map((r) => [r.id, r.invoiceNumber]));
}

/** The invoice as the API shows it (API.md "Billing runs, invoices, credit notes"). */
export function invoiceView(invoice: StoredInvoice, credited: string, origin: string | null) {
  const c = invoice.currency;
  return {
    id: invoice.id,
    object: "invoice" as const,
    invoiceNumber: invoice.invoiceNumber,
    status: invoice.status,
    paymentStatus: invoice.paymentStatus,
    customerId: invoice.customerId,
    currency: c,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    paymentTermDays: invoice.paymentTermDays,
    lines: invoice.lines.map((l) => ({
      id: l.id,
      title: l.title,
      description: l.description,
      quantity: l.quantity,
      rate: l.rate,
      amount: l.amount,
      taxRateId: l.taxRateId,
      taxRate: l.taxRate,
      tax: l.tax,
      priceId: l.priceId,
      servicePeriod: l.servicePeriodStart && l.servicePeriodEnd ? { start: l.servicePeriodStart, end: l.servicePeriodEnd } : null,
    })),
    subtotal: invoice.subtotal,
    tax: invoice.tax,
    total: invoice.total,
    amountPaid: invoice.amountPaid,
    amountCredited: sumMoney([credited], c),
    // A draft or a voided invoice asks for nothing.
    amountDue: invoice.status === "FINAL" || invoice.status === "SENT" ? amountDue(invoice.total, invoice.amountPaid, credited, c) : subtractMoney("0", "0", c),
    taxSummary: invoice.taxSummary,
    notes: invoice.notes,
    customer: invoice.customerSnapshot,
    merchant: invoice.merchantSnapshot,
    billingScheduleId: invoice.billingScheduleId,
    billingPeriod: invoice.billingPeriodStart && invoice.billingPeriodEnd ? { start: invoice.billingPeriodStart, end: invoice.billingPeriodEnd } : null,
    publicUrl: invoice.publicToken && origin ? `${origin}/i/${invoice.publicToken}` : null,
    pdfSha256: invoice.pdfSha256,
    finalizedAt: invoice.finalizedAt,
    sentAt: invoice.sentAt,
    voidedAt: invoice.voidedAt,
    createdAt: invoice.createdAt,
    updatedAt: invoice.updatedAt,
    rev: invoice.rev,
  };
}
export type InvoiceView = ReturnType<typeof invoiceView>;

// ---- writes ----

const INVOICE_NUMBER = "invoice_number";

/** The merchant's prefix + a gapless per-entity sequence (ACME-UK-000042), claimed inside the batch. */
export const claimInvoiceNumber = (changes: ChangeSet, prefix: string): string => changes.claimNumber(INVOICE_NUMBER, { prefix: `${prefix}-`, width: 6 });

export const INVOICE_COUNTER = INVOICE_NUMBER;

/** A final document's PDF was recorded already (the first drawing stays the document's). */
export const PDF_RECORDED = "pdf_recorded";

/** Record a final invoice's stored PDF, once (guarded on there being none yet). */
export function recordInvoicePdf(changes: ChangeSet, id: string, pdf: { key: string; sha256: string }) {
  changes.guard(
    changes.orm.update(invoices).set({ pdfKey: pdf.key, pdfSha256: pdf.sha256 }).where(and(eq(invoices.id, id), isNull(invoices.pdfSha256), isNotNull(invoices.invoiceNumber))),
    PDF_RECORDED,
    "The invoice's PDF was recorded meanwhile",
  );
}

function lineRows(changes: ChangeSet, invoiceId: string, lines: InvoiceLineRow[]) {
  return lines.map((l) => changes.orm.insert(invoiceLines).values({ ...l, invoiceId }));
}

export function insertInvoice(changes: ChangeSet, invoice: StoredInvoice) {
  const { lines, ...row } = invoice;
  changes.add(changes.orm.insert(invoices).values({ ...row, invoiceNumber: row.invoiceNumber === null ? null : changes.claimedOr(row.invoiceNumber) }), ...lineRows(changes, invoice.id, lines));
}

/**
 * Store `after` over `before`, guarded on its revision and status (a concurrent change makes this a
 * 409 `code`, with nothing written). `replaceLines`: the lines are written anew.
 */
export function updateInvoice(changes: ChangeSet, before: StoredInvoice, after: StoredInvoice, options: { replaceLines?: boolean; code?: string; extraWhere?: SQL } = {}) {
  const { lines, id: _id, createdAt: _createdAt, ...row } = after;
  const claim = row.invoiceNumber === null ? null : changes.claimOf(row.invoiceNumber);
  if (claim && options.replaceLines && !options.extraWhere) {
    // Finalize's write (a number claimed, the lines written anew): statements rendered once and bound.
    changes.guard(
      updateClaimedTemplate(changes.db, { ...row, numberFormat: claim.format, numberCounter: claim.counter, whereId: before.id, whereRev: before.rev, whereStatus: before.status }),
      options.code ?? "rev_conflict",
      `Invoice ${before.invoiceNumber ?? before.id} changed since revision ${before.rev}; reload and try again`,
    );
    // Lines priced at finalize exactly as the draft stored them stay as they are: nothing to rewrite.
    if (sameLines(lines, before.lines)) return;
    changes.add(deleteLinesTemplate(changes.db, { invoiceId: before.id }), ...lines.map((l) => insertLineTemplate(changes.db, { ...l, invoiceId: before.id })));
    return;
  }
  changes.guard(
    changes.orm
      .update(invoices)
      .set({ ...row, invoiceNumber: row.invoiceNumber === null ? null : changes.claimedOr(row.invoiceNumber) })
      .where(allOf(eq(invoices.id, before.id), eq(invoices.rev, before.rev), eq(invoices.status, before.status), options.extraWhere)),
    options.code ?? "rev_conflict",
    `Invoice ${before.invoiceNumber ?? before.id} changed since revision ${before.rev}; reload and try again`,
  );
  if (options.replaceLines) {
    changes.add(changes.orm.delete(invoiceLines).where(eq(invoiceLines.invoiceId, before.id)), ...lineRows(changes, before.id, lines));
  } else {
    // Taxes are recomputed at finalize (the buyer's tax status then): only changed lines are written.
    const old = new Map(before.lines.map((l) => [l.id, l]));
    for (const l of lines) {
      if (JSON.stringify(old.get(l.id)) !== JSON.stringify(l)) {
        changes.add(changes.orm.update(invoiceLines).set({ taxRate: l.taxRate, tax: l.tax, taxRateId: l.taxRateId }).where(and(eq(invoiceLines.invoiceId, before.id), eq(invoiceLines.id, l.id))));
      }
    }
  }
}

const LINE_FIELDS = Object.keys(getTableColumns(invoiceLines)).filter((k) => k !== "invoiceId") as (keyof StoredInvoice["lines"][number])[];

/** The same lines, field by field and in the same order (minor units compared as numbers: pricing gives them as text). */
function sameLines(a: StoredInvoice["lines"], b: StoredInvoice["lines"]): boolean {
  const same = (x: unknown, y: unknown) => x === y || (x != null && y != null && String(x) === String(y));
  return a.length === b.length && a.every((line, i) => LINE_FIELDS.every((k) => same(line[k], b[i]![k])));
}

const { id: _updateId, createdAt: _updateCreatedAt, invoiceNumber: _updateNumber, ...updatableColumns } = getTableColumns(invoices);
const updateClaimedTemplate = template((d) =>
  d
    .update(invoices)
    .set({
      ...placeholders(Object.keys(updatableColumns) as (keyof typeof updatableColumns)[]),
      invoiceNumber: sql`(SELECT printf(${sql.placeholder("numberFormat")}, value) FROM counters WHERE name = ${sql.placeholder("numberCounter")})`,
    } as never)
    .where(and(eq(invoices.id, sql.placeholder("whereId")), eq(invoices.rev, sql.placeholder("whereRev")), eq(invoices.status, sql.placeholder("whereStatus")))),
);
const deleteLinesTemplate = template((d) => d.delete(invoiceLines).where(eq(invoiceLines.invoiceId, sql.placeholder("invoiceId"))));
const insertLineTemplate = template((d) => d.insert(invoiceLines).values(placeholders(Object.keys(getTableColumns(invoiceLines)) as (keyof typeof invoiceLines.$inferInsert)[]) as never));
