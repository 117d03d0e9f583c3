// Quotes of one entity: loading, the API view (with exact amounts), and the rows of each change.
import { and, desc, eq, exists, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import type { ChangeSet } from "./changes.ts";
import type { EntityRecord } from "../env.ts";
import { allOf, orm, placeholders, template } from "./orm.ts";
import { page, type Page } from "./paging.ts";
import { counters, prices, products, quoteLines, quoteOps, quotes } from "./schema/entity.ts";
import { quoteTotals, type QuoteLine, type QuotePrice, type QuoteStatus } from "../domain/quote.ts";
import { addressLines } from "../domain/address.ts";
import { lineDetail, unitPriceOf } from "../domain/line-label.ts";
import { contractTotals, DEFAULT_CONTRACT_LENGTH_MONTHS } from "../domain/contract.ts";
import type { Merchant } from "./merchant.ts";
import { evaluateWorkflow, quoteFacts } from "../domain/approval.ts";
import { termsApproved } from "../domain/terms.ts";
import type { ApprovalContext } from "./tasks.ts";

/** A quote as stored: its row and its lines (in position order). */
export type StoredQuote = typeof quotes.$inferSelect & { lines: QuoteLine[] };
const { quoteId: _quoteId, ...lineColumns } = getTableColumns(quoteLines);

const byPosition = (a: QuoteLine, b: QuoteLine) => (a.position < b.position ? -1 : 1);

/** The quote and its lines in one round trip. */
export async function loadQuote(db: D1Database, id: string): Promise<StoredQuote | null> {
  const d = orm(db);
  const [[row], lines] = await d.batch([
    d.select().from(quotes).where(eq(quotes.id, id)),
    d.select(lineColumns).from(quoteLines).where(eq(quoteLines.quoteId, id)),
  ]);
  return row ? { ...row, lines: lines.sort(byPosition) } : null;
}

export async function findQuoteByToken(db: D1Database, token: string) {
  const row = await orm(db).select({ id: quotes.id }).from(quotes).where(eq(quotes.publicToken, token)).get();
  return row ? loadQuote(db, row.id) : null;
}

export async function listQuotes(
  db: D1Database,
  o: { limit: number; after?: string; status?: string; customerId?: string; includeArchived?: boolean },
): Promise<Page<StoredQuote>> {
  const d = orm(db);
  const rows = await page(quotes.id, o, (cursor, take) =>
    d
      .select()
      .from(quotes)
      .where(
        allOf(
          cursor,
          !o.includeArchived && isNull(quotes.archivedAt),
          o.status && eq(quotes.status, o.status as QuoteStatus),
          o.customerId && eq(quotes.customerId, o.customerId),
        ),
      )
      .orderBy(desc(quotes.id))
      .limit(take),
  );
  const ids = rows.items.map((r) => r.id);
  const lines = ids.length ? await d.select().from(quoteLines).where(inArray(quoteLines.quoteId, ids)) : [];
  const items = rows.items.map((r) => ({
    ...r,
    lines: lines.filter((l) => l.quoteId === r.id).map(({ quoteId: _, ...line }) => line).sort(byPosition),
  }));
  return { items, after: rows.after };
}

/** The prices of these lines with their product names, in one query. */
export async function pricesForLines(db: D1Database, priceIds: string[]): Promise<Map<string, QuotePrice>> {
  const ids = [...new Set(priceIds)];
  if (ids.length === 0) return new Map();
  const rows = await orm(db)
    .select({ ...getTableColumns(prices), productName: products.name })
    .from(prices)
    .innerJoin(products, eq(products.id, prices.productId))
    .where(inArray(prices.id, ids));
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * The quote as the API shows it: each line with its price facts and exact amounts. The totals are
 * recomputed from the lines (prices are immutable, so they equal what was stored): rows written
 * before the contract figures existed lack them in their stored totals.
 */
export function quoteView(quote: StoredQuote, prices: Map<string, QuotePrice>, origin: string | null, approval: ApprovalContext) {
  const { lines: amounts, totals } = quoteTotals(quote.lines, prices, quote.currency, quote.contractLengthMonths);
  const approved = termsApproved(quote);
  const view = {
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
    startDate: quote.startDate,
    contractLengthMonths: quote.contractLengthMonths,
    totalContractValue: totals.totalContractValue,
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
        productName: price?.productName ?? null,
        priceName: price?.name ?? null,
        pricingType: price?.pricingType ?? null,
        billingFrequency: price?.billingFrequency ?? null,
        billingType: price?.billingType ?? null,
        unitPrice: price ? (unitPriceOf(price.structure)?.unitPrice ?? null) : null,
        unitLabel: price ? (unitPriceOf(price.structure)?.per ?? null) : null,
        detail: price ? lineDetail(price.structure, price.billingFrequency, price.billingType) : null,
        quantity: line.quantity,
        discount: line.discount,
        description: line.description,
        amounts: amounts.get(line.id)!,
      };
    }),
    totals,
    /** The revision whose terms were approved, while the current terms are those. */
    approvedRev: approved ? quote.approvedRev : null,
    termsApproved: approved,
    approvalRequired: false,
    approval: approval.latest.get(quote.id) ?? null,
    createdAt: quote.createdAt,
    updatedAt: quote.updatedAt,
  };
  // Whether the current revision's rule has steps: the web offers Submit and Publish from this alone.
  view.approvalRequired = evaluateWorkflow(approval.workflow, quoteFacts(view)).steps.length > 0;
  return view;
}
export type QuoteView = ReturnType<typeof quoteView>;

