// The outbound Xero sync as tests drive it: an entity connected to its own organisation of the fake,
// with mappings; final invoices; and waiting for the sync queue to leave nothing PENDING.
import { expect } from "vitest";
import { unique, type ApiClient } from "./client.ts";
import { finalizeWithPdf } from "./documents.ts";
import { connectXero, newTenant, XERO } from "./xero.ts";

export const UK = "/api/v1/entities/acme-uk";

export interface SyncSetup {
  tenant: string;
  vat20: string;
  customerId: string;
}

/** acme-uk connected to a new organisation, mapped (revenue 200, bank 090, VAT 20% → OUTPUT2), with a customer. */
export async function connectedEntity(admin: ApiClient, finance: ApiClient, name: string): Promise<SyncSetup> {
  const tenant = await newTenant(unique(name));
  await connectXero(admin, "acme-uk", tenant);
  const vat20 = (await finance.post(`${UK}/tax-rates`, { name: unique("VAT 20%"), percentage: "20" })).body.id;
  const put = await finance.put(`${UK}/integrations/xero/mappings`, { defaultRevenueAccount: "200", paymentAccount: "090", taxTypes: { [vat20]: "OUTPUT2" } });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const customerId = (await finance.post(`${UK}/customers`, { legalName: unique("Cyberdyne Ltd"), email: `${unique("ap")}@cyberdyne.test`, country: "GB" })).body.id;
  return { tenant, vat20, customerId };
}

export async function finalInvoice(finance: ApiClient, s: SyncSetup, customerId = s.customerId, lines?: unknown[]) {
  const inv = await finance.post(`${UK}/invoices`, {
    customerId,
    currency: "GBP",
    lines: lines ?? [
      { title: "Consulting", quantity: "3", rate: "33.335", taxRateId: s.vat20 },
      { title: "Licence", quantity: "1", rate: "500", taxRateId: s.vat20 },
    ],
  });
  expect(inv.status, JSON.stringify(inv.body)).toBe(201);
  const fin = await finalizeWithPdf(finance, `${UK}/invoices/${inv.body.id}`);
  expect(fin.status, JSON.stringify(fin.body)).toBe(200);
  return fin.body;
}

/** GET the status until the queue left nothing PENDING; the status then. */
export async function untilSettled(client: ApiClient, path = `${UK}/integrations/xero/status`): Promise<any> {
  for (let i = 0; i < 800; i++) {
    const res = await client.get(path);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    if (res.body.pending === 0) return res.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the Xero sync left objects PENDING");
}

export const objectOf = (status: any, type: string, id: string) => status.objects.find((o: any) => o.type === type && o.id === id);

/** The fake's object counts for one organisation. */
export async function tenantCounts(tenant: string): Promise<{ contacts: number; invoices: number; creditNotes: number; payments: number; allocations: number }> {
  const res = (await (await fetch(`${XERO}/__tenants`)).json()) as { items: any[] };
  return res.items.find((t) => t.tenantId === tenant);
}
