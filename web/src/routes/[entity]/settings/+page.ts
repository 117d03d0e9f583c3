import { request, entityPath } from "#lib/api.ts";
import { loadError } from "#lib/load.ts";
import type { Merchant } from "$worker/api/types.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, url, untrack }) => {
  const { entity } = await parent();
  if (!entity) return { merchant: null };
  try {
    return { merchant: await request<Merchant>("GET", `${entityPath(entity.id)}/merchant`) };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
