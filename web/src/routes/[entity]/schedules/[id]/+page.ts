import { api } from "#lib/api.ts";
import { schedulesApi } from "#lib/billing/api.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { quotesApi } from "#lib/quotes/api.ts";
import { toQuotePrice } from "#lib/quotes/editor.svelte.ts";
import type { Customer } from "$worker/api/types.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, url, untrack }) => {
  const { entity, startSeq } = await parent();
  if (!entity) return { asOf: 0, schedule: null, customer: null, prices: [] };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    const schedule = await schedulesApi.get(entity.id, params.id);
    const [customer, prices, products] = await Promise.all([
      api.customers.get(entity.id, schedule.customerId).catch((): Customer | null => null),
      quotesApi.prices(entity.id, schedule.currency).catch(() => []),
      quotesApi.products(entity.id).catch(() => []),
    ]);
    const names = new Map(products.map((p) => [p.id, p.name]));
    return { asOf, schedule, customer, prices: prices.map((p) => toQuotePrice(p, names)) };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