/** The seller as a customer's copy names it: the merchant's details (or the entity's registry name). */
export function sellerParty(entity: EntityRecord, seller?: Merchant) {
  const address = seller?.address ?? null;
  return {
    name: seller?.displayName ?? entity.name,
    legalName: seller?.legalName ?? entity.legalName,
    country: entity.country,
    address,
    addressLines: address ? addressLines(address) : [],
    taxIds: (seller?.taxRegistrations ?? []).map((r) => `${r.type ?? "Tax ID"} ${r.taxId}`),
    email: seller?.email ?? null,
  };
}

/** The document the customer link shows, frozen at publish. */
export function publicDocument(view: QuoteView, entity: EntityRecord, customer: { legalName: string; email: string }, seller?: Merchant) {
  return {
    quoteNumber: view.quoteNumber,
    title: view.title,
    currency: view.currency,
    dealType: view.dealType,
    version: view.version,
    publishedAt: view.publishedAt,
    expiresAt: view.expiresAt,
    notes: view.notes,
    startDate: view.startDate,
    contractLengthMonths: view.contractLengthMonths,
    totalContractValue: view.totalContractValue,
    seller: sellerParty(entity, seller),
    customer: { legalName: customer.legalName, email: customer.email },
    lines: view.lines.map((l) => ({
      id: l.id,
      name: l.name,
      /** The product's name: what the customer is buying. */
      title: l.productName ?? l.name,
      /** The price's model and period ("Flat fee · billed monthly in advance"). */
      detail: l.detail,
      productName: l.productName,
      priceName: l.priceName,
      description: l.description,
      pricingType: l.pricingType,
      billingFrequency: l.billingFrequency,
      billingType: l.billingType,
      unitPrice: l.unitPrice,
      unitLabel: l.unitLabel,
      quantity: l.quantity,
      discount: l.discount,
      amounts: l.amounts,
    })),
    totals: view.totals,
  };
}

// ---- writes ----

const QUOTE_NUMBER = "quote_number";

/**
 * The quote's number, claimed inside its batch (gapless per entity, never refused: no read, no retry).
 * Returns the token that stands for it until the batch has run (ChangeSet.claimNumber).
 */
export const claimQuoteNumber = (changes: ChangeSet): string => changes.claimNumber(QUOTE_NUMBER, { prefix: "Q", width: 5 });


// Co-editing writes these per op batch: rendered once (see `template`), bound per line.
const LINE_KEYS = Object.keys(getTableColumns(quoteLines)) as (keyof typeof quoteLines.$inferSelect)[];
const lineInsertTemplate = template((d) => d.insert(quoteLines).values(placeholders(LINE_KEYS)));
const lineWhere = and(eq(quoteLines.quoteId, sql.placeholder("whereQuoteId")), eq(quoteLines.id, sql.placeholder("whereId")));
const lineUpdateTemplate = template((d) =>
  // drizzle types set() without placeholders, but renders them like values (encoded at bind time).
  d.update(quoteLines).set(placeholders(LINE_KEYS.filter((k) => k !== "quoteId" && k !== "id")) as unknown as Partial<typeof quoteLines.$inferInsert>).where(lineWhere),
);
const lineDeleteTemplate = template((d) => d.delete(quoteLines).where(lineWhere));

function lineInsert(changes: ChangeSet, quoteId: string, l: QuoteLine) {
  return lineInsertTemplate(changes.db, { ...l, quoteId });
}

/** The guarded quote update per set of changed columns (and chained or not): a handful of shapes in practice. */
const quoteUpdates = new Map<string, ReturnType<typeof template>>();
function quoteUpdate(columns: string[], chained: boolean) {
  const key = `${columns.join(",")}|${chained}`;
  let t = quoteUpdates.get(key);
  if (!t) {
    t = template((d) =>
      d
        .update(quotes)
        .set(placeholders(columns) as Partial<typeof quotes.$inferInsert>)
        .where(
          and(
            eq(quotes.id, sql.placeholder("whereId")),
            eq(quotes.rev, sql.placeholder("whereRev")),
            eq(quotes.status, sql.placeholder("whereStatus")),
            chained
              ? exists(
                  d
                    .select({ one: sql`1` })
                    .from(quoteOps)
                    .where(
                      and(
                        eq(quoteOps.actorId, sql.placeholder("chainActorId")),
                        eq(quoteOps.clientOpId, sql.placeholder("chainClientOpId")),
                        eq(quoteOps.quoteId, sql.placeholder("whereId")),
                      ),
                    ),
                )
              : undefined,
          ),
        ),
    );
    quoteUpdates.set(key, t);
  }
  return t;
}

