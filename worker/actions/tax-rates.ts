// Tax rates (API.md "tax"): created once and never changed, so an invoice line's rate stays what it was.
import { insertTaxRate, listTaxRates, type TaxRate } from "../db/tax-rates.ts";
import type { Page } from "../db/paging.ts";
import { toDecimal } from "../domain/money.ts";
import { newId } from "../lib/crypto.ts";
import { changeSetOf, commit, type ActionContext } from "./context.ts";

export interface TaxRateInput {
  name: string;
  percentage: string;
  country?: string | null;
  category?: string | null;
}

export function create(ctx: ActionContext, input: TaxRateInput): Promise<TaxRate> {
  const changes = changeSetOf(ctx);
  const rate: TaxRate = {
    id: newId("txr"),
    name: input.name,
    // "20.00" and "20" are the same rate: stored in its shortest form.
    percentage: toDecimal(input.percentage).toString(),
    country: input.country ?? null,
    category: input.category ?? null,
    createdAt: changes.at,
  };
  insertTaxRate(changes, rate);
  return commit(ctx, changes, rate);
}

export const list = (ctx: ActionContext, o: { limit: number; after?: string }): Promise<Page<TaxRate>> => listTaxRates(ctx.db, o);
