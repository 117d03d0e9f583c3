import { redirect } from "@sveltejs/kit";
import { session, safeNext } from "#lib/session.svelte.ts";
import { DEFAULT_SECTION } from "#lib/nav.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ url }) => {
  const next = safeNext(url.searchParams.get("next"));
  // Already signed in: skip the form.
  const s = await session.ensure().catch(() => null);
  if (s) redirect(307, next ?? (s.entities[0] ? `/${s.entities[0].slug}/${DEFAULT_SECTION}` : "/"));
  return { next };
};
