import { api } from "#lib/api.ts";
import { loadError } from "#lib/load.ts";
import type { Customer } from "$worker/api/types.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, url }) => {
  const { entity } = await parent();
  if (!entity) return { customers: [] as Customer[], customer: null as Customer | null };
  // ?customer=<id>: "New invoice" from a list filtered to one customer (or a customer's page).
  const forId = url.searchParams.get("customer");
  try {
    const [customers, customer] = await Promise.all([
      api.customers.list(entity.id, { limit: 100 }).then((p) => p.items),
      forId ? api.customers.get(entity.id, forId).catch(() => null) : Promise.resolve(null),
    ]);
    return { customers, customer };
  } catch (e) {
    loadError(e, url);
  }
};
