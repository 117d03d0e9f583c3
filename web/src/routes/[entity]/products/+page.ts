import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { catalogApi } from "./catalog.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, url }) => {
  const { entity, startSeq } = await parent();
  const q = url.searchParams.get("q") ?? "";
  const includeArchived = url.searchParams.get("archived") === "1";
  if (!entity) return { q, includeArchived, asOf: 0, list: { items: [], pagination: { after: null } } };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    const list = await catalogApi.products.list(entity.id, { q, includeArchived, limit: 25 });
    return { q, includeArchived, asOf, list };
  } catch (e) {
    loadError(e, url);
  }
};
