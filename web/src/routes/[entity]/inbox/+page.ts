import { allows } from "#lib/access.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { tasksApi } from "#lib/approvals/api.ts";
import type { Task } from "#lib/approvals/types.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, url }) => {
  const { entity, startSeq } = await parent();
  const status = url.searchParams.get("status") === "done" ? "DONE" : "OPEN";
  // An admin may decide any task (someone is away): ?who=all lists everyone's.
  const everyone = url.searchParams.get("who") === "all" && allows(entity, "approvals:configure");
  if (!entity) return { status, everyone: false, asOf: 0, tasks: [] as Task[] };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    const tasks = (await tasksApi.list(entity.id, { status, assignee: everyone ? undefined : "me" })).items;
    return { status, everyone, asOf, tasks };
  } catch (e) {
    loadError(e, url);
  }
};
