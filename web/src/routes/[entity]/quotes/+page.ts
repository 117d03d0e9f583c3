import { api } from "#lib/api.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { quotesApi } from "#lib/quotes/api.ts";
import type { QuoteStatus } from "$worker/domain/quote.ts";
import type { PageLoad } from "./$types";

const STATUSES: QuoteStatus[] = ["DRAFT", "PUBLISHED", "ACCEPTED", "EXECUTED"];

export const load: PageLoad = async ({ parent, url }) => {
  const { entity, startSeq } = await parent();
  const raw = url.searchParams.get("status");
  const status = STATUSES.includes(raw as QuoteStatus) ? (raw as QuoteStatus) : null;
  const includeArchived = url.searchParams.get("archived") === "1";
  const empty = { status, includeArchived, asOf: 0, list: { items: [], pagination: { after: null } }, customers: [], newFor: null };
  if (!entity) return empty;
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    // ?new=<customerId>: "New quote for this customer" from a customer's page.
    const forId = url.searchParams.get("new");
    const [list, customers, newFor] = await Promise.all([
      quotesApi.list(entity.id, { status, includeArchived, limit: 25 }),
      api.customers.list(entity.id, { limit: 100 }).then((p) => p.items),
      forId ? api.customers.get(entity.id, forId).catch(() => null) : Promise.resolve(null),
    ]);
    return { status, includeArchived, asOf, list, customers, newFor };
  } catch (e) {
    loadError(e, url);
  }
};
