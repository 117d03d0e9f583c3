import { api } from "#lib/api.ts";
import { loadSearchList } from "#lib/load.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = (event) => loadSearchList(event, (entity, params) => api.customers.list(entity, params));
