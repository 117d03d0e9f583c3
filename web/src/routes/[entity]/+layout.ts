// Every /<entitySlug>/… page: resolve the entity against the signed-in user's memberships.
// Unknown slug or no membership -> `entity: null` and the layout shows the no-access page; no
// request for that entity's data is made.
import { redirect } from "@sveltejs/kit";
import { session, signInUrl } from "#lib/session.svelte.ts";
import { live } from "#lib/live.svelte.ts";
import type { LayoutLoad } from "./$types";

export const load: LayoutLoad = async ({ params, url, untrack }) => {
  const s = await session.ensure();
  if (!s) redirect(307, signInUrl(untrack(() => url)));

  const entity = s.entities.find((e) => e.slug === params.entity) ?? null;
  if (!entity) {
    const byId = s.entities.find((e) => e.id === params.entity);
    if (byId) {
      const rest = untrack(() => url.pathname.split("/").slice(2).join("/") + url.search);
      redirect(308, `/${byId.slug}/${rest}`);
    }
    return { me: s.me, entities: s.entities, entity: null, startSeq: null };
  }

  // Read before any page data is fetched, so the live connection (opened by +layout.svelte, as
  // loads must stay free of side effects: they also run when a link is preloaded) starts where
  // the data is as of.
  const startSeq = await live.prepare(entity.id);
  return { me: s.me, entities: s.entities, entity, startSeq };
};
