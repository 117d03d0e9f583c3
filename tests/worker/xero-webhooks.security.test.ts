// Who may tell Kontor a payment was made in Xero: only a delivery signed with this deployment's webhook
// key (anything else is 401 with an empty body and writes nothing), and only for the entity connected to
// the organisation the event names — never another entity's, never a row another environment wrote.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { applyInvoiceEvents, entitiesOfTenant } from "../../worker/integrations/xero/inbound.ts";
import { requestXeroPulls } from "../../worker/jobs/scheduled.ts";
import type { ApiClient } from "../support/client.ts";
import { connectXero, fakeRequests, newTenant } from "../support/xero.ts";
import { connectedEntity, finalInvoice, objectOf, UK, untilSettled } from "../support/xero-sync.ts";
import { deliver, deliveryOf, payInXero, paymentEvents, sign, webhookActors } from "../support/xero-webhooks.ts";

let admin: ApiClient;
let finance: ApiClient;

beforeAll(async () => {
  ({ admin, finance } = await webhookActors());
});

async function paidInXero(name: string) {
  const s = await connectedEntity(admin, finance, name);
  const inv = await finalInvoice(finance, s);
  const xeroId = objectOf(await untilSettled(finance), "invoice", inv.id).xeroId as string;
  const delivery = await payInXero(s.tenant, xeroId, 10);
  return { s, inv, xeroId, delivery };
}

const readsOf = async (tenant: string, xeroId: string) => (await fakeRequests({ tenant, path: "/api.xro/2.0/Invoices" })).filter((r) => r.method === "GET" && r.query.IDs === xeroId).length;

