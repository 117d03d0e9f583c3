import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { tasksApi } from "#lib/approvals/api.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, url, untrack }) => {
  const { entity, startSeq } = await parent();
  if (!entity) return { asOf: 0, task: null };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    return { asOf, task: await tasksApi.get(entity.id, params.taskId) };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
