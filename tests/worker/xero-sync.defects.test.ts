// Defects of the outbound sync, each pinned: an invoice voided before it reached Xero is not sent (and no
// row claims it is SYNCED); two sync runs of one entity at once never both send (the connection object's
// lease); waiting for the call budget does not use up the queue message's retries; a pass cut at its limit
// holds no invoice without its contact; amounts reach Xero exactly or not at all (no Number() rounding).
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { findEntity } from "../../worker/db/control.ts";
import type { EntityRecord } from "../../worker/env.ts";
import { connectionObject } from "../../worker/integrations/xero/connection.ts";
import { backfill, syncPass } from "../../worker/integrations/xero/sync.ts";
import type { XeroSyncMessage } from "../../worker/integrations/xero/sync-queue.ts";
import { xeroSyncQueue } from "../../worker/jobs/xero-sync.ts";
import { ApiClient, unique } from "../support/client.ts";
import { finalizeWithPdf } from "../support/documents.ts";
import { connectedEntity, finalInvoice, objectOf, tenantCounts, UK, untilSettled } from "../support/xero-sync.ts";
import { connectXero, fakeRequests } from "../support/xero.ts";

let admin: ApiClient;
let finance: ApiClient;
let entity: EntityRecord;
const db = () => env.ENTITY_ACME_UK as D1Database;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  finance = await ApiClient.signIn("finance@acme.test");
  entity = (await findEntity(env.CONTROL, "ent_acme_uk", env.ENVIRONMENT))!;
});

const rowOf = (type: string, id: string) => db().prepare("SELECT state, xero_id FROM sync_objects WHERE provider = 'xero' AND object_type = ? AND object_id = ?").bind(type, id).first();
const writesTo = async (tenant: string, path: string) => (await fakeRequests({ tenant, path: `/api.xro/2.0/${path}` })).filter((r) => r.method === "POST" && r.path === `/api.xro/2.0/${path}`);

describe("Xero sync — a void of an invoice Xero never had", () => {
  it("is not sent: no row says SYNCED, a sync.skipped event says why, and Xero has no such invoice", async () => {
    // Connected but not mapped: the invoice cannot go (FAILED), then it is voided.
    const s = await connectedEntity(admin, finance, "Void Ltd");
    await db().prepare("DELETE FROM integration_mappings WHERE provider = 'xero'").run();
    const inv = await finalInvoice(finance, s);
    let status = await untilSettled(finance);
    expect(objectOf(status, "invoice", inv.id)).toMatchObject({ state: "FAILED", xeroId: null });
    expect((await finance.post(`${UK}/invoices/${inv.id}/void`, {})).status).toBe(200);
    status = await untilSettled(finance);
    expect(objectOf(status, "invoice", inv.id)).toBeUndefined();
    expect(await rowOf("invoice", inv.id)).toBeNull();
    const skipped = await db().prepare("SELECT data FROM events WHERE kind = 'sync.skipped' AND subject_id = ?").bind(inv.id).first<{ data: string }>();
    expect(JSON.parse(skipped!.data)).toMatchObject({ provider: "xero", type: "invoice", id: inv.id, xeroId: null, state: null, reason: expect.stringContaining("Voided before it reached Xero") });
    // It was looked up by number first (an earlier attempt might have reached Xero), and never written.
    const lookups = (await fakeRequests({ tenant: s.tenant, path: "/api.xro/2.0/Invoices" })).filter((r) => r.method === "GET" && r.query.InvoiceNumbers === inv.invoiceNumber);
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(await writesTo(s.tenant, "Invoices")).toEqual([]);
    expect(await tenantCounts(s.tenant)).toMatchObject({ invoices: 0 });
  });

  it("voided before Xero was connected: the backfill leaves it out, and its customer too", async () => {
    const s = await connectedEntity(admin, finance, "Backfill Void Ltd");
    expect((await admin.request("DELETE", `${UK}/integrations/xero`)).status).toBe(200);
    const customerId = (await finance.post(`${UK}/customers`, { legalName: unique("Voided Only Ltd"), email: `${unique("ap")}@void.test`, country: "GB" })).body.id;
    const inv = await finance.post(`${UK}/invoices`, { customerId, currency: "GBP", lines: [{ title: "Licence", quantity: "1", rate: "100", taxRateId: s.vat20 }] });
    expect((await finalizeWithPdf(finance, `${UK}/invoices/${inv.body.id}`)).status).toBe(200);
    expect((await finance.post(`${UK}/invoices/${inv.body.id}/void`, {})).status).toBe(200);
    await connectXero(admin, "acme-uk", s.tenant);
    expect((await finance.post(`${UK}/integrations/xero/sync`, { includeExisting: true })).status).toBe(202);
    await untilSettled(finance);
    expect(await rowOf("invoice", inv.body.id)).toBeNull();
    expect(await rowOf("contact", customerId)).toBeNull();
    const sent = (await writesTo(s.tenant, "Invoices")).flatMap((r) => r.body.Invoices.map((i: any) => i.InvoiceNumber));
    expect(sent).not.toContain((await finance.get(`${UK}/invoices/${inv.body.id}`)).body.invoiceNumber);
  });
});

