import { billingRunsApi } from "#lib/billing/api.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, url, untrack }) => {
  const { entity, startSeq } = await parent();
  if (!entity) return { asOf: 0, run: null };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    return { asOf, run: await billingRunsApi.get(entity.id, params.id) };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
