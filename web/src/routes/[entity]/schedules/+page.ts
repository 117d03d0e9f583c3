import { api } from "#lib/api.ts";
import { schedulesApi } from "#lib/billing/api.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { SCHEDULE_STATUSES, type ScheduleStatus } from "$worker/domain/schedule.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, url }) => {
  const { entity, startSeq } = await parent();
  const raw = url.searchParams.get("status");
  const status = (SCHEDULE_STATUSES as readonly string[]).includes(raw ?? "") ? (raw as ScheduleStatus) : null;
  // ?new=<customerId>: "New schedule" from a customer's page, the customer chosen.
  const forId = url.searchParams.get("new");
  const empty = { status, asOf: 0, list: { items: [], pagination: { after: null } }, customers: [], newFor: null, openForm: forId !== null };
  if (!entity) return empty;
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    const [list, customers, newFor] = await Promise.all([
      schedulesApi.list(entity.id, { status, limit: 25 }),
      api.customers.list(entity.id, { limit: 100 }).then((p) => p.items),
      forId ? api.customers.get(entity.id, forId).catch(() => null) : Promise.resolve(null),
    ]);
    return { status, asOf, list, customers, newFor, openForm: forId !== null };
  } catch (e) {
    loadError(e, url);
  }
};
