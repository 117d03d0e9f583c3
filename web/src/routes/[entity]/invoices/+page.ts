import { api } from "#lib/api.ts";
import { live } from "#lib/live.svelte.ts";
import { loadError } from "#lib/load.ts";
import { invoicesApi } from "#lib/invoices/api.ts";
import { INVOICE_STATUSES, type InvoiceStatus } from "$worker/domain/invoice.ts";
import type { Customer, Invoice, Page } from "$worker/api/types.ts";
import type { PageLoad } from "./$types";

// The filters are the API's own (GET /invoices?status=&customerId=): a list filtered here would
// page wrongly and disagree with what arrives live.
export const load: PageLoad = async ({ parent, url }) => {
  const { entity, startSeq } = await parent();
  const raw = url.searchParams.get("status");
  const status = (INVOICE_STATUSES as readonly string[]).includes(raw ?? "") ? (raw as InvoiceStatus) : null;
  const customerId = url.searchParams.get("customer") || null;
  const empty: Page<Invoice> = { items: [], pagination: { after: null } };
  if (!entity) return { status, customerId, asOf: 0, list: empty, customers: [] as Customer[], customer: null as Customer | null };
  const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
  try {
    const [list, customers, customer] = await Promise.all([
      invoicesApi.list(entity.id, { status, customerId, limit: 25 }),
      api.customers.list(entity.id, { limit: 100 }).then((p) => p.items),
      customerId ? api.customers.get(entity.id, customerId).catch(() => null) : Promise.resolve(null),
    ]);
    return { status, customerId, asOf, list, customers, customer };
  } catch (e) {
    loadError(e, url);
  }
};
