// Batching, counted (no clock): what was final before Xero was connected goes in chunks of 50 — one read
// of the organisation's contacts for the pass, per chunk one contact write and one invoice write — and a
// run retried from scratch (every answer lost) books nothing twice.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ApiClient, unique } from "../support/client.ts";
import { finalizeWithPdf } from "../support/documents.ts";
import { connectXero, fakeRequests, newTenant } from "../support/xero.ts";
import { tenantCounts, UK, untilSettled } from "../support/xero-sync.ts";

const INVOICES = 60;

describe("Xero sync — batching", () => {
  it(`${INVOICES} invoices of ${INVOICES} customers: ⌈n/50⌉ writes each, and no duplicate after a retried run`, async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const finance = await ApiClient.signIn("finance@acme.test");
    const tenant = await newTenant(unique("Batch Ltd"));
    await connectXero(admin, "acme-uk", tenant);
    const vat20 = (await finance.post(`${UK}/tax-rates`, { name: unique("VAT 20%"), percentage: "20" })).body.id;
    expect((await finance.put(`${UK}/integrations/xero/mappings`, { defaultRevenueAccount: "200", paymentAccount: "090", taxTypes: { [vat20]: "OUTPUT2" } })).status).toBe(200);
    expect((await admin.request("DELETE", `${UK}/integrations/xero`)).status).toBe(200);
    for (let i = 0; i < INVOICES; i++) {
      const customerId = (await finance.post(`${UK}/customers`, { legalName: unique(`Customer ${i}`), email: `${unique("ap")}@batch.test`, country: "GB" })).body.id;
      const inv = await finance.post(`${UK}/invoices`, { customerId, currency: "GBP", lines: [{ title: "Licence", quantity: "1", rate: "100", taxRateId: vat20 }] });
      expect((await finalizeWithPdf(finance, `${UK}/invoices/${inv.body.id}`)).status).toBe(200);
    }
    await connectXero(admin, "acme-uk", tenant);
    const before = (await fakeRequests({ tenant })).length;
    const db = env.ENTITY_ACME_UK as D1Database;
    const res = await finance.post(`${UK}/integrations/xero/sync`, { includeExisting: true });
    expect(res.status).toBe(202);
    const invoices = Number((await db.prepare("SELECT count(*) AS n FROM sync_objects WHERE object_type = 'invoice'").first<{ n: number }>())!.n);
    expect(res.body.added).toBeGreaterThanOrEqual(INVOICES);
    const status = await untilSettled(finance);
    const contacts = Number((await db.prepare("SELECT count(*) AS n FROM sync_objects WHERE object_type = 'contact'").first<{ n: number }>())!.n);
    const calls = (await fakeRequests({ tenant })).slice(before).filter((r) => r.path.startsWith("/api.xro/2.0/"));
    const count = (method: string, path: string) => calls.filter((r) => r.method === method && r.path === `/api.xro/2.0/${path}`).length;
    const chunks = (n: number) => Math.ceil(n / 50);
    console.log(`[xero-sync] ${invoices} invoices, ${contacts} contacts: ${calls.length} Xero calls (minimum writes ${chunks(invoices) + chunks(contacts)}); failed ${status.failed}`);
    expect(status.failed).toBe(0);
    expect(count("POST", "Invoices")).toBe(chunks(invoices));
    expect(count("POST", "Contacts")).toBe(chunks(contacts));
    // The new organisation's contacts are read once, one page of 1,000 (ten customers per lookup would be ⌈n/10⌉ GETs).
    const lookups = 1;
    expect(count("GET", "Contacts")).toBe(lookups);
    expect(calls.find((r) => r.method === "GET" && r.path === "/api.xro/2.0/Contacts")!.query).toMatchObject({ page: "1", pageSize: "1000", summaryOnly: "true" });
    // The rest is the seed's credit note (its write and its allocation).
    expect(calls.filter((r) => !r.path.startsWith("/api.xro/2.0/CreditNotes"))).toHaveLength(chunks(invoices) + chunks(contacts) + lookups);
    const booked = await tenantCounts(tenant);
    // A run retried from scratch, as if every answer had been lost: found by number and name, nothing doubled.
    await db.prepare("UPDATE sync_objects SET state = 'PENDING', xero_id = NULL, error = 'timeout', updated_at = ?").bind(new Date().toISOString()).run();
    expect((await finance.post(`${UK}/integrations/xero/sync`, {})).status).toBe(202);
    await untilSettled(finance);
    expect(await tenantCounts(tenant)).toEqual(booked);
    expect(booked.invoices).toBeGreaterThanOrEqual(INVOICES);
    expect((await fakeRequests({ tenant })).filter((r) => !r.valid)).toEqual([]);
  }, 240_000); // 60 finalizations with their PDFs: a limit, not a measurement
});
