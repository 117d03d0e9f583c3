// Tax rates of one entity (API.md "tax"): a name and a percentage, optionally a country and category.
import { desc, inArray } from "drizzle-orm";
import type { ChangeSet } from "./changes.ts";
import { orm } from "./orm.ts";
import { page, type Page } from "./paging.ts";
import { taxRates } from "./schema/entity.ts";

export type TaxRate = typeof taxRates.$inferSelect;

export function insertTaxRate(changes: ChangeSet, rate: TaxRate) {
  changes.add(changes.orm.insert(taxRates).values(rate)).record({ kind: "tax_rate.created", subject: { type: "tax_rate", id: rate.id }, data: { taxRate: rate }, after: rate });
}

export function listTaxRates(db: D1Database, o: { limit: number; after?: string }): Promise<Page<TaxRate>> {
  return page(taxRates.id, o, (cursor, take) => orm(db).select().from(taxRates).where(cursor).orderBy(desc(taxRates.id)).limit(take));
}

export async function taxRatesByIds(db: D1Database, ids: (string | null | undefined)[]): Promise<Map<string, TaxRate>> {
  const wanted = [...new Set(ids.filter((id): id is string => typeof id === "string"))];
  if (!wanted.length) return new Map();
  const rows = await orm(db).select().from(taxRates).where(inArray(taxRates.id, wanted));
  return new Map(rows.map((r) => [r.id, r]));
}
