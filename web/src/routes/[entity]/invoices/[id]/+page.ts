import { api } from "#lib/api.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { creditNotesApi, invoicesApi } from "#lib/invoices/api.ts";
import type { CreditNote, Customer, Invoice } from "$worker/api/types.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ parent, params, url, untrack }) => {
  const { entity, startSeq } = await parent();
  if (!entity) return { asOf: 0, invoice: null as Invoice | null, notes: [] as CreditNote[], customer: null as Customer | null };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    const [invoice, notes] = await Promise.all([invoicesApi.get(entity.id, params.id), creditNotesApi.ofInvoice(entity.id, params.id)]);
    const customer = await api.customers.get(entity.id, invoice.customerId).catch((): Customer | null => null);
    return { asOf, invoice, notes, customer };
  } catch (e) {
    loadError(e, untrack(() => url));
  }
};
