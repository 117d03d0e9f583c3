// The sync when Xero says no or not now: 429 with Retry-After waits as told and the limits hold; a 503
// retries; an answer lost after Xero wrote is found again by number (no duplicate); an object Xero
// refuses is FAILED with Xero's message and does not hold up the others; retry-all mends it.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";
import { connectedEntity, finalInvoice, objectOf, tenantCounts, UK, untilSettled } from "../support/xero-sync.ts";
import { fakeRequests, XERO } from "../support/xero.ts";

let admin: ApiClient;
let finance: ApiClient;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  finance = await ApiClient.signIn("finance@acme.test");
});

const failNext = (body: Record<string, unknown>) => fetch(`${XERO}/__fail`, { method: "POST", body: JSON.stringify(body) });
const apiCalls = async (tenant: string) => (await fakeRequests({ tenant })).filter((r) => r.path.startsWith("/api.xro/2.0/"));

describe("Xero sync — errors", () => {
  it("a 429 with Retry-After: the message waits that long, then syncs; no other call is refused for the limits", async () => {
    const s = await connectedEntity(admin, finance, "Busy Ltd");
    expect((await failNext({ status: 429, count: 1, retryAfter: 2, tenantId: s.tenant })).status).toBe(200);
    const inv = await finalInvoice(finance, s);
    const status = await untilSettled(finance);
    expect(objectOf(status, "invoice", inv.id)).toMatchObject({ state: "SYNCED" });
    const calls = await apiCalls(s.tenant);
    const limited = calls.findIndex((r) => r.status === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    // The next call came after the Retry-After the fake asked for (its own clock).
    const next = calls[limited + 1]!;
    expect(Date.parse(next.at) - Date.parse(calls[limited]!.at)).toBeGreaterThanOrEqual(2000);
    expect(calls.filter((r) => r.status === 429)).toHaveLength(1);
    expect(await tenantCounts(s.tenant)).toMatchObject({ contacts: 1, invoices: 1 });
    expect(calls.filter((r) => !r.valid)).toEqual([]);
  });

  it("a 503 is retried with backoff and books the invoice once", async () => {
    const s = await connectedEntity(admin, finance, "Flaky Ltd");
    await failNext({ status: 503, count: 2, tenantId: s.tenant });
    const inv = await finalInvoice(finance, s);
    const status = await untilSettled(finance);
    expect(objectOf(status, "invoice", inv.id)).toMatchObject({ state: "SYNCED" });
    expect((await apiCalls(s.tenant)).filter((r) => r.status === 503)).toHaveLength(2);
    expect(await tenantCounts(s.tenant)).toMatchObject({ contacts: 1, invoices: 1 });
  });

  it("a sync whose answers were lost halfway is sent again without a duplicate contact or invoice", async () => {
    const s = await connectedEntity(admin, finance, "Halfway Ltd");
    const a = await finalInvoice(finance, s);
    const b = await finalInvoice(finance, s);
    await untilSettled(finance);
    expect(await tenantCounts(s.tenant)).toMatchObject({ contacts: 1, invoices: 2 });
    // As if Xero wrote them but the answers never came back: PENDING again, with no Xero id known.
    const db = env.ENTITY_ACME_UK as D1Database;
    await db
      .prepare("UPDATE sync_objects SET state = 'PENDING', xero_id = NULL, error = 'timeout', updated_at = ? WHERE provider = 'xero' AND object_id IN (?, ?, ?)")
      .bind(new Date().toISOString(), a.id, b.id, s.customerId)
      .run();
    expect((await finance.post(`${UK}/integrations/xero/sync`, {})).status).toBe(202);
    const status = await untilSettled(finance);
    expect(objectOf(status, "invoice", a.id)).toMatchObject({ state: "SYNCED", xeroId: expect.any(String) });
    expect(objectOf(status, "contact", s.customerId)).toMatchObject({ state: "SYNCED", xeroId: expect.any(String) });
    expect(await tenantCounts(s.tenant)).toMatchObject({ contacts: 1, invoices: 2 });
    // The retry looked the invoices up by number before writing.
    const lookups = (await apiCalls(s.tenant)).filter((r) => r.method === "GET" && r.path === "/api.xro/2.0/Invoices" && r.query.InvoiceNumbers);
    expect(lookups.at(-1)!.query.InvoiceNumbers!.split(",").sort()).toEqual([a.invoiceNumber, b.invoiceNumber].sort());
    expect((await apiCalls(s.tenant)).filter((r) => !r.valid)).toEqual([]);
  });

  it("an invoice Xero refuses is FAILED with Xero's message; the other in its batch syncs; retry-all mends it once fixed", async () => {
    const s = await connectedEntity(admin, finance, "Refused Ltd");
    const vat5 = (await finance.post(`${UK}/tax-rates`, { name: unique("VAT 5%"), percentage: "5" })).body.id;
    // Mappings gone stale at Xero: VAT 5% now books to a purchase tax type, which Xero refuses on a sale.
    const db = env.ENTITY_ACME_UK as D1Database;
    const row = await db.prepare("SELECT mappings FROM integration_mappings WHERE provider = 'xero'").first<{ mappings: string }>();
    const mappings = JSON.parse(row!.mappings);
    mappings.taxTypes[vat5] = "INPUT2";
    await db.prepare("UPDATE integration_mappings SET mappings = ? WHERE provider = 'xero'").bind(JSON.stringify(mappings)).run();
    const bad = await finalInvoice(finance, s, s.customerId, [{ title: "Reduced", quantity: "1", rate: "10", taxRateId: vat5 }]);
    const good = await finalInvoice(finance, s);
    let status = await untilSettled(finance);
    expect(objectOf(status, "invoice", bad.id)).toMatchObject({ state: "FAILED", error: expect.stringContaining("TaxType"), xeroId: null });
    expect(objectOf(status, "invoice", good.id)).toMatchObject({ state: "SYNCED" });
    expect(status.failed).toBeGreaterThanOrEqual(1);
    const failed = (await db.prepare("SELECT kind, data FROM events WHERE subject_id = ? AND kind = 'sync.failed'").bind(bad.id).all<{ data: string }>()).results;
    expect(JSON.parse(failed[0]!.data)).toMatchObject({ type: "invoice", id: bad.id, state: "FAILED", error: expect.stringContaining("TaxType") });
    // Fixed, then retry all FAILED.
    mappings.taxTypes[vat5] = "OUTPUT2";
    await db.prepare("UPDATE integration_mappings SET mappings = ? WHERE provider = 'xero'").bind(JSON.stringify(mappings)).run();
    const retried = await finance.post(`${UK}/integrations/xero/sync`, { retryFailed: true });
    expect(retried.status).toBe(202);
    expect(retried.body.requeued).toBeGreaterThanOrEqual(1);
    status = await untilSettled(finance);
    expect(objectOf(status, "invoice", bad.id)).toMatchObject({ state: "SYNCED", error: null });
    expect(await tenantCounts(s.tenant)).toMatchObject({ invoices: 2 });
  });

  it("refuses a bad body, an unknown object, and a sync before Xero is connected", async () => {
    await connectedEntity(admin, finance, "Bodies Ltd");
    expectError(await finance.post(`${UK}/integrations/xero/sync`, { retryFailed: "yes" }), 400, "invalid_request");
    expectError(await finance.post(`${UK}/integrations/xero/sync/invoice/inv_nope/retry`, {}), 404, "not_found");
    expectError(await finance.post(`${UK}/integrations/xero/sync/widget/x/retry`, {}), 400, "invalid_request");
    expect((await admin.request("DELETE", `${UK}/integrations/xero`)).status).toBe(200);
    expectError(await finance.post(`${UK}/integrations/xero/sync`, {}), 404, "integration_not_connected");
  });
});