describe("Xero sync — one run at a time per connection", () => {
  it("the lease: a second run is refused while the first holds it, renewals keep it, expiry or release lets the next in", async () => {
    const lease = connectionObject(env, { ...entity, id: `ent_lease_${crypto.randomUUID()}` });
    const T = Date.parse("2030-01-01T00:00:00Z");
    expect(await lease.claimSync("a", 1000, T)).toMatchObject({ granted: true });
    expect(await lease.claimSync("b", 1000, T + 10)).toEqual({ granted: false, holder: "a", waitMs: 990 });
    expect(await lease.claimSync("a", 1000, T + 900)).toMatchObject({ granted: true }); // renewed to T + 1900
    expect(await lease.claimSync("b", 1000, T + 1500)).toMatchObject({ granted: false, holder: "a" });
    await lease.releaseSync("b"); // not the holder's: no effect
    expect(await lease.claimSync("b", 1000, T + 1600)).toMatchObject({ granted: false });
    expect(await lease.claimSync("b", 1000, T + 1901)).toMatchObject({ granted: true }); // a's ran out
    await lease.releaseSync("b");
    expect(await lease.claimSync("c", 1000, T + 1902)).toMatchObject({ granted: true });
  });

  it("two runs at once (a finalize's message and POST /sync, say): one sends everything, each object once; the other waits", async () => {
    const s = await connectedEntity(admin, finance, "Twice Ltd");
    expect((await admin.request("DELETE", `${UK}/integrations/xero`)).status).toBe(200);
    const invoices: { id: string; invoiceNumber: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const customerId = (await finance.post(`${UK}/customers`, { legalName: unique(`Twice ${i} Ltd`), email: `${unique("ap")}@twice.test`, country: "GB" })).body.id;
      const inv = await finance.post(`${UK}/invoices`, { customerId, currency: "GBP", lines: [{ title: "Licence", quantity: "1", rate: "100", taxRateId: s.vat20 }] });
      invoices.push((await finalizeWithPdf(finance, `${UK}/invoices/${inv.body.id}`)).body);
    }
    await connectXero(admin, "acme-uk", s.tenant);
    // In line without a queue message, so that the two runs below are the only ones.
    await backfill(db(), { type: "system", id: "test" }, null);
    const results = await Promise.all([syncPass(env, entity, db(), { lookup: false }), syncPass(env, entity, db(), { lookup: false })]);
    expect(results.map((r) => r.kind).sort()).toEqual(["busy", "done"]);
    const invoicePosts = (await writesTo(s.tenant, "Invoices")).flatMap((r) => r.body.Invoices.map((i: any) => i.InvoiceNumber));
    for (const inv of invoices) expect(invoicePosts.filter((n: string) => n === inv.invoiceNumber)).toHaveLength(1);
    const contactPosts = (await writesTo(s.tenant, "Contacts")).flatMap((r) => r.body.Contacts.map((c: any) => c.ContactNumber));
    expect(new Set(contactPosts).size).toBe(contactPosts.length);
    for (const inv of invoices) expect(await rowOf("invoice", inv.id)).toMatchObject({ state: "SYNCED", xero_id: expect.any(String) });
    // The lease is free again: the next run goes (and finds nothing left to send).
    expect(await syncPass(env, entity, db(), { lookup: false })).toMatchObject({ kind: "done", sent: 0 });
  });
});

describe("Xero sync — waiting for the call budget", () => {
  it("does not spend the message's attempts: even its last attempt goes on in a fresh message, which syncs", async () => {
    const s = await connectedEntity(admin, finance, "Patient Ltd");
    const inv = await finalInvoice(finance, s);
    await untilSettled(finance);
    // The organisation's budget blocked for a second (as a 429's Retry-After leaves it); the invoice in line again, with no message.
    await connectionObject(env, entity).observe({ retryAfter: 1 });
    await db().prepare("UPDATE sync_objects SET state = 'PENDING', updated_at = ? WHERE provider = 'xero' AND object_type = 'invoice' AND object_id = ?").bind(new Date().toISOString(), inv.id).run();
    const message = { id: "m-last", timestamp: new Date(), body: { entityId: entity.id }, attempts: 10, ack: vi.fn(), retry: vi.fn() };
    await xeroSyncQueue({ queue: "kontor-local-xero-sync", messages: [message], ackAll: vi.fn(), retryAll: vi.fn() } as unknown as MessageBatch<XeroSyncMessage>, env);
    expect(message.retry).not.toHaveBeenCalled();
    expect(message.ack).toHaveBeenCalledOnce();
    expect(await rowOf("invoice", inv.id)).toMatchObject({ state: "PENDING" });
    const status = await untilSettled(finance);
    expect(objectOf(status, "invoice", inv.id)).toMatchObject({ state: "SYNCED" });
    expect(await tenantCounts(s.tenant)).toMatchObject({ invoices: 1 });
  });
});

