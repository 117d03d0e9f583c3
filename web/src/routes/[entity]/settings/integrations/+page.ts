import { allows } from "#lib/access.ts";
import { isApiError } from "#lib/api.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { integrationsApi, type XeroOptions } from "#lib/integrations/api.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, url, untrack }) => {
  const { entity, startSeq } = await parent();
  const notice = untrack(() => ({ xero: url.searchParams.get("xero"), code: url.searchParams.get("code") }));
  if (!entity) return { asOf: 0, notice, integration: null, status: null, mappings: null, options: null, optionsError: null, taxRates: [], products: [] };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    const [list, status] = await Promise.all([integrationsApi.list(entity.id), integrationsApi.status(entity.id)]);
    const integration = list.items.find((i) => i.provider === "xero") ?? null;
    // Mappings are finance's and admins' (integrations:manage) and need a connection to pick from.
    const manage = allows(entity, "integrations:manage") && !!integration?.connected;
    let options: XeroOptions | null = null;
    let optionsError: string | null = null;
    const [mappings, taxRates, products] = await Promise.all([
      manage ? integrationsApi.mappings(entity.id) : null,
      manage ? integrationsApi.taxRates(entity.id) : [],
      manage ? integrationsApi.products(entity.id) : [],
      manage
        ? integrationsApi.options(entity.id).then(
            (o) => void (options = o),
            // Xero not answering (rate limit, outage) leaves the rest of the page usable.
            (e: unknown) => void (optionsError = isApiError(e) ? e.message : "Xero's accounts could not be read."),
          )
        : null,
    ]);
    return { asOf, notice, integration, status, mappings, options: options as XeroOptions | null, optionsError: optionsError as string | null, taxRates, products };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
