// Payments made in Xero reach Kontor: a signed webhook (partial, then in full) sets the invoice's
// paymentStatus and amountDue live, once however often it is delivered; the hourly pull with
// If-Modified-Since finds a payment no webhook told of; every request to Xero valid against its spec.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { subtractMoney } from "../../worker/domain/money.ts";
import { applyInvoiceEvents } from "../../worker/integrations/xero/inbound.ts";
import { requestXeroPulls } from "../../worker/jobs/scheduled.ts";
import type { ApiClient } from "../support/client.ts";
import { joinRoom } from "../support/live.ts";
import { fakeRequests } from "../support/xero.ts";
import { connectedEntity, finalInvoice, objectOf, UK, untilSettled } from "../support/xero-sync.ts";
import { deliver, payInXero, paymentEvents, untilInvoice, webhookActors } from "../support/xero-webhooks.ts";

let admin: ApiClient;
let finance: ApiClient;

beforeAll(async () => {
  ({ admin, finance } = await webhookActors());
});

const subtract = (a: string, b: string) => subtractMoney(a, b, "GBP");

async function syncedInvoice(name: string) {
  const s = await connectedEntity(admin, finance, name);
  const inv = await finalInvoice(finance, s);
  const status = await untilSettled(finance);
  const xeroId = objectOf(status, "invoice", inv.id).xeroId as string;
  expect(xeroId).toEqual(expect.any(String));
  return { s, inv, xeroId };
}

describe("Xero webhooks — happy path", () => {
  it("a payment made in Xero, partial then in full, reaches the invoice live; the same delivery twice changes nothing", async () => {
    const { s, inv, xeroId } = await syncedInvoice("Webhook Ltd");
    const live = await joinRoom("ent_acme_uk", finance, "acme-uk");
    const from = live.messages.length;

    const partial = await payInXero(s.tenant, xeroId, 100);
    const answered = await deliver(partial.body, partial.signature);
    expect(answered).toEqual({ status: 200, text: "" });
    const partly: any = await live.waitFor((m) => m.type === "event" && m.kind === "invoice.payment_status_changed" && m.subject.id === inv.id, 15_000, from);
    expect(partly.data).toMatchObject({ from: "UNPAID", to: "PARTIALLY_PAID", source: "xero", invoice: { paymentStatus: "PARTIALLY_PAID", amountDue: subtract(inv.total, "100") } });
    expect(partly.actor).toMatchObject({ type: "system", id: "xero-inbound" });
    const afterPartial = (await finance.get(`${UK}/invoices/${inv.id}`)).body;
    expect(afterPartial).toMatchObject({ paymentStatus: "PARTIALLY_PAID", amountDue: subtract(inv.total, "100") });

    // The fake takes Xero's JSON number for the amount.
    const rest = await payInXero(s.tenant, xeroId, Number(subtract(inv.total, "100")));
    expect((await deliver(rest.body, rest.signature)).status).toBe(200);
    const paid: any = await live.waitFor((m) => m.type === "event" && m.kind === "invoice.payment_status_changed" && m.subject.id === inv.id && (m as any).data.to === "PAID", 15_000, from);
    expect(paid.data.invoice).toMatchObject({ paymentStatus: "PAID", amountDue: "0.00" });
    expect((await finance.get(`${UK}/invoices/${inv.id}`)).body).toMatchObject({ paymentStatus: "PAID", amountDue: "0.00" });

    // The same delivery again: 200, and nothing written — no second event, no payment sent back to Xero.
    expect((await deliver(rest.body, rest.signature)).status).toBe(200);
    expect(await applyInvoiceEvents(env, { kind: "webhook", tenantId: s.tenant, invoiceIds: [xeroId] })).toBe(0);
    expect((await paymentEvents(inv.id)).map((e) => e.to)).toEqual(["PARTIALLY_PAID", "PAID"]);
    const audit = await env.ENTITY_ACME_UK.prepare("SELECT count(*) AS n FROM audit_log WHERE subject_id = ? AND action = 'invoice.payment_status_changed'").bind(inv.id).first<{ n: number }>();
    expect(audit?.n).toBe(2);
    const status = await untilSettled(finance);
    expect(objectOf(status, "payment", inv.id)).toBeUndefined();
    live.close();

    // Each read of Xero was the AccountingApi's GET Invoices by id, valid against Xero's spec.
    const calls = await fakeRequests({ tenant: s.tenant });
    expect(calls.filter((r) => !r.valid)).toEqual([]);
    const reads = calls.filter((r) => r.method === "GET" && r.path === "/api.xro/2.0/Invoices" && r.query.IDs === xeroId);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(calls.filter((r) => r.path.startsWith("/api.xro/2.0/Payments"))).toEqual([]);
  });

  it("the hourly pull asks for invoices modified since its watermark and applies a payment no webhook told of", async () => {
    const { s, inv, xeroId } = await syncedInvoice("Pull Ltd");
    expect(await payInXero(s.tenant, xeroId, 50, { webhook: false })).toBeNull();
    expect(await requestXeroPulls(env)).toContain("ent_acme_uk");
    const pulled = await untilInvoice(finance, inv.id, (i) => i.paymentStatus === "PARTIALLY_PAID");
    expect(pulled.amountDue).toBe(subtract(inv.total, "50"));
    expect((await paymentEvents(inv.id)).map((e) => e.to)).toEqual(["PARTIALLY_PAID"]);

    const db = env.ENTITY_ACME_UK;
    const untilPulled = async (n: number) => {
      for (let i = 0; i < 800; i++) {
        const row = await db.prepare("SELECT count(*) AS n FROM events WHERE kind = 'sync.pulled'").first<{ n: number }>();
        if ((row?.n ?? 0) >= n) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error("no sync.pulled");
    };
    await untilPulled(1);
    const watermark = (await db.prepare("SELECT pulled_through FROM integration_connections WHERE provider = 'xero'").first<{ pulled_through: string }>())!.pulled_through;
    expect(Date.parse(watermark)).toBeLessThan(Date.now());

    const pulls = () => fakeRequests({ tenant: s.tenant, path: "/api.xro/2.0/Invoices" }).then((all) => all.filter((r) => r.method === "GET" && r.headers["if-modified-since"]));
    const first = (await pulls()).at(-1)!;
    expect(first).toMatchObject({ valid: true, status: 200, query: { where: 'Type=="ACCREC"', page: "1", pageSize: "100" } });
    const connectedAt = (await db.prepare("SELECT connected_at FROM integration_connections WHERE provider = 'xero'").first<{ connected_at: string }>())!.connected_at;
    expect(Date.parse(first.headers["if-modified-since"]!)).toBeLessThan(Date.parse(connectedAt));

    // The next pull goes on from the watermark, and finds nothing new to change.
    await requestXeroPulls(env);
    await untilPulled(2);
    const second = (await pulls()).at(-1)!;
    expect(second.headers["if-modified-since"]).toBe(watermark);
    expect((await paymentEvents(inv.id)).length).toBe(1);
    expect((await fakeRequests({ tenant: s.tenant })).filter((r) => !r.valid)).toEqual([]);
  });
});
