// Products and prices of one entity: reads, and the change rows of each catalog change.
import { and, desc, eq, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import type { ChangeSet } from "./changes.ts";
import { setArchived } from "./archive.ts";
import { newId } from "../lib/crypto.ts";
import { allOf, contains, orm } from "./orm.ts";
import { page, type Page } from "./paging.ts";
import { prices, products } from "./schema/entity.ts";
import type { PriceStructure } from "../domain/pricing.ts";

import type { BillingFrequency, BillingType } from "../domain/billing.ts";
export { BILLING_FREQUENCIES, BILLING_TYPES, type BillingFrequency, type BillingType } from "../domain/billing.ts";

/** A product as the API shows it: its row, without the search column. */
export type Product = Omit<typeof products.$inferSelect, "search">;
const { search: _search, ...productColumns } = getTableColumns(products);

export type Price = typeof prices.$inferSelect;

/**
 * Kept for callers that read raw `prices` rows (snake_case, structure as JSON text); our own reads come
 * typed from drizzle and need no mapping.
 */
export const priceFromRow = (r: {
  id: string; product_id: string; name: string; currency: string; billing_frequency: string; billing_type: string;
  pricing_type: string; structure: string; archived_at: string | null; created_at: string;
}): Price => {
  const fields = getTableColumns(prices);
  const row = Object.fromEntries(Object.entries(fields).map(([key, column]) => [key, (r as Record<string, unknown>)[column.name]]));
  return { ...row, structure: JSON.parse(r.structure) } as Price;
};

export async function getProduct(db: D1Database, id: string): Promise<Product | null> {
  return (await orm(db).select(productColumns).from(products).where(eq(products.id, id)).get()) ?? null;
}

export async function listProducts(db: D1Database, o: { limit: number; after?: string; q?: string; includeArchived?: boolean }): Promise<Page<Product>> {
  return page(products.id, o, (cursor, take) =>
    orm(db)
      .select(productColumns)
      .from(products)
      .where(allOf(cursor, !o.includeArchived && isNull(products.archivedAt), o.q && contains(products.search, o.q)))
      .orderBy(desc(products.id))
      .limit(take),
  );
}

/** The product each of these prices belongs to (price id → product id): where a line books in Xero. */
export async function productOfPrices(db: D1Database, priceIds: string[]): Promise<Map<string, string>> {
  if (!priceIds.length) return new Map();
  const rows = await orm(db).select({ id: prices.id, productId: prices.productId }).from(prices).where(inArray(prices.id, priceIds));
  return new Map(rows.map((r) => [r.id, r.productId]));
}

export async function getPrice(db: D1Database, id: string): Promise<Price | null> {
  return (await orm(db).select().from(prices).where(eq(prices.id, id)).get()) ?? null;
}

export async function listPrices(
  db: D1Database,
  o: { limit: number; after?: string; productId?: string; currency?: string; includeArchived?: boolean },
): Promise<Page<Price>> {
  return page(prices.id, o, (cursor, take) =>
    orm(db)
      .select()
      .from(prices)
      .where(
        allOf(
          cursor,
          !o.includeArchived && isNull(prices.archivedAt),
          o.productId && eq(prices.productId, o.productId),
          o.currency && eq(prices.currency, o.currency),
        ),
      )
      .orderBy(desc(prices.id))
      .limit(take),
  );
}

export interface ProductInput {
  name: string;
  description?: string | null;
  taxCategory?: string | null;
}

export function createProduct(changes: ChangeSet, input: ProductInput, id = newId("prod")): Product {
  const product: Product = {
    id,
    name: input.name,
    description: input.description ?? null,
    taxCategory: input.taxCategory ?? null,
    archivedAt: null,
    createdAt: changes.at,
    updatedAt: changes.at,
    rev: 1,
  };
  changes
    .add(changes.orm.insert(products).values({ ...product, search: product.name.toLowerCase() }))
    .record({ kind: "product.created", subject: { type: "product", id }, data: { product } });
  return product;
}

export function updateProduct(changes: ChangeSet, before: Product, patch: Partial<ProductInput>): Product {
  const after: Product = {
    ...before,
    name: patch.name ?? before.name,
    description: patch.description === undefined ? before.description : patch.description,
    taxCategory: patch.taxCategory === undefined ? before.taxCategory : patch.taxCategory,
    updatedAt: changes.at,
    rev: before.rev + 1,
  };
  changes
    .guard(
      changes.orm
        .update(products)
        .set({ name: after.name, description: after.description, taxCategory: after.taxCategory, search: after.name.toLowerCase(), updatedAt: changes.at, rev: sql`${products.rev} + 1` })
        .where(and(eq(products.id, before.id), eq(products.rev, before.rev), isNull(products.archivedAt))),
      "rev_conflict",
      `Product ${before.id} changed since revision ${before.rev}; reload and try again`,
    )
    .record({ kind: "product.updated", subject: { type: "product", id: before.id }, data: { product: after }, before, after });
  return after;
}

export const archiveProduct = (changes: ChangeSet, before: Product): Product => setArchived(changes, products, "product", before, true);
export const unarchiveProduct = (changes: ChangeSet, before: Product): Product => setArchived(changes, products, "product", before, false);

export interface PriceInput {
  productId: string;
  name: string;
  currency: string;
  billingFrequency: BillingFrequency;
  billingType: BillingType;
  structure: PriceStructure;
}

/** Guarded on the product being live, so a price can never be added to a product archived meanwhile. */
export function createPrice(changes: ChangeSet, input: PriceInput, id = newId("price")): Price {
  const price: Price = { id, ...input, pricingType: input.structure.pricingType, archivedAt: null, createdAt: changes.at };
  changes
    .guard(
      // INSERT ... SELECT from the live product: no row (and so a failed guard) when it is archived. drizzle
      // wants the selection in the table's column order, so it is built from the table, not by hand.
      changes.orm.insert(prices).select(
        changes.orm
          .select(
            Object.fromEntries(
              Object.entries(getTableColumns(prices)).map(([key, column]) => [
                key,
                key === "productId" ? products.id : sql`${sql.param(price[key as keyof Price], column)}`,
              ]),
            ),
          )
          .from(products)
          .where(and(eq(products.id, input.productId), isNull(products.archivedAt))) as never,
      ),
      "invalid_state",
      `Product ${input.productId} is archived; prices cannot be added to it`,
    )
    .record({ kind: "price.created", subject: { type: "price", id }, data: { price } });
  return price;
}

export function archivePrice(changes: ChangeSet, before: Price): Price {
  const after: Price = { ...before, archivedAt: changes.at };
  changes
    .guard(
      changes.orm.update(prices).set({ archivedAt: changes.at }).where(and(eq(prices.id, before.id), isNull(prices.archivedAt))),
      "invalid_state",
      `Price ${before.id} is already archived`,
    )
    .record({ kind: "price.archived", subject: { type: "price", id: before.id }, data: { price: after }, before, after });
  return after;
}

/** A price archived by mistake, live again (an Undo of archiving its product restores the prices archived with it). */
export function unarchivePrice(changes: ChangeSet, before: Price): Price {
  const after: Price = { ...before, archivedAt: null };
  changes
    .guard(
      changes.orm.update(prices).set({ archivedAt: null }).where(and(eq(prices.id, before.id), eq(prices.archivedAt, before.archivedAt ?? ""))),
      "rev_conflict",
      `Price ${before.id} changed meanwhile`,
    )
    .record({ kind: "price.unarchived", subject: { type: "price", id: before.id }, data: { price: after }, before, after });
  return after;
}
