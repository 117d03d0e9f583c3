// Inbound sync when there is nothing to do or Xero cannot answer: signed deliveries of other categories,
// unknown organisations or no JSON are 200 and read nothing; a 503 or a 429 from Xero delays the message
// and it applies later; a payment recorded in Kontor that has not reached Xero is not overwritten; a
// connection that needs reconnecting is not pulled; a pull pages through Xero's invoices.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../../worker/domain/errors.ts";
import { subtractMoney } from "../../worker/domain/money.ts";
import { applyInvoiceEvents, connectedEntity as targetOf, pullPayments, PULL_PAGE_SIZE } from "../../worker/integrations/xero/inbound.ts";
import { receiveDelivery } from "../../worker/integrations/xero/webhooks.ts";
import { requestXeroPulls } from "../../worker/jobs/scheduled.ts";
import type { ApiClient } from "../support/client.ts";
import { fakeRequests, openToken, XERO } from "../support/xero.ts";
import { connectedEntity, finalInvoice, objectOf, UK, untilSettled } from "../support/xero-sync.ts";
import { deliver, deliveryOf, payInXero, paymentEvents, sign, untilInvoice, webhookActors } from "../support/xero-webhooks.ts";

let admin: ApiClient;
let finance: ApiClient;

beforeAll(async () => {
  ({ admin, finance } = await webhookActors());
});

const failNext = (body: Record<string, unknown>) => fetch(`${XERO}/__fail`, { method: "POST", body: JSON.stringify(body) });
const reads = async (tenant: string, xeroId: string) => (await fakeRequests({ tenant, path: "/api.xro/2.0/Invoices" })).filter((r) => r.method === "GET" && r.query.IDs === xeroId);

async function syncedInvoice(name: string) {
  const s = await connectedEntity(admin, finance, name);
  const inv = await finalInvoice(finance, s);
  const xeroId = objectOf(await untilSettled(finance), "invoice", inv.id).xeroId as string;
  return { s, inv, xeroId };
}

