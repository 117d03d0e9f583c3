// A quote with everything its view needs, in ONE round trip: the row, its lines, the prices its lines
// name, its customer's name, and its approval context (the workflow, its latest submission, the open
// tasks). Every quote
// action starts here (get, publish, submit, withdraw, decide), so it is the hot path's first read.
import { eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { QuotePrice } from "../domain/quote.ts";
import { orm } from "./orm.ts";
import { byPosition, lineColumns, type StoredQuote } from "./quotes.ts";
import { customers, prices, products, quoteLines, quotes } from "./schema/entity.ts";
import { approvalFrom, approvalQueries, type ApprovalContext } from "./tasks.ts";

export async function loadQuoteForView(db: D1Database, id: string): Promise<{ quote: StoredQuote; prices: Map<string, QuotePrice>; approval: ApprovalContext; customer: { legalName: string } | null } | null> {
  const d = orm(db);
  const [[row], lines, priceRows, [customer], ...approval] = await d.batch([
    d.select().from(quotes).where(eq(quotes.id, id)),
    d.select(lineColumns).from(quoteLines).where(eq(quoteLines.quoteId, id)),
    d
      // Aliased: in a batch rows come back keyed by column name, and products.name would overwrite prices.name.
      .select({ ...getTableColumns(prices), productName: sql<string>`${products.name}`.as("product_name") })
      .from(prices)
      .innerJoin(products, eq(products.id, prices.productId))
      .where(inArray(prices.id, d.select({ id: quoteLines.priceId }).from(quoteLines).where(eq(quoteLines.quoteId, id)))),
    d.select({ legalName: customers.legalName }).from(customers).where(eq(customers.id, d.select({ id: quotes.customerId }).from(quotes).where(eq(quotes.id, id)))),
    ...approvalQueries(d, [id]),
  ]);
  if (!row) return null;
  return {
    quote: { ...row, lines: lines.sort(byPosition) },
    prices: new Map(priceRows.map((p) => [p.id, p])),
    approval: approvalFrom(approval as Parameters<typeof approvalFrom>[0]),
    customer: customer ?? null,
  };
}
