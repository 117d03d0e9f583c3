import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { approvalsApi } from "#lib/approvals/api.ts";
import { quotesApi } from "#lib/quotes/api.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, url, untrack }) => {
  const { entity, startSeq } = await parent();
  if (!entity) return { asOf: 0, workflow: null, members: [], products: [], quotes: [] };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    const [workflow, members, products, quotes] = await Promise.all([
      approvalsApi.workflow(entity.id),
      approvalsApi.members(entity.id).then((m) => m.items).catch(() => []),
      quotesApi.products(entity.id).catch(() => []),
      // For "test against a quote": the latest quotes (newest first, as the API lists them).
      quotesApi.list(entity.id, { limit: 50 }).then((p) => p.items).catch(() => []),
    ]);
    return { asOf, workflow, members, products, quotes };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
