// Turn API failures inside load functions into SvelteKit redirects / error pages.
import { error, redirect } from "@sveltejs/kit";
import type { Entity, Page } from "$worker/api/types.ts";
import { isApiError } from "./api.ts";
import { live } from "./live.svelte.ts";
import { session, signInUrl } from "./session.svelte.ts";

export function loadError(e: unknown, url: URL): never {
  if (isApiError(e)) {
    if (e.status === 401) {
      session.clear();
      redirect(307, signInUrl(url));
    }
    if (e.status === 403 || e.status === 404) error(404, { message: e.message || "Not found." });
    error(e.status >= 400 ? e.status : 503, { message: e.message });
  }
  throw e;
}

export interface SearchListParams {
  q: string;
  includeArchived: boolean;
  limit: number;
}

/**
 * A searchable list page's load (customers, products): `?q=` and `?archived=1`, the live `asOf`
 * taken before the fetch (see live.svelte.ts), then the first page.
 */
export async function loadSearchList<T>(
  { parent, url }: { parent: () => Promise<{ entity: Entity | null; startSeq: number | null }>; url: URL },
  fetchPage: (entityId: string, params: SearchListParams) => Promise<Page<T>>,
) {
  const { entity, startSeq } = await parent();
  const q = url.searchParams.get("q") ?? "";
  const includeArchived = url.searchParams.get("archived") === "1";
  const empty: Page<T> = { items: [], pagination: { after: null } };
  if (!entity) return { q, includeArchived, asOf: 0, list: empty };
  const asOf = live.asOf(entity.id, startSeq);
  try {
    return { q, includeArchived, asOf, list: await fetchPage(entity.id, { q, includeArchived, limit: 25 }) };
  } catch (e) {
    loadError(e, url);
  }
}
