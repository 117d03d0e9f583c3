import { request, entityPath } from "#lib/api.ts";
import { allows } from "#lib/access.ts";
import { loadError } from "#lib/load.ts";
import type { ApiKey, Merchant, Page } from "$worker/api/types.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, url, untrack }) => {
  const { entity } = await parent();
  if (!entity) return { merchant: null, apiKeys: null };
  try {
    const path = entityPath(entity.id);
    // Only an admin may list keys (api_keys:manage); everyone else is not asked, and sees no section.
    const [merchant, apiKeys] = await Promise.all([
      request<Merchant>("GET", `${path}/merchant`),
      allows(entity, "api_keys:manage") ? request<Page<ApiKey>>("GET", `${path}/api-keys?limit=100`) : null,
    ]);
    return { merchant, apiKeys };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