describe("Xero webhooks — errors", () => {
  it("signed deliveries that name no invoice change are 200 and read nothing from Xero", async () => {
    const { s, inv, xeroId } = await syncedInvoice("Quiet Ltd");
    const delivery = await payInXero(s.tenant, xeroId, 10);
    for (const category of ["CONTACT", "CREDITNOTE", "SUBSCRIPTION"]) {
      const body = deliveryOf([{ tenantId: s.tenant, resourceId: xeroId, category }]);
      expect(await deliver(body, await sign(body))).toEqual({ status: 200, text: "" });
    }
    const notUuids = deliveryOf([{ tenantId: "acme", resourceId: "../Invoices" }]);
    for (const body of [notUuids, "not json at all", "", JSON.stringify({ events: "nope" }), JSON.stringify({ events: [{ ...JSON.parse(deliveryOf([{ tenantId: s.tenant, resourceId: xeroId }])).events[0], tenantType: "APPLICATION" }] })]) {
      expect(await deliver(body, await sign(body)), body).toEqual({ status: 200, text: "" });
    }
    // The real one: the only read Xero saw for this invoice is the one it caused.
    expect((await deliver(delivery.body, delivery.signature)).status).toBe(200);
    await untilInvoice(finance, inv.id, (i) => i.paymentStatus === "PARTIALLY_PAID");
    expect(await reads(s.tenant, xeroId)).toHaveLength(1);
  });

  it("Xero unavailable (503), then rate-limited (429 with Retry-After): the message waits and applies once", async () => {
    const { s, inv, xeroId } = await syncedInvoice("Patient Ltd");
    const first = await payInXero(s.tenant, xeroId, 10);
    await failNext({ status: 503, count: 1, tenantId: s.tenant });
    expect((await deliver(first.body, first.signature)).status).toBe(200);
    await untilInvoice(finance, inv.id, (i) => i.paymentStatus === "PARTIALLY_PAID");
    expect((await reads(s.tenant, xeroId)).map((r) => r.status)).toEqual([503, 200]);

    const second = await payInXero(s.tenant, xeroId, 5);
    await failNext({ status: 429, count: 1, retryAfter: 1, tenantId: s.tenant });
    expect((await deliver(second.body, second.signature)).status).toBe(200);
    const after = await untilInvoice(finance, inv.id, (i) => i.amountDue === subtractMoney(inv.total, "15.00", "GBP"));
    expect(after.paymentStatus).toBe("PARTIALLY_PAID");
    const calls = await reads(s.tenant, xeroId);
    expect(calls.map((r) => r.status)).toEqual([503, 200, 429, 200]);
    // The retry came after the Retry-After the fake asked for (its own clock).
    expect(Date.parse(calls[3]!.at) - Date.parse(calls[2]!.at)).toBeGreaterThanOrEqual(1000);
    expect((await paymentEvents(inv.id)).map((e) => e.to)).toEqual(["PARTIALLY_PAID", "PARTIALLY_PAID"]);
    expect(calls.every((r) => r.valid)).toBe(true);
  });

  it("a payment recorded in Kontor that has not reached Xero is not overwritten by Xero's older figures", async () => {
    const { s, inv, xeroId } = await syncedInvoice("Ahead Ltd");
    // No bank account mapped: Kontor's payment cannot be booked in Xero (FAILED), so Xero lags behind.
    expect((await finance.put(`${UK}/integrations/xero/mappings`, { defaultRevenueAccount: "200", taxTypes: { [s.vat20]: "OUTPUT2" } })).status).toBe(200);
    expect((await finance.put(`${UK}/invoices/${inv.id}/payment-status`, { paymentStatus: "PAID" })).status).toBe(200);
    expect(objectOf(await untilSettled(finance), "payment", inv.id)).toMatchObject({ state: "FAILED" });
    await payInXero(s.tenant, xeroId, 10);
    expect(await applyInvoiceEvents(env, { kind: "webhook", tenantId: s.tenant, invoiceIds: [xeroId] })).toBe(0);
    expect((await finance.get(`${UK}/invoices/${inv.id}`)).body).toMatchObject({ paymentStatus: "PAID", amountDue: "0.00" });
    expect((await paymentEvents(inv.id)).map((e) => e.to)).toEqual(["PAID"]);
  });

  it("a connection that needs reconnecting is not pulled, and its watermark stays", async () => {
    await connectedEntity(admin, finance, "Lapsed Ltd");
    const db = env.ENTITY_ACME_UK;
    await db.prepare("UPDATE integration_connections SET state = 'RECONNECT_REQUIRED' WHERE provider = 'xero'").run();
    try {
      expect(await requestXeroPulls(env)).not.toContain("ent_acme_uk");
      expect(await pullPayments(env, (await targetOf(env, "ent_acme_uk"))!, { kind: "pull", entityId: "ent_acme_uk" })).toEqual({ kind: "idle" });
      expect((await db.prepare("SELECT pulled_through FROM integration_connections").first<{ pulled_through: string | null }>())!.pulled_through).toBeNull();
    } finally {
      await db.prepare("UPDATE integration_connections SET state = 'CONNECTED' WHERE provider = 'xero'").run();
    }
  });

  it("a pull pages through more invoices than one page holds, then stores its watermark", async () => {
    const s = await connectedEntity(admin, finance, "Busy Books Ltd");
    // Invoices made in Xero itself (not Kontor's): more than a page of them, modified since the connection.
    const token = (await openToken((await targetOf(env, "ent_acme_uk"))!.entity, "access"))!;
    const xero = (method: string, path: string, body: unknown) =>
      fetch(`${XERO}/api.xro/2.0${path}`, { method, headers: { authorization: `Bearer ${token}`, "xero-tenant-id": s.tenant, "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
    const contact = (await xero("PUT", "/Contacts", { Contacts: [{ Name: "Walk-in customer" }] })).Contacts[0].ContactID;
    const many = Array.from({ length: PULL_PAGE_SIZE + 1 }, (_, i) => ({ Type: "ACCREC", Contact: { ContactID: contact }, InvoiceNumber: `XERO-${i}`, DueDate: "2026-12-31", Status: "AUTHORISED", LineItems: [{ Description: "Counter sale", Quantity: 1, UnitAmount: 10, AccountCode: "200", TaxType: "OUTPUT2" }] }));
    expect((await xero("PUT", "/Invoices?summarizeErrors=false", { Invoices: many })).Invoices).toHaveLength(PULL_PAGE_SIZE + 1);
    const result = await pullPayments(env, (await targetOf(env, "ent_acme_uk"))!, { kind: "pull", entityId: "ent_acme_uk" });
    expect(result).toMatchObject({ kind: "done", applied: 0 });
    const pages = (await fakeRequests({ tenant: s.tenant, path: "/api.xro/2.0/Invoices" })).filter((r) => r.method === "GET" && r.headers["if-modified-since"]);
    expect(pages.map((r) => r.query.page)).toEqual(["1", "2"]);
    expect(pages.every((r) => r.valid && r.status === 200)).toBe(true);
    const row = await env.ENTITY_ACME_UK.prepare("SELECT pulled_through FROM integration_connections").first<{ pulled_through: string }>();
    expect(row!.pulled_through).toBe((result as { through: string }).through);
  });

  it("without a webhook key in this environment a delivery is refused as integration_unavailable", async () => {
    const body = new TextEncoder().encode("{}").buffer as ArrayBuffer;
    await expect(receiveDelivery({ ...env, XERO_WEBHOOK_KEY: undefined }, body, "x")).rejects.toSatisfy((e: unknown) => e instanceof DomainError && e.code === "integration_unavailable");
  });
});
