// What a new quote reads, without a read on the hot path: its prices and the approval workflow.
//
// Prices: a price never changes once created (there is no
// price PATCH) except for being archived and unarchived, and its product's name can change: so a
// per-isolate copy of LIVE prices is exact in everything but those two facts, and the quote's own batch
// re-checks both (`livePrices`). A copy that is wrong there fails the batch, which writes nothing;
// the caller then reads the prices and tries again. The same guard closes the race of a price archived
// between the read and the write.
// The workflow: a per-isolate copy of the newest version, and the batch requires that version to be
// still the newest (`workflowAt`).
import type { ApprovalWorkflow } from "../domain/approval.ts";
import type { QuotePrice } from "../domain/quote.ts";
import { currentWorkflow } from "./approvals.ts";
import type { GuardCondition } from "./customers.ts";
import { pricesForLines } from "./quotes.ts";

/** Bounded: the oldest entries go first (a Map iterates in insertion order). */
const MAX_ENTRIES = 2000;
const cache = new Map<string, QuotePrice>();
const keyOf = (entityId: string, priceId: string) => `${entityId}\u0000${priceId}`;

/** The prices of `priceIds`: from the copy when every one is there, else read (and remembered when live). */
export async function cachedPrices(db: D1Database, entityId: string, priceIds: string[]): Promise<{ prices: Map<string, QuotePrice>; fromCache: boolean }> {
  const ids = [...new Set(priceIds)];
  const hits = ids.map((id) => cache.get(keyOf(entityId, id)));
  if (ids.length > 0 && hits.every((p) => p !== undefined)) return { prices: new Map(hits.map((p) => [p!.id, p!])), fromCache: true };
  const prices = await pricesForLines(db, ids);
  for (const price of prices.values()) remember(entityId, price);
  return { prices, fromCache: false };
}

function remember(entityId: string, price: QuotePrice) {
  const key = keyOf(entityId, price.id);
  cache.delete(key);
  if (price.archivedAt) return;
  cache.set(key, price);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
}

/** Forget the copies of these prices (after the batch found one of them stale). */
export function forgetPrices(entityId: string, priceIds: Iterable<string>) {
  for (const id of priceIds) cache.delete(keyOf(entityId, id));
}

/** True while every price is still live and its product still has the name the quote's event shows. */
export function livePrices(prices: Map<string, QuotePrice>): GuardCondition {
  if (prices.size === 0) return { sql: "1", params: [] };
  const expected = JSON.stringify([...prices.values()].map((p) => [p.id, p.productName ?? null]));
  return {
    sql: `(SELECT COUNT(*) FROM json_each(?) AS j
       JOIN prices AS p ON p.id = json_extract(j.value, '$[0]') AND p.archived_at IS NULL
       JOIN products AS pr ON pr.id = p.product_id AND pr.name IS json_extract(j.value, '$[1]')) = ?`,
    params: [expected, prices.size],
  };
}

const workflows = new Map<string, { version: number; workflow: ApprovalWorkflow }>();

/** The entity's newest workflow and its version: the copy, or read (and remembered). */
export async function cachedWorkflow(db: D1Database, entityId: string): Promise<{ version: number; workflow: ApprovalWorkflow; fromCache: boolean }> {
  const copy = workflows.get(entityId);
  if (copy) return { ...copy, fromCache: true };
  const { version, updatedAt: _, ...workflow } = await currentWorkflow(db);
  workflows.set(entityId, { version, workflow });
  return { version, workflow, fromCache: false };
}

export function forgetWorkflow(entityId: string) {
  workflows.delete(entityId);
}

/** True while the workflow the quote's view was computed with is still the newest version. */
export const workflowAt = (version: number): GuardCondition => ({ sql: "(SELECT COALESCE(MAX(version), 0) FROM approval_workflows) = ?", params: [version] });
