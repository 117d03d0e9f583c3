import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { catalogApi } from "../catalog.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, url, untrack }) => {
  const { entity, startSeq } = await parent();
  if (!entity) return { asOf: 0, product: null, prices: { items: [], pagination: { after: null } } };
  const asOf = live.asOf(entity.id, startSeq);
  try {
    // Archived prices too: the page shows them on request, and replacing a price archives one.
    const [product, prices] = await Promise.all([
      catalogApi.products.get(entity.id, params.id),
      catalogApi.prices.list(entity.id, { productId: params.id, includeArchived: true, limit: 100 }),
    ]);
    return { asOf, product, prices };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
