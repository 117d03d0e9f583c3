import { api } from "#lib/api.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, url, untrack }) => {
  const { entity, startSeq } = await parent();
  if (!entity) return { asOf: 0, customer: null };
  const asOf = live.asOf(entity.id, startSeq);
  try {
    const customer = await api.customers.get(entity.id, params.id);
    return { asOf, customer };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
