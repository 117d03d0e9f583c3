// Quotes of one entity: loading, the API view (with exact amounts), and the rows of each change.
import type { ChangeSet } from "./changes.ts";
import { priceFromRow, type Price } from "./catalog.ts";
import type { EntityRecord } from "../env.ts";
import { pageOf, type Page } from "./paging.ts";
import {
  quoteTotals,
  type ApprovalStatus,
  type DealType,
  type Discount,
  type QuoteContent,
  type QuoteLine,
  type QuotePrice,
  type QuoteStatus,
  type QuoteTotals,
} from "../domain/quote.ts";

export interface StoredQuote extends QuoteContent {
  id: string;
  quoteNumber: string;
  customerId: string;
  status: QuoteStatus;
  approvalStatus: ApprovalStatus;
  approvedRev: number | null;
  version: number;
  publishedVersion: number | null;
  publicToken: string | null;
  publishedAt: string | null;
  expiresAt: string | null;
  acceptedAt: string | null;
  acceptedBy: { name: string; email: string } | null;
  archivedAt: string | null;
  billingScheduleId: string | null;
  totals: QuoteTotals;
  createdAt: string;
  updatedAt: string;
  rev: number;
}

interface QuoteRow {
  id: string;
  quote_number: string;
  customer_id: string;
  title: string;
  currency: string;
  deal_type: DealType;
  expiry_days: number | null;
  notes: string | null;
  status: QuoteStatus;
  approval_status: ApprovalStatus;
  approved_rev: number | null;
  version: number;
  published_version: number | null;
  public_token: string | null;
  published_at: string | null;
  expires_at: string | null;
  accepted_at: string | null;
  accepted_by: string | null;
  archived_at: string | null;
  billing_schedule_id: string | null;
  totals: string;
  created_at: string;
  updated_at: string;
  rev: number;
}

interface LineRow {
  quote_id: string;
  id: string;
  position: string;
  price_id: string;
  quantity: string;
  discount: string | null;
  description: string | null;
}

const lineFromRow = (r: LineRow): QuoteLine => ({
  id: r.id,
  position: r.position,
  priceId: r.price_id,
  quantity: r.quantity,
  discount: r.discount ? (JSON.parse(r.discount) as Discount) : null,
  description: r.description,
});

function quoteFromRow(r: QuoteRow, lines: QuoteLine[]): StoredQuote {
  return {
    id: r.id,
    quoteNumber: r.quote_number,
    customerId: r.customer_id,
    title: r.title,
    currency: r.currency,
    dealType: r.deal_type,
    expiryDays: r.expiry_days,
    notes: r.notes,
    status: r.status,
    approvalStatus: r.approval_status,
    approvedRev: r.approved_rev,
    version: r.version,
    publishedVersion: r.published_version,
    publicToken: r.public_token,
    publishedAt: r.published_at,
    expiresAt: r.expires_at,
    acceptedAt: r.accepted_at,
    acceptedBy: r.accepted_by ? (JSON.parse(r.accepted_by) as { name: string; email: string }) : null,
    archivedAt: r.archived_at,
    billingScheduleId: r.billing_schedule_id,
    totals: JSON.parse(r.totals) as QuoteTotals,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    rev: r.rev,
    lines: lines.sort((a, b) => (a.position < b.position ? -1 : 1)),
  };
}

/** The quote and its lines in one round trip. */
export async function loadQuote(db: D1Database, id: string): Promise<StoredQuote | null> {
  const [quote, lines] = await db.batch([
    db.prepare("SELECT * FROM quotes WHERE id = ?").bind(id),
    db.prepare("SELECT * FROM quote_lines WHERE quote_id = ?").bind(id),
  ]);
  const row = quote.results[0] as QuoteRow | undefined;
  return row ? quoteFromRow(row, (lines.results as LineRow[]).map(lineFromRow)) : null;
}

export async function findQuoteByToken(db: D1Database, token: string) {
  const row = await db.prepare("SELECT id FROM quotes WHERE public_token = ?").bind(token).first<{ id: string }>();
  return row ? loadQuote(db, row.id) : null;
}

export async function listQuotes(
  db: D1Database,
  o: { limit: number; after?: string; status?: string; customerId?: string; includeArchived?: boolean },
): Promise<Page<StoredQuote>> {
  const page = await pageOf<QuoteRow>(db, "quotes", {
    limit: o.limit,
    after: o.after,
    filters: [
      !o.includeArchived && { sql: "archived_at IS NULL" },
      o.status && { sql: "status = ?", params: [o.status] },
      o.customerId && { sql: "customer_id = ?", params: [o.customerId] },
    ],
  });
  const rows = page.items;
  const lines = rows.length
    ? (await db.prepare(`SELECT * FROM quote_lines WHERE quote_id IN (${rows.map(() => "?").join(",")})`).bind(...rows.map((r) => r.id)).all<LineRow>()).results
    : [];
  const items = rows.map((r) => quoteFromRow(r, lines.filter((l) => l.quote_id === r.id).map(lineFromRow)));
  return { items, after: page.after };
}