describe("Xero sync — a pass cut at its limit", () => {
  it("takes contacts before the invoices that name them, so no invoice fails for a contact still in line", async () => {
    const s = await connectedEntity(admin, finance, "Limit Ltd");
    expect((await admin.request("DELETE", `${UK}/integrations/xero`)).status).toBe(200);
    const customerId = (await finance.post(`${UK}/customers`, { legalName: unique("Limit Buyer Ltd"), email: `${unique("ap")}@limit.test`, country: "GB" })).body.id;
    const draft = await finance.post(`${UK}/invoices`, { customerId, currency: "GBP", lines: [{ title: "Licence", quantity: "1", rate: "100", taxRateId: s.vat20 }] });
    const inv = (await finalizeWithPdf(finance, `${UK}/invoices/${draft.body.id}`)).body;
    await connectXero(admin, "acme-uk", s.tenant);
    // The invoice in line first (as the backfill puts it); the pass adds its contact after it.
    await db().prepare("INSERT INTO sync_objects (provider, object_type, object_id, state, updated_at) VALUES ('xero', 'invoice', ?, 'PENDING', ?)").bind(inv.id, new Date(Date.now() - 60_000).toISOString()).run();
    const first = await syncPass(env, entity, db(), { lookup: false, limit: 1 });
    expect(first).toMatchObject({ kind: "done", sent: 1, more: true });
    expect(await rowOf("contact", customerId)).toMatchObject({ state: "SYNCED" });
    expect(await rowOf("invoice", inv.id)).toMatchObject({ state: "PENDING", xero_id: null });
    for (let i = 0; i < 10 && (await rowOf("invoice", inv.id))?.state === "PENDING"; i++) await syncPass(env, entity, db(), { lookup: false, limit: 1 });
    expect(await rowOf("invoice", inv.id)).toMatchObject({ state: "SYNCED", xero_id: expect.any(String) });
    expect(await tenantCounts(s.tenant)).toMatchObject({ contacts: 1, invoices: 1 });
  });
});

describe("Xero sync — amounts are exact on the wire", () => {
  it("a six-decimal unit price books one unit of the line's exact amount; an amount no JSON number holds fails alone", async () => {
    const s = await connectedEntity(admin, finance, "Exact Ltd");
    const fine = await finalInvoice(finance, s, s.customerId, [
      { title: "Calls", quantity: "1000", rate: "0.123456", taxRateId: s.vat20 },
      { title: "Tenths", quantity: "3", rate: "0.1", taxRateId: s.vat20 },
      { title: "Big", quantity: "1", rate: "9999999999.99", taxRateId: s.vat20 },
    ]);
    const huge = await finalInvoice(finance, s, s.customerId, [{ title: "Huge", quantity: "1", rate: "99999999999999.99", taxRateId: s.vat20 }]);
    const status = await untilSettled(finance);
    expect(objectOf(status, "invoice", fine.id)).toMatchObject({ state: "SYNCED", xeroId: expect.any(String) });
    expect(objectOf(status, "invoice", huge.id)).toMatchObject({ state: "FAILED", xeroId: null, error: expect.stringContaining("99999999999999.99 cannot be sent to Xero exactly") });
    const posted = (await writesTo(s.tenant, "Invoices")).flatMap((r) => r.body.Invoices);
    expect(posted.map((i: any) => i.InvoiceNumber)).toEqual([fine.invoiceNumber]);
    expect(posted[0].LineItems).toMatchObject([
      { Description: "Calls (1000 × 0.123456)", Quantity: 1, UnitAmount: 123.46 },
      { Description: "Tenths", Quantity: 3, UnitAmount: 0.1 },
      { Description: "Big", Quantity: 1, UnitAmount: 9999999999.99 },
    ]);
    expect(fine.lines.map((l: any) => l.amount)).toEqual(["123.46", "0.30", "9999999999.99"]);
    expect(await tenantCounts(s.tenant)).toMatchObject({ invoices: 1 });
  });
});
