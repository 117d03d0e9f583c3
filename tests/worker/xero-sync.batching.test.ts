// Batching, counted (no clock): what was final before Xero was connected goes in chunks of 50 — one read
// of the organisation's contacts for the pass, per chunk one contact write and one invoice write — and a
// run retried from scratch (every answer lost) books nothing twice.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ApiClient, unique } from "../support/client.ts";
import { finalizeWithPdf } from "../support/documents.ts";
import { connectXero, fakeRequests, newTenant, XERO } from "../support/xero.ts";
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

/** The fake's own OAuth dance, as another app of this organisation would do it: a token to fill the organisation with contacts. */
async function otherAppToken(tenant: string): Promise<string> {
  const verifier = `v${crypto.randomUUID()}${crypto.randomUUID()}`;
  const challenge = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const redirect = "http://other-app.test/callback";
  const authorize = new URL(`${XERO}/identity/connect/authorize`);
  for (const [k, v] of Object.entries({ response_type: "code", client_id: "kontor-local", redirect_uri: redirect, scope: "openid offline_access accounting.contacts", state: "s", code_challenge: challenge, code_challenge_method: "S256", tenant, auto: "1" })) authorize.searchParams.set(k, v);
  const code = new URL((await fetch(authorize, { redirect: "manual" })).headers.get("location")!).searchParams.get("code")!;
  const token = await fetch(`${XERO}/connect/token`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa("kontor-local:kontor-local-secret")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirect, code_verifier: verifier }).toString(),
  });
  return ((await token.json()) as { access_token: string }).access_token;
}

describe("Xero sync — matching customers in a large organisation", () => {
  it("more pages of contacts than lookups: the pass matches by lookups (ten customers per GET) after reading one page", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const finance = await ApiClient.signIn("finance@acme.test");
    const tenant = await newTenant(unique("Large Ltd"));
    // 2,001 contacts already in the organisation: three pages of 1,000.
    const token = await otherAppToken(tenant);
    for (let i = 0; i < 2001; i += 50) {
      const contacts = Array.from({ length: Math.min(50, 2001 - i) }, (_, k) => ({ Name: `Existing ${tenant.slice(0, 8)} ${i + k}` }));
      const res = await fetch(`${XERO}/api.xro/2.0/Contacts?summarizeErrors=false`, { method: "POST", headers: { authorization: `Bearer ${token}`, "xero-tenant-id": tenant, "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ Contacts: contacts }) });
      expect(res.status).toBe(200);
    }
    await connectXero(admin, "acme-uk", tenant);
    expect((await finance.put(`${UK}/integrations/xero/mappings`, { defaultRevenueAccount: "200", paymentAccount: "090" })).status).toBe(200);
    expect((await admin.request("DELETE", `${UK}/integrations/xero`)).status).toBe(200);
    // Twelve customers (two lookups' worth); one of them already in Xero under its exact name.
    const names = Array.from({ length: 12 }, (_, i) => (i === 0 ? `Existing ${tenant.slice(0, 8)} 7` : unique(`Large customer ${i}`)));
    for (const legalName of names) {
      const customerId = (await finance.post(`${UK}/customers`, { legalName, email: `${unique("ap")}@large.test`, country: "GB" })).body.id;
      const inv = await finance.post(`${UK}/invoices`, { customerId, currency: "GBP", lines: [{ title: "Licence", quantity: "1", rate: "100", taxRateId: null }] });
      expect((await finalizeWithPdf(finance, `${UK}/invoices/${inv.body.id}`)).status).toBe(200);
    }
    await connectXero(admin, "acme-uk", tenant);
    const before = (await fakeRequests({ tenant })).length;
    expect((await finance.post(`${UK}/integrations/xero/sync`, { includeExisting: true })).status).toBe(202);
    const status = await untilSettled(finance);
    expect(status.failed).toBe(0);
    const reads = (await fakeRequests({ tenant })).slice(before).filter((r) => r.method === "GET" && r.path === "/api.xro/2.0/Contacts");
    // One page read (it said three pages: more than the lookups), then the lookups.
    expect(reads[0]!.query).toMatchObject({ page: "1", pageSize: "1000" });
    expect(reads.slice(1).every((r) => typeof r.query.where === "string" && !r.query.page)).toBe(true);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    // The one already there was matched by name, not made again; the others are new (and the entity's own customers of earlier invoices).
    const named = await fetch(`${XERO}/api.xro/2.0/Contacts?where=${encodeURIComponent(`Name=="${names[0]}"`)}`, { headers: { authorization: `Bearer ${token}`, "xero-tenant-id": tenant, accept: "application/json" } });
    expect(((await named.json()) as { Contacts: unknown[] }).Contacts).toHaveLength(1);
    expect((await tenantCounts(tenant)).contacts).toBeGreaterThanOrEqual(2001 + names.length - 1);
    expect((await fakeRequests({ tenant })).filter((r) => !r.valid)).toEqual([]);
  }, 120_000);
});
