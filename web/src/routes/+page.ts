// "/" goes to the first workspace the user has, or to sign-in.
import { redirect } from "@sveltejs/kit";
import { session } from "#lib/session.svelte.ts";
import { DEFAULT_SECTION } from "#lib/nav.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async () => {
  const s = await session.ensure();
  if (!s) redirect(307, "/sign-in");
  const first = s.entities[0];
  if (first) redirect(307, `/${first.slug}/${DEFAULT_SECTION}`);
  return { user: s.me.user };
};