/** The quote row and its lines; a number claimed in this batch goes in from the counter, in SQL. */
export function insertQuote(changes: ChangeSet, quote: StoredQuote) {
  const { lines, ...row } = quote;
  changes.add(changes.orm.insert(quotes).values({ ...row, quoteNumber: changes.claimedOr(row.quoteNumber) }), ...lines.map((l) => lineInsert(changes, quote.id, l)));
}

/** What an update may change: every column but the identity and creation ones. */
const UPDATABLE = Object.keys(getTableColumns(quotes)).filter((k) => k !== "id" && k !== "quoteNumber" && k !== "createdAt") as (keyof typeof quotes.$inferSelect)[];
const stored = (value: unknown) => (value !== null && typeof value === "object" ? JSON.stringify(value) : value);

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
  const set: Record<string, unknown> = {};
  for (const key of UPDATABLE) {
    if (key === "rev" || stored(before[key]) !== stored(after[key])) set[key] = after[key];
  }
  changes.guard(
    quoteUpdate(Object.keys(set), chainedOn !== null)(changes.db, {
      ...set,
      whereId: before.id,
      whereRev: before.rev,
      whereStatus: before.status,
      chainActorId: chainedOn?.actorId,
      chainClientOpId: chainedOn?.clientOpId,
    }),
    guardCode,
    `Quote ${before.quoteNumber} changed since revision ${before.rev}; reload and try again`,
  );
  const old = new Map(before.lines.map((l) => [l.id, l]));
  const kept = new Set<string>();
  for (const line of after.lines) {
    kept.add(line.id);
    const previous = old.get(line.id);
    if (!previous) changes.add(lineInsert(changes, before.id, line));
    else if (JSON.stringify(previous) !== JSON.stringify(line)) {
      changes.add(lineUpdateTemplate(changes.db, { ...line, whereQuoteId: before.id, whereId: line.id }));
    }
  }
  for (const id of old.keys()) {
    if (!kept.has(id)) changes.add(lineDeleteTemplate(changes.db, { whereQuoteId: before.id, whereId: id }));
  }
}

/** Re-price the content: totals stored on the quote row, so lists need no pricing. */
export function withTotals(quote: StoredQuote, prices: Map<string, QuotePrice>): StoredQuote {
  return { ...quote, totals: quoteTotals(quote.lines, prices, quote.currency, quote.contractLengthMonths).totals };
}

export type PublicDocument = ReturnType<typeof publicDocument>;
type StoredLine = Partial<PublicDocument["lines"][number]> & Pick<PublicDocument["lines"][number], "id" | "name" | "billingFrequency" | "amounts">;

/**
 * A document frozen before quotes had terms, line titles and the seller's address lacks them. It is
 * completed on read, never rewritten: each line's price facts come from the quote's line of the same
 * id (prices are immutable), the contract figures from its own line totals over the default 12 months
 * every such quote had; the seller block stays as it was sent (no address it did not carry).
 */
export function completeDocument(stored: Record<string, unknown>, pricesByLine: Map<string, QuotePrice>): PublicDocument {
  const doc = stored as Partial<PublicDocument> & { lines: StoredLine[]; currency: string; totals: Partial<PublicDocument["totals"]> };
  if (doc.totals.totalContractValue !== undefined && doc.seller?.addressLines !== undefined && doc.lines.every((l) => l.title !== undefined)) return doc as PublicDocument;
  const lines = doc.lines.map((l) => {
    const price = pricesByLine.get(l.id);
    const unit = price ? unitPriceOf(price.structure) : null;
    return {
      ...l,
      title: l.title ?? price?.productName ?? l.name,
      detail: l.detail ?? (price ? lineDetail(price.structure, price.billingFrequency, price.billingType) : null),
      productName: l.productName ?? price?.productName ?? null,
      priceName: l.priceName ?? price?.name ?? null,
      description: l.description ?? null,
      pricingType: l.pricingType ?? price?.pricingType ?? null,
      billingType: l.billingType ?? price?.billingType ?? null,
      unitPrice: l.unitPrice ?? unit?.unitPrice ?? null,
      unitLabel: l.unitLabel ?? unit?.per ?? null,
      quantity: l.quantity ?? "",
      discount: l.discount ?? null,
    };
  });
  const months = doc.contractLengthMonths ?? DEFAULT_CONTRACT_LENGTH_MONTHS;
  // Arrears lines bill after the first invoice; a line whose price is unknown is taken as billed in advance.
  const contract = contractTotals(
    lines.map((l) => ({ billingFrequency: l.billingFrequency ?? "ONE_TIME", billingType: l.billingType ?? "IN_ADVANCE", total: l.amounts.total })),
    months,
    doc.currency,
  );
  const seller = doc.seller ?? { name: "", legalName: "", country: "" };
  return {
    ...(doc as PublicDocument),
    startDate: doc.startDate ?? null,
    contractLengthMonths: months,
    totalContractValue: doc.totals.totalContractValue ?? contract.totalContractValue,
    seller: { address: null, addressLines: [], taxIds: [], email: null, ...seller },
    lines: lines as PublicDocument["lines"],
    totals: { ...contract, ...doc.totals } as PublicDocument["totals"],
  };
}
