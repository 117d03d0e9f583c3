// The catalog lifecycle (API.md "products", "prices", "pricing preview"). Prices are immutable:
// archive one and create another to change a price.
import type { ChangeSet } from "../db/changes.ts";
import * as db from "../db/catalog.ts";
import type { Price, PriceInput, Product, ProductInput } from "../db/catalog.ts";
import type { Page } from "../db/paging.ts";
import { DomainError, notFound, type ErrorDetail } from "../domain/errors.ts";
import { priceAmount, PricingError, type PriceStructure } from "../domain/pricing.ts";
import { assertRev, changeSetOf, commit, retryOn, type ActionContext } from "./context.ts";

export async function getProduct(ctx: ActionContext, id: string): Promise<Product> {
  const product = await db.getProduct(ctx.db, id);
  if (!product) throw notFound("Product");
  return product;
}

export function listProducts(ctx: ActionContext, query: { limit: number; after?: string; q?: string; includeArchived?: boolean }): Promise<Page<Product>> {
  return db.listProducts(ctx.db, query);
}

export function createProduct(ctx: ActionContext, input: ProductInput): Promise<Product> {
  const changes = changeSetOf(ctx);
  return commit(ctx, changes, db.createProduct(changes, input));
}

export async function updateProduct(ctx: ActionContext, id: string, patch: Partial<ProductInput>, expectedRev?: number): Promise<Product> {
  const before = await getProduct(ctx, id);
  assertRev(before, expectedRev, "Product");
  if (before.archivedAt) throw new DomainError("invalid_state", "An archived product cannot be changed");
  const changes = changeSetOf(ctx);
  return commit(ctx, changes, db.updateProduct(changes, before, patch));
}

/** Every live price of a product, however many. */
async function livePricesOf(ctx: ActionContext, productId: string): Promise<Price[]> {
  const prices: Price[] = [];
  let after: string | undefined;
  do {
    const page = await db.listPrices(ctx.db, { limit: 100, after, productId });
    prices.push(...page.items);
    after = page.after ?? undefined;
  } while (after);
  return prices;
}

/**
 * Archive a product and every one of its live prices, in one batch. The batch also requires that
 * no live price is left, so a price created between our read and our write makes it a conflict,
 * and we read again.
 */
export function archiveProduct(ctx: ActionContext, id: string): Promise<Product> {
  return retryOn("rev_conflict", async () => {
    const before = await getProduct(ctx, id);
    if (before.archivedAt) throw new DomainError("invalid_state", "Product is already archived");
    const changes = changeSetOf(ctx);
    const product = db.archiveProduct(changes, before);
    for (const price of await livePricesOf(ctx, id)) db.archivePrice(changes, price);
    requireNoLivePrices(changes, id);
    return commit(ctx, changes, product);
  });
}

function requireNoLivePrices(changes: ChangeSet, productId: string) {
  changes.require(
    "SELECT COUNT(*) = 0 FROM prices WHERE product_id = ? AND archived_at IS NULL",
    [productId],
    "rev_conflict",
    `Product ${productId} got a new price while it was being archived; try again`,
  );
}

/** Undo an archive: the product and the prices archived with it (at the same moment) are live again. */
export async function unarchiveProduct(ctx: ActionContext, id: string): Promise<Product> {
  const before = await getProduct(ctx, id);
  if (!before.archivedAt) throw new DomainError("invalid_state", "Product is not archived");
  const archivedWith: Price[] = [];
  let after: string | undefined;
  do {
    const page = await db.listPrices(ctx.db, { limit: 100, after, productId: id, includeArchived: true });
    archivedWith.push(...page.items.filter((p) => p.archivedAt === before.archivedAt));
    after = page.after ?? undefined;
  } while (after);
  const changes = changeSetOf(ctx);
  const product = db.unarchiveProduct(changes, before);
  for (const price of archivedWith) db.unarchivePrice(changes, price);
  return commit(ctx, changes, product);
}

export async function getPrice(ctx: ActionContext, id: string): Promise<Price> {
  const price = await db.getPrice(ctx.db, id);
  if (!price) throw notFound("Price");
  return price;
}

export function listPrices(ctx: ActionContext, query: { limit: number; after?: string; productId?: string; currency?: string; includeArchived?: boolean }): Promise<Page<Price>> {
  return db.listPrices(ctx.db, query);
}

export async function createPrice(ctx: ActionContext, input: PriceInput): Promise<Price> {
  const product = await db.getProduct(ctx.db, input.productId);
  if (!product) throw notFound("Product", [{ path: "productId", message: "No such product in this entity" }]);
  if (product.archivedAt) throw new DomainError("invalid_state", "Product is archived; prices cannot be added to it");
  const changes = changeSetOf(ctx);
  return commit(ctx, changes, db.createPrice(changes, input));
}

export async function archivePrice(ctx: ActionContext, id: string): Promise<Price> {
  const before = await getPrice(ctx, id);
  if (before.archivedAt) throw new DomainError("invalid_state", "Price is already archived");
  const changes = changeSetOf(ctx);
  return commit(ctx, changes, db.archivePrice(changes, before));
}

/** The pure price of one quantity for one billing period. */
export function preview(input: { currency: string; structure: PriceStructure; quantity: string }): { amount: string; currency: string } {
  try {
    return { amount: priceAmount(input.structure, input.quantity, input.currency), currency: input.currency };
  } catch (error) {
    pricingFailure(error);
  }
}

/** The engine's refusals in the contract's words: a bad quantity is input, an absurd amount a rule. */
export function pricingFailure(error: unknown, path = "quantity"): never {
  if (error instanceof PricingError) {
    const details: ErrorDetail[] = error.details.length
      ? error.details.map((d) => ({ path: d.path ? `${path}${d.path.startsWith(".") ? "" : "."}${d.path}` : path, message: d.message }))
      : [{ path, message: error.message }];
    if (error.code === "amount_out_of_range") throw new DomainError("amount_out_of_range", error.message, details);
    throw new DomainError("invalid_request", error.message, error.code === "invalid_quantity" ? [{ path, message: error.message }] : details);
  }
  throw error;
}
