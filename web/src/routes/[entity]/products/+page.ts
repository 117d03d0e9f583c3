import { loadSearchList } from "#lib/load.ts";
import { catalogApi } from "./catalog.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = (event) => loadSearchList(event, (entity, params) => catalogApi.products.list(entity, params));