/** The prices of these lines with their product names, in one query. */
export async function pricesForLines(db: D1Database, priceIds: string[]): Promise<Map<string, QuotePrice>> {
  const ids = [...new Set(priceIds)];
  if (ids.length === 0) return new Map();
  const { results } = await db
    .prepare(`SELECT prices.*, products.name AS product_name FROM prices JOIN products ON products.id = prices.product_id WHERE prices.id IN (${ids.map(() => "?").join(",")})`)
    .bind(...ids)
    .all<Parameters<typeof priceFromRow>[0] & { product_name: string }>();
  return new Map(results.map((row) => [row.id, { ...priceFromRow(row), productName: row.product_name }]));
}

/** The quote as the API shows it: each line with its price facts and exact amounts. */
export function quoteView(quote: StoredQuote, prices: Map<string, QuotePrice>, origin: string | null) {
  const { lines: amounts } = quoteTotals(quote.lines, prices, quote.currency);
  return {
    id: quote.id,
    object: "quote" as const,
    quoteNumber: quote.quoteNumber,
    customerId: quote.customerId,
    title: quote.title,
    currency: quote.currency,
    dealType: quote.dealType,
    expiryDays: quote.expiryDays,
    expiresAt: quote.expiresAt,
    notes: quote.notes,
    status: quote.status,
    approvalStatus: quote.approvalStatus,
    version: quote.version,
    publishedVersion: quote.publishedVersion,
    publishedAt: quote.publishedAt,
    publicUrl: quote.publicToken && origin ? `${origin}/q/${quote.publicToken}` : null,
    acceptedAt: quote.acceptedAt,
    acceptedBy: quote.acceptedBy,
    archivedAt: quote.archivedAt,
    billingScheduleId: quote.billingScheduleId,
    rev: quote.rev,
    lines: quote.lines.map((line) => {
      const price = prices.get(line.priceId);
      return {
        id: line.id,
        position: line.position,
        priceId: line.priceId,
        productId: price?.productId ?? null,
        name: price?.productName ? `${price.productName} — ${price.name}` : (price?.name ?? null),
        pricingType: price?.pricingType ?? null,
        billingFrequency: price?.billingFrequency ?? null,
        quantity: line.quantity,
        discount: line.discount,
        description: line.description,
        amounts: amounts.get(line.id)!,
      };
    }),
    totals: quote.totals,
    createdAt: quote.createdAt,
    updatedAt: quote.updatedAt,
  };
}
export type QuoteView = ReturnType<typeof quoteView>;

/** The document the customer link shows, frozen at publish. */
export function publicDocument(view: QuoteView, entity: EntityRecord, customer: { legalName: string; email: string }, seller?: { displayName: string; legalName: string }) {
  return {
    quoteNumber: view.quoteNumber,
    title: view.title,
    currency: view.currency,
    dealType: view.dealType,
    version: view.version,
    publishedAt: view.publishedAt,
    expiresAt: view.expiresAt,
    notes: view.notes,
    seller: { name: seller?.displayName ?? entity.name, legalName: seller?.legalName ?? entity.legalName, country: entity.country },
    customer: { legalName: customer.legalName, email: customer.email },
    lines: view.lines.map((l) => ({
      id: l.id,
      name: l.name,
      description: l.description,
      pricingType: l.pricingType,
      billingFrequency: l.billingFrequency,
      quantity: l.quantity,
      discount: l.discount,
      amounts: l.amounts,
    })),
    totals: view.totals,
  };
}

// ---- writes ----

export async function nextQuoteNumber(db: D1Database): Promise<{ current: number; next: number; number: string }> {
  const row = await db.prepare("SELECT value FROM counters WHERE name = 'quote_number'").first<{ value: number }>();
  const current = row?.value ?? 0;
  return { current, next: current + 1, number: `Q${String(current + 1).padStart(5, "0")}` };
}

/** Claims the number inside the batch; a concurrent claim makes the guard fail and the caller retries. */
export function claimQuoteNumber(changes: ChangeSet, claim: { current: number; next: number }) {
  changes.guard(
    changes.db
      .prepare("INSERT INTO counters (name, value) VALUES ('quote_number', ?1) ON CONFLICT(name) DO UPDATE SET value = ?1 WHERE value = ?2")
      .bind(claim.next, claim.current),
    "number_taken",
    "Another quote took this number; retry",
  );
}

