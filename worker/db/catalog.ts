// Products and prices of one entity: reads, and the change rows of each catalog change.
import type { ChangeSet } from "./changes.ts";
import { newId } from "../lib/crypto.ts";
import { containing, pageOf, type Page } from "./paging.ts";
import type { PriceStructure, PricingType } from "../domain/pricing.ts";

import type { BillingFrequency, BillingType } from "../domain/billing.ts";
export { BILLING_FREQUENCIES, BILLING_TYPES, type BillingFrequency, type BillingType } from "../domain/billing.ts";

export interface Product {
  id: string;
  name: string;
  description: string | null;
  taxCategory: string | null;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
  rev: number;
}

export interface Price {
  id: string;
  productId: string;
  name: string;
  currency: string;
  billingFrequency: BillingFrequency;
  billingType: BillingType;
  pricingType: PricingType;
  structure: PriceStructure;
  archivedAt: string | null;
  createdAt: string;
}

interface ProductRow {
  id: string;
  name: string;
  description: string | null;
  tax_category: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
  rev: number;
}

interface PriceRow {
  id: string;
  product_id: string;
  name: string;
  currency: string;
  billing_frequency: BillingFrequency;
  billing_type: BillingType;
  pricing_type: PricingType;
  structure: string;
  archived_at: string | null;
  created_at: string;
}

const productFromRow = (r: ProductRow): Product => ({
  id: r.id,
  name: r.name,
  description: r.description,
  taxCategory: r.tax_category,
  archivedAt: r.archived_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  rev: r.rev,
});

export const priceFromRow = (r: PriceRow): Price => ({
  id: r.id,
  productId: r.product_id,
  name: r.name,
  currency: r.currency,
  billingFrequency: r.billing_frequency,
  billingType: r.billing_type,
  pricingType: r.pricing_type,
  structure: JSON.parse(r.structure) as PriceStructure,
  archivedAt: r.archived_at,
  createdAt: r.created_at,
});


export async function getProduct(db: D1Database, id: string) {
  const row = await db.prepare("SELECT * FROM products WHERE id = ?").bind(id).first<ProductRow>();
  return row ? productFromRow(row) : null;
}

export async function listProducts(db: D1Database, o: { limit: number; after?: string; q?: string; includeArchived?: boolean }): Promise<Page<Product>> {
  const page = await pageOf<ProductRow>(db, "products", {
    limit: o.limit,
    after: o.after,
    filters: [!o.includeArchived && { sql: "archived_at IS NULL" }, o.q && containing("search", o.q)],
  });
  return { items: page.items.map(productFromRow), after: page.after };
}

export async function getPrice(db: D1Database, id: string) {
  const row = await db.prepare("SELECT * FROM prices WHERE id = ?").bind(id).first<PriceRow>();
  return row ? priceFromRow(row) : null;
}

export async function listPrices(
  db: D1Database,
  o: { limit: number; after?: string; productId?: string; currency?: string; includeArchived?: boolean },
): Promise<Page<Price>> {
  const page = await pageOf<PriceRow>(db, "prices", {
    limit: o.limit,
    after: o.after,
    filters: [
      !o.includeArchived && { sql: "archived_at IS NULL" },
      o.productId && { sql: "product_id = ?", params: [o.productId] },
      o.currency && { sql: "currency = ?", params: [o.currency] },
    ],
  });
  return { items: page.items.map(priceFromRow), after: page.after };
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
    .add(
      changes.db
        .prepare("INSERT INTO products (id, name, description, tax_category, search, created_at, updated_at, rev) VALUES (?, ?, ?, ?, ?, ?, ?, 1)")
        .bind(id, product.name, product.description, product.taxCategory, product.name.toLowerCase(), changes.at, changes.at),
    )
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
      changes.db
        .prepare("UPDATE products SET name = ?, description = ?, tax_category = ?, search = ?, updated_at = ?, rev = rev + 1 WHERE id = ? AND rev = ? AND archived_at IS NULL")
        .bind(after.name, after.description, after.taxCategory, after.name.toLowerCase(), changes.at, before.id, before.rev),
      "rev_conflict",
      `Product ${before.id} changed since revision ${before.rev}; reload and try again`,
    )
    .record({ kind: "product.updated", subject: { type: "product", id: before.id }, data: { product: after }, before, after });
  return after;
}

export function archiveProduct(changes: ChangeSet, before: Product): Product {
  const after: Product = { ...before, archivedAt: changes.at, updatedAt: changes.at, rev: before.rev + 1 };
  changes
    .guard(
      changes.db
        .prepare("UPDATE products SET archived_at = ?, updated_at = ?, rev = rev + 1 WHERE id = ? AND rev = ? AND archived_at IS NULL")
        .bind(changes.at, changes.at, before.id, before.rev),
      "rev_conflict",
      `Product ${before.id} changed while archiving; reload and try again`,
    )
    .record({ kind: "product.archived", subject: { type: "product", id: before.id }, data: { product: after }, before, after });
  return after;
}

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
      changes.db
        .prepare(
          `INSERT INTO prices (id, product_id, name, currency, billing_frequency, billing_type, pricing_type, structure, created_at)
           SELECT ?, id, ?, ?, ?, ?, ?, ?, ? FROM products WHERE id = ? AND archived_at IS NULL`,
        )
        .bind(id, input.name, input.currency, input.billingFrequency, input.billingType, price.pricingType, JSON.stringify(input.structure), changes.at, input.productId),
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
      changes.db.prepare("UPDATE prices SET archived_at = ? WHERE id = ? AND archived_at IS NULL").bind(changes.at, before.id),
      "invalid_state",
      `Price ${before.id} is already archived`,
    )
    .record({ kind: "price.archived", subject: { type: "price", id: before.id }, data: { price: after }, before, after });
  return after;
}