describe("Xero webhooks — security", () => {
  it("a missing, malformed or wrong signature is 401 with an empty body and nothing is read or written; the right one is 200 (intent to receive)", async () => {
    const { s, inv, xeroId, delivery } = await paidInXero("Signed Ltd");
    const good = delivery.signature!;
    const other = deliveryOf([{ tenantId: s.tenant, resourceId: xeroId }]);
    const refused = [
      null, // no header
      "", // empty
      "not base64!!",
      good.slice(0, -4), // truncated
      good.replace(/^./, (c) => (c === "A" ? "B" : "A")), // one character off
      await sign(delivery.body, "someone-elses-key"),
      await sign(other), // a signature of another body
      btoa("x".repeat(32)),
      good.repeat(20), // long
      `${good}, ${good}`,
    ];
    for (const signature of refused) {
      expect(await deliver(delivery.body, signature), String(signature).slice(0, 60)).toEqual({ status: 401, text: "" });
    }
    // Xero's intent-to-receive check: an empty delivery with a bad and a good signature.
    const intent = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: "INTENTTORECEIVECHECK" });
    expect(await deliver(intent, await sign(intent, "wrong"))).toEqual({ status: 401, text: "" });
    expect(await deliver(intent, await sign(intent))).toEqual({ status: 200, text: "" });
    // None of the refused ones was acted on: Xero was not asked, the invoice did not move.
    expect(await readsOf(s.tenant, xeroId)).toBe(0);
    expect((await finance.get(`${UK}/invoices/${inv.id}`)).body.paymentStatus).toBe("UNPAID");
    expect(await paymentEvents(inv.id)).toEqual([]);
  });

  it("an event naming another entity's organisation never touches this entity's invoice", async () => {
    const { s, inv, xeroId } = await paidInXero("Mine Ltd");
    // acme-us is connected to an organisation of its own.
    const usTenant = await newTenant("Theirs Inc");
    await connectXero(admin, "acme-us", usTenant);
    expect((await entitiesOfTenant(env, usTenant)).map((c) => c.entity.slug)).toEqual(["acme-us"]);
    expect((await entitiesOfTenant(env, s.tenant)).map((c) => c.entity.slug)).toEqual(["acme-uk"]);
    // A signed delivery that pairs acme-uk's Xero invoice with acme-us's organisation: nothing to apply anywhere.
    const crossed = deliveryOf([{ tenantId: usTenant, resourceId: xeroId }]);
    expect((await deliver(crossed, await sign(crossed))).status).toBe(200);
    expect(await applyInvoiceEvents(env, { kind: "webhook", tenantId: usTenant, invoiceIds: [xeroId] })).toBe(0);
    // And an organisation no entity is connected to.
    expect(await applyInvoiceEvents(env, { kind: "webhook", tenantId: "0f0f0f0f-0000-4000-8000-000000000000", invoiceIds: [xeroId] })).toBe(0);
    expect((await finance.get(`${UK}/invoices/${inv.id}`)).body.paymentStatus).toBe("UNPAID");
    expect(await readsOf(usTenant, xeroId)).toBe(0);
    expect(await readsOf(s.tenant, xeroId)).toBe(0);
    expect((await admin.request("DELETE", "/api/v1/entities/acme-us/integrations/xero")).status).toBe(200);
  });

  it("two entities sharing one organisation: each applies only the invoices it synced", async () => {
    const { s, inv, xeroId } = await paidInXero("Shared Books Ltd");
    await connectXero(admin, "acme-us", s.tenant);
    try {
      expect((await entitiesOfTenant(env, s.tenant)).map((c) => c.entity.slug).sort()).toEqual(["acme-uk", "acme-us"]);
      const usEvents = async () => (await env.ENTITY_ACME_US.prepare("SELECT count(*) AS n FROM events WHERE kind = 'invoice.payment_status_changed'").first<{ n: number }>())!.n;
      const before = await usEvents();
      expect(await applyInvoiceEvents(env, { kind: "webhook", tenantId: s.tenant, invoiceIds: [xeroId] })).toBe(1);
      expect((await finance.get(`${UK}/invoices/${inv.id}`)).body.paymentStatus).toBe("PARTIALLY_PAID");
      expect(await usEvents()).toBe(before);
      // The one read was made for acme-uk, whose invoice it is.
      expect(await readsOf(s.tenant, xeroId)).toBe(1);
    } finally {
      expect((await admin.request("DELETE", "/api/v1/entities/acme-us/integrations/xero")).status).toBe(200);
    }
  });

  it("a connection row another environment wrote (a sandbox entity's) is never acted on, nor is this deployment's data by another environment", async () => {
    const { s, inv, xeroId } = await paidInXero("Sandboxed Ltd");
    const db = env.ENTITY_ACME_UK;
    await db.prepare("UPDATE integration_connections SET environment = 'sandbox' WHERE provider = 'xero'").run();
    try {
      expect(await entitiesOfTenant(env, s.tenant)).toEqual([]);
      expect(await applyInvoiceEvents(env, { kind: "webhook", tenantId: s.tenant, invoiceIds: [xeroId] })).toBe(0);
      expect(await requestXeroPulls(env)).not.toContain("ent_acme_uk");
    } finally {
      await db.prepare("UPDATE integration_connections SET environment = 'local' WHERE provider = 'xero'").run();
    }
    // A production deployment (its own control plane and ENVIRONMENT) finds none of local's entities.
    const production = { ...env, ENVIRONMENT: "production" as const };
    expect(await entitiesOfTenant(production, s.tenant)).toEqual([]);
    expect(await applyInvoiceEvents(production, { kind: "webhook", tenantId: s.tenant, invoiceIds: [xeroId] })).toBe(0);
    expect(await requestXeroPulls(production)).toEqual([]);
    expect((await finance.get(`${UK}/invoices/${inv.id}`)).body.paymentStatus).toBe("UNPAID");
    expect(await readsOf(s.tenant, xeroId)).toBe(0);
    // Back in its own environment, the same event applies.
    expect(await applyInvoiceEvents(env, { kind: "webhook", tenantId: s.tenant, invoiceIds: [xeroId] })).toBe(1);
    expect((await finance.get(`${UK}/invoices/${inv.id}`)).body.paymentStatus).toBe("PARTIALLY_PAID");
  });
});
