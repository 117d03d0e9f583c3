import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { tasksApi } from "#lib/approvals/api.ts";
import type { Task } from "#lib/approvals/types.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, url }) => {
  const { entity, startSeq } = await parent();
  const status = url.searchParams.get("status") === "done" ? "DONE" : "OPEN";
  if (!entity) return { status, asOf: 0, tasks: [] as Task[] };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    return { status, asOf, tasks: (await tasksApi.list(entity.id, { status, assignee: "me" })).items };
  } catch (e) {
    loadError(e, url);
  }
};
