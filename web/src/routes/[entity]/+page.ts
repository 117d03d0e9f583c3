import { redirect } from "@sveltejs/kit";
import { DEFAULT_SECTION } from "#lib/nav.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ params, parent }) => {
  const { entity } = await parent();
  if (entity) redirect(307, `/${entity.slug}/${DEFAULT_SECTION}`);
  return {};
};
