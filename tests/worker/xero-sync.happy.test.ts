// The outbound Xero sync through the queue: customers → Contacts, final invoices → ACCREC Invoices,
// voids → VOIDED, credit notes → ACCRECCREDIT CreditNotes allocated to their invoice, payments → Payments;
// each once, and again as an update; every request valid against Xero's spec, every write keyed.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../support/client.ts";
import { connectedEntity, finalInvoice, objectOf, tenantCounts, UK, untilSettled } from "../support/xero-sync.ts";
import { fakeRequests } from "../support/xero.ts";

let admin: ApiClient;
let finance: ApiClient;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  finance = await ApiClient.signIn("finance@acme.test");
});

const writes = (calls: Awaited<ReturnType<typeof fakeRequests>>) => calls.filter((r) => r.method !== "GET");

describe("Xero sync — happy path", () => {
  it("a final invoice books its contact and the invoice once; a payment, a credit note and a void follow; a retry updates in place", async () => {
    const s = await connectedEntity(admin, finance, "Sync Ltd");
    const inv = await finalInvoice(finance, s);
    let status = await untilSettled(finance);
    expect(objectOf(status, "contact", s.customerId)).toMatchObject({ state: "SYNCED", error: null });
    expect(objectOf(status, "invoice", inv.id)).toMatchObject({ state: "SYNCED", error: null, xeroId: expect.any(String), label: inv.invoiceNumber });
    const customerName = (await finance.get(`${UK}/customers/${s.customerId}`)).body.legalName;
    expect(objectOf(status, "contact", s.customerId).label).toBe(customerName);
    expect(status).toMatchObject({ connected: true, failed: 0, lastSyncAt: expect.any(String) });
    expect(await tenantCounts(s.tenant)).toMatchObject({ contacts: 1, invoices: 1 });
    const posted = writes(await fakeRequests({ tenant: s.tenant, path: "/api.xro/2.0/Invoices" })).at(-1)!;
    expect(posted.query).toMatchObject({ summarizeErrors: "false" });
    expect(posted.body.Invoices[0]).toMatchObject({ Type: "ACCREC", InvoiceNumber: inv.invoiceNumber, Status: "AUTHORISED", LineItems: [{ AccountCode: "200", TaxType: "OUTPUT2", Quantity: 3, UnitAmount: 33.335 }, { AccountCode: "200", TaxType: "OUTPUT2" }] });

    // A payment recorded in Kontor → a Payment from the mapped bank account.
    const paid = await finance.put(`${UK}/invoices/${inv.id}/payment-status`, { paymentStatus: "PARTIALLY_PAID", amountPaid: "100.00" });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    status = await untilSettled(finance);
    expect(objectOf(status, "payment", inv.id), JSON.stringify(status.objects)).toMatchObject({ state: "SYNCED", xeroId: expect.any(String) });
    const payment = writes(await fakeRequests({ tenant: s.tenant, path: "/api.xro/2.0/Payments" })).at(-1)!;
    expect(payment.body.Payments[0]).toMatchObject({ Amount: 100, Account: { Code: "090" } });
    expect(await tenantCounts(s.tenant)).toMatchObject({ payments: 1 });

    // A credit note on it → an ACCRECCREDIT note allocated to the Xero invoice.
    const note = await finance.post(`${UK}/credit-notes`, { invoiceId: inv.id, lines: [{ invoiceLineId: inv.lines[1].id, quantity: "1" }] });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    expect((await finance.post(`${UK}/credit-notes/${note.body.id}/finalize`, {})).status).toBe(200);
    status = await untilSettled(finance);
    expect(objectOf(status, "credit_note", note.body.id)).toMatchObject({ state: "SYNCED", error: null });
    expect(await tenantCounts(s.tenant)).toMatchObject({ contacts: 1, invoices: 1, creditNotes: 1, allocations: 1 });
    const allocation = writes(await fakeRequests({ tenant: s.tenant, path: "/api.xro/2.0/CreditNotes/" })).at(-1)!;
    expect(allocation.body.Allocations[0].Invoice.InvoiceID).toBe(objectOf(status, "invoice", inv.id).xeroId);

    // Retry one (the page's "sync again"): an update of the same Xero invoice, no second one.
    const retried = await finance.post(`${UK}/integrations/xero/sync/invoice/${inv.id}/retry`, {});
    expect(retried.status).toBe(202);
    status = await untilSettled(finance);
    expect(objectOf(status, "invoice", inv.id), JSON.stringify(objectOf(status, "invoice", inv.id))).toMatchObject({ state: "SYNCED" });
    const again = writes(await fakeRequests({ tenant: s.tenant, path: "/api.xro/2.0/Invoices" })).at(-1)!;
    expect(again.body.Invoices[0].InvoiceID).toBe(objectOf(status, "invoice", inv.id).xeroId);
    expect(await tenantCounts(s.tenant)).toMatchObject({ contacts: 1, invoices: 1 });

    // A void → the Xero invoice VOIDED.
    const other = await finalInvoice(finance, s);
    await untilSettled(finance);
    expect((await finance.post(`${UK}/invoices/${other.id}/void`, {})).status).toBe(200);
    status = await untilSettled(finance);
    const voided = writes(await fakeRequests({ tenant: s.tenant, path: "/api.xro/2.0/Invoices" })).at(-1)!;
    expect(voided.body.Invoices).toEqual([{ InvoiceID: objectOf(status, "invoice", other.id).xeroId, Status: "VOIDED" }]);
    expect(voided.status).toBe(200);
    expect(await tenantCounts(s.tenant)).toMatchObject({ contacts: 1, invoices: 2 });

    // Every request valid against Xero's spec; every write with an Idempotency-Key.
    const calls = await fakeRequests({ tenant: s.tenant });
    expect(calls.filter((r) => !r.valid)).toEqual([]);
    expect(writes(calls).filter((r) => !r.headers["idempotency-key"])).toEqual([]);
    // Each outcome is an event, in the same batch as its row.
    const kinds = (await env.ENTITY_ACME_UK.prepare("SELECT kind FROM events WHERE subject_id = ? ORDER BY seq").bind(inv.id).all<{ kind: string }>()).results.map((r) => r.kind);
    expect(kinds.filter((k) => k === "sync.completed").length).toBeGreaterThanOrEqual(3);
  });

  it("POST /sync answers 202 and sends what is PENDING", async () => {
    const s = await connectedEntity(admin, finance, "Manual Ltd");
    const res = await finance.post(`${UK}/integrations/xero/sync`, {});
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ queued: true, requeued: 0, added: expect.any(Number) });
    await finalInvoice(finance, s);
    await finance.post(`${UK}/integrations/xero/sync`, {});
    const status = await untilSettled(finance);
    expect(status.objects.filter((o: any) => o.state !== "SYNCED" && o.syncedAt === null)).toEqual([]);
    expect(await tenantCounts(s.tenant)).toMatchObject({ contacts: 1, invoices: 1 });
  });
});
