// A quote with everything its view needs, in ONE round trip: the row, its lines, the prices its lines
// name, its customer's name, and its approval context (the workflow, its latest submission, the open
// tasks). Every quote action starts here (get, publish, submit, withdraw, decide), so it is the hot
// path's first read: raw statements with each column's own mapping (orm.ts rawColumns), because
// drizzle's query building and row mapping cost this read more CPU than D1 took to answer it.
import { getTableColumns } from "drizzle-orm";
import type { QuotePrice } from "../domain/quote.ts";
import { rawColumns } from "./orm.ts";
import { byPosition, lineColumns, type StoredQuote } from "./quotes.ts";
import { approvalSubmissions, approvalTasks, approvalWorkflows, prices, quotes } from "./schema/entity.ts";
import { approvalFrom, type ApprovalContext } from "./tasks.ts";

const VIEW = {
  quote: rawColumns(getTableColumns(quotes), "q"),
  line: rawColumns(lineColumns, "l"),
  price: rawColumns(getTableColumns(prices), "p"),
  workflow: rawColumns(getTableColumns(approvalWorkflows), "w"),
  submission: rawColumns(getTableColumns(approvalSubmissions), "s"),
  task: rawColumns(getTableColumns(approvalTasks), "t"),
};

const SQL = {
  quote: `SELECT ${VIEW.quote.list} FROM quotes q WHERE q.id = ?1`,
  lines: `SELECT ${VIEW.line.list} FROM quote_lines l WHERE l.quote_id = ?1`,
  // Aliased: products.name would otherwise overwrite prices.name in the row.
  prices: `SELECT ${VIEW.price.list}, pr."name" AS product_name FROM prices p JOIN products pr ON pr.id = p.product_id WHERE p.id IN (SELECT price_id FROM quote_lines WHERE quote_id = ?1)`,
  customer: `SELECT c.legal_name FROM customers c WHERE c.id = (SELECT customer_id FROM quotes WHERE id = ?1)`,
  workflow: `SELECT ${VIEW.workflow.list} FROM approval_workflows w ORDER BY w.version DESC LIMIT 1`,
  submission: `SELECT ${VIEW.submission.list} FROM approval_submissions s WHERE s.quote_id = ?1 ORDER BY s.id DESC LIMIT 1`,
  tasks: `SELECT ${VIEW.task.list} FROM approval_tasks t WHERE t.quote_id = ?1 AND t.status = 'OPEN'`,
};

export async function loadQuoteForView(db: D1Database, id: string): Promise<{ quote: StoredQuote; prices: Map<string, QuotePrice>; approval: ApprovalContext; customer: { legalName: string } | null } | null> {
  const [quoteRows, lineRows, priceRows, customerRows, workflowRows, submissionRows, taskRows] = (
    await db.batch<Record<string, unknown>>([
      db.prepare(SQL.quote).bind(id),
      db.prepare(SQL.lines).bind(id),
      db.prepare(SQL.prices).bind(id),
      db.prepare(SQL.customer).bind(id),
      db.prepare(SQL.workflow),
      db.prepare(SQL.submission).bind(id),
      db.prepare(SQL.tasks).bind(id),
    ])
  ).map((r) => r.results ?? []);
  if (!quoteRows.length) return null;
  const quote = VIEW.quote.row(quoteRows[0]);
  return {
    quote: { ...quote, lines: lineRows.map((l) => VIEW.line.row(l)).sort(byPosition) },
    prices: new Map(priceRows.map((p) => [p.id as string, { ...VIEW.price.row(p), productName: p.product_name as string }])),
    approval: approvalFrom([workflowRows.map((w) => VIEW.workflow.row(w)), submissionRows.map((s) => VIEW.submission.row(s)), taskRows.map((t) => VIEW.task.row(t))]),
    customer: customerRows.length ? { legalName: customerRows[0].legal_name as string } : null,
  };
}
