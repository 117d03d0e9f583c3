// The tax rate of invoice lines that name none (API.md "tax"; DESIGN.md §3): chosen by the domain's
// chooseTax from the product's taxCategory (through the line's price), the customer's country and the
// entity's rates and registrations. The rate is chosen as for a TAXED buyer: an exempt or reverse-charged
// buyer pays 0 % on it (invoice.ts), and the summary names the rate with the reason, as for a rate given
// by hand. A line with `taxRateId: null` asks for no tax and keeps none; only an absent one is chosen.
import { inArray, asc, eq } from "drizzle-orm";
import { orm } from "../db/orm.ts";
import { getMerchant } from "../db/merchant.ts";
import { prices, products, taxRates } from "../db/schema/entity.ts";
import type { TaxRate } from "../db/tax-rates.ts";
import { chooseTax, type TaxCustomer, type TaxMerchant } from "../domain/tax-rules.ts";
import type { EntityRecord } from "../env.ts";

/** The category of what names none. */
export const STANDARD_CATEGORY = "standard";

export interface TaxFacts {
  merchant: TaxMerchant;
  /** Every rate of the entity, oldest first (chooseTax's tie-break). */
  rates: TaxRate[];
  /** The product taxCategory of each price named by the lines. */
  categories: Map<string, string | null>;
}

/** What choosing needs, in three reads (the merchant, the rates, the prices' categories). */
export async function taxFactsFor(db: D1Database, entity: EntityRecord, priceIds: (string | null | undefined)[]): Promise<TaxFacts> {
  const wanted = [...new Set(priceIds.filter((id): id is string => typeof id === "string"))];
  const d = orm(db);
  const [merchant, rates, categories] = await Promise.all([
    getMerchant(db, entity),
    d.select().from(taxRates).orderBy(asc(taxRates.createdAt), asc(taxRates.id)),
    wanted.length
      ? d.select({ id: prices.id, category: products.taxCategory }).from(prices).innerJoin(products, eq(products.id, prices.productId)).where(inArray(prices.id, wanted))
      : Promise.resolve([]),
  ]);
  return {
    merchant: { country: entity.country, taxRegistrations: merchant.taxRegistrations },
    rates,
    categories: new Map(categories.map((c) => [c.id, c.category])),
  };
}

/**
 * The lines with a rate where they name none (`taxRateId` undefined), and how many of those no rate
 * fits (the caller may warn: they carry no tax).
 */
export function withChosenTax<L extends { taxRateId?: string | null; priceId?: string | null }>(
  lines: L[],
  customer: Pick<TaxCustomer, "country" | "taxId">,
  facts: TaxFacts,
): { lines: (L & { taxRateId: string | null })[]; untaxed: number } {
  let untaxed = 0;
  const chosen = lines.map((line) => {
    if (line.taxRateId !== undefined) return { ...line, taxRateId: line.taxRateId };
    // A line of no product, or of a product without a tax category, is standard-rated (as VAT and
    // sales tax treat anything not singled out): it takes the "standard" rate, else a general one.
    const category = (line.priceId ? facts.categories.get(line.priceId) : null) ?? STANDARD_CATEGORY;
    const choice = chooseTax(facts.merchant, { country: customer.country, taxId: customer.taxId, taxStatus: "TAXED" }, category, facts.rates);
    if (choice.reason === "no_rate") untaxed++;
    return { ...line, taxRateId: choice.taxRateId };
  });
  return { lines: chosen, untaxed };
}
