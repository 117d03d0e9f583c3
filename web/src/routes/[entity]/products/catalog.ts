// The product catalog's client side: API calls (API.md "products", "prices", "pricing preview"),
// the pricing models as the editor offers them, and how a price reads in one line. Shared by the
// products routes. The shapes are the API's ($worker/api/types.ts) and the domain's.
//
// Money and quantities stay decimal STRINGS end to end: they are only ever formatted for display
// (#lib/money.ts), never turned into JavaScript numbers.
import { entityPath, entityResource, request } from "#lib/api.ts";

// The words for prices are shared with the quote editor's picker and line grid.
export { PRICING_MODELS, modelLabel, summarize } from "#lib/price-summary.ts";
import type { Price, PriceInput, PricingPreviewResult, Product, ProductUpdate } from "$worker/api/types.ts";

// ---- labels ----

const prices = entityResource<Price, PriceInput, { productId?: string; currency?: string }>("prices", 100);

export const catalogApi = {
  // The form sends one partial shape for create and edit; the server checks what create requires.
  products: entityResource<Product, ProductUpdate, { q?: string }>("products"),
  // Prices are immutable: no update.
  prices: { list: prices.list, get: prices.get, create: prices.create, archive: prices.archive },
  preview: (entity: string, body: { currency: string; structure: unknown; quantity: string }, signal?: AbortSignal) =>
    request<PricingPreviewResult>("POST", `${entityPath(entity)}/pricing/preview`, { body, signal }),
};
