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

// ---- formatting (decimal strings in, text out; no floating point) ----

/** The API's zod/engine messages ("must be a plain decimal string …") in a form's words. */
export function humanize(message: string, value?: string): string {
  const m = message.trim();
  if (/^must be a (plain )?decimal string/i.test(m)) {
    return value === undefined || value.trim() === "" ? "Required" : "Enter a number such as 12.50";
  }
  if (/^Too small: expected string to have >=1 characters?$/i.test(m)) return "Required";
  if (/^Invalid input: expected \w+, received undefined$/i.test(m)) return "Required";
  if (/^Invalid input: expected number, received string$/i.test(m)) return "Enter a whole number";
  const tooLong = m.match(/^Too big: expected string to have <=(\d+) characters?$/i);
  if (tooLong) return `At most ${tooLong[1]} characters`;
  const prev = m.match(/^must be greater than the previous tier's upperBound \((.*)\)$/);
  if (prev) return `Must be more than ${prev[1]}, the bound above`;
  if (m === "must be greater than 0") return "Must be greater than 0";
  if (m === "must not be negative") return "Can't be negative";
  if (m === "must have at most 0 decimal places") return "Must be a whole number";
  if (/^must have at most (\d+) decimal places$/.test(m)) return `M${m.slice(1)}`;
  if (m === "a percentage price must be at most 100") return "A percentage can be at most 100";
  if (m === "must not be less than minPrice") return "Must not be less than the minimum";
  if (m === "seats are counted in whole numbers" || m === "must be a whole number of seats") return "Seats are whole numbers";
  return m.charAt(0).toUpperCase() + m.slice(1);
}