function lineInsert(db: D1Database, quoteId: string, l: QuoteLine) {
  return db
    .prepare("INSERT INTO quote_lines (quote_id, id, position, price_id, quantity, discount, description) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(quoteId, l.id, l.position, l.priceId, l.quantity, l.discount ? JSON.stringify(l.discount) : null, l.description);
}

export function insertQuote(changes: ChangeSet, quote: StoredQuote) {
  changes.add(
    changes.db
      .prepare(
        `INSERT INTO quotes (id, quote_number, customer_id, title, currency, deal_type, expiry_days, notes, status, approval_status,
           version, totals, created_at, updated_at, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(quote.id, quote.quoteNumber, quote.customerId, quote.title, quote.currency, quote.dealType, quote.expiryDays, quote.notes, quote.status, quote.approvalStatus, quote.version, JSON.stringify(quote.totals), quote.createdAt, quote.updatedAt, quote.rev),
    ...quote.lines.map((l) => lineInsert(changes.db, quote.id, l)),
  );
}

/** The stored columns of a quote row, as bound values. */
function quoteColumns(q: StoredQuote): [column: string, value: string | number | null][] {
  return [
    ["customer_id", q.customerId], ["title", q.title], ["currency", q.currency], ["deal_type", q.dealType], ["expiry_days", q.expiryDays],
    ["notes", q.notes], ["status", q.status], ["approval_status", q.approvalStatus], ["approved_rev", q.approvedRev], ["version", q.version],
    ["published_version", q.publishedVersion], ["public_token", q.publicToken], ["published_at", q.publishedAt], ["expires_at", q.expiresAt],
    ["accepted_at", q.acceptedAt], ["accepted_by", q.acceptedBy ? JSON.stringify(q.acceptedBy) : null], ["archived_at", q.archivedAt],
    ["billing_schedule_id", q.billingScheduleId], ["totals", JSON.stringify(q.totals)], ["updated_at", q.updatedAt], ["rev", q.rev],
  ];
}

/** An op batch of this quote, already written: a write chained onto it holds only if it committed. */
export interface WrittenBatch {
  actorId: string;
  clientOpId: string;
}

/**
 * Store `after` over `before`, guarded on `before.rev` and status: a concurrent change makes this a
 * 409 with nothing written. Only changed columns are set (unchanged indexed and foreign-key columns
 * cost nothing), and lines are diffed by id. `chainedOn`: `before` is itself an uncommitted write
 * (co-editing pipelines them) and this one must fail unless that batch is in D1 — a rev number alone
 * could have been reached by someone else's change.
 */
export function updateQuote(changes: ChangeSet, before: StoredQuote, after: StoredQuote, guardCode = "rev_conflict", chainedOn: WrittenBatch | null = null) {
  const db = changes.db;
  const previous = new Map(quoteColumns(before));
  const set = quoteColumns(after).filter(([column, value]) => column === "rev" || previous.get(column) !== value);
  const chained = chainedOn ? " AND EXISTS (SELECT 1 FROM quote_ops WHERE actor_id = ? AND client_op_id = ? AND quote_id = ?)" : "";
  changes.guard(
    db
      .prepare(`UPDATE quotes SET ${set.map(([column]) => `${column} = ?`).join(", ")} WHERE id = ? AND rev = ? AND status = ?${chained}`)
      .bind(
        ...set.map(([, value]) => value),
        before.id, before.rev, before.status,
        ...(chainedOn ? [chainedOn.actorId, chainedOn.clientOpId, before.id] : []),
      ),
    guardCode,
    `Quote ${before.quoteNumber} changed since revision ${before.rev}; reload and try again`,
  );
  const old = new Map(before.lines.map((l) => [l.id, l]));
  const kept = new Set<string>();
  for (const line of after.lines) {
    kept.add(line.id);
    const previous = old.get(line.id);
    if (!previous) changes.add(lineInsert(db, before.id, line));
    else if (JSON.stringify(previous) !== JSON.stringify(line)) {
      changes.add(
        db
          .prepare("UPDATE quote_lines SET position = ?, price_id = ?, quantity = ?, discount = ?, description = ? WHERE quote_id = ? AND id = ?")
          .bind(line.position, line.priceId, line.quantity, line.discount ? JSON.stringify(line.discount) : null, line.description, before.id, line.id),
      );
    }
  }
  for (const id of old.keys()) {
    if (!kept.has(id)) changes.add(db.prepare("DELETE FROM quote_lines WHERE quote_id = ? AND id = ?").bind(before.id, id));
  }
}

/** Re-price the content: totals stored on the quote row, so lists need no pricing. */
export function withTotals(quote: StoredQuote, prices: Map<string, QuotePrice>): StoredQuote {
  return { ...quote, totals: quoteTotals(quote.lines, prices, quote.currency).totals };
}
