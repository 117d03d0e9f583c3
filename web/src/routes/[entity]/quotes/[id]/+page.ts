import { api } from "#lib/api.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { quotesApi } from "#lib/quotes/api.ts";
import type { Customer } from "$worker/api/types.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, url, untrack }) => {
  const { entity, startSeq } = await parent();
  if (!entity) return { asOf: 0, quote: null, prices: [], products: [], customer: null };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    const quote = await quotesApi.get(entity.id, params.id);
    const [prices, products, customer] = await Promise.all([
      quotesApi.prices(entity.id, quote.currency),
      quotesApi.products(entity.id).catch(() => []),
      api.customers.get(entity.id, quote.customerId).catch((): Customer | null => null),
    ]);
    return { asOf, quote, prices, products, customer };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
