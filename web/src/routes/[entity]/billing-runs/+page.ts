import { api } from "#lib/api.ts";
import { billingRunsApi } from "#lib/billing/api.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, url }) => {
  const { entity, startSeq } = await parent();
  if (!entity) return { asOf: 0, list: { items: [], pagination: { after: null } }, customers: [] };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    const [list, customers] = await Promise.all([
      billingRunsApi.list(entity.id, { limit: 25 }),
      api.customers.list(entity.id, { limit: 100 }).then((p) => p.items),
    ]);
    return { asOf, list, customers };
  } catch (e) {
    loadError(e, url);
  }
};
