// Payments made in Xero, as the workerd tests drive them: the fake records the payment and builds the signed
// webhook delivery (it cannot call the Worker back from Node), and the test POSTs it to the Worker.
import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { ApiClient, ORIGIN } from "./client.ts";
import { XERO } from "./xero.ts";
import { UK } from "./xero-sync.ts";

export const WEBHOOKS = `${ORIGIN}/api/v1/integrations/xero/webhooks`;

export interface Delivery {
  body: string;
  signature: string | null;
}

/** The fake signs its deliveries with this deployment's webhook key. */
export async function useWebhookKey(key = env.XERO_WEBHOOK_KEY!): Promise<void> {
  const res = await fetch(`${XERO}/__webhooks`, { method: "POST", body: JSON.stringify({ key }) });
  expect(res.status).toBe(200);
}

/** A payment made in Xero against a Xero invoice; its signed delivery (null with webhook: false). */
export async function payInXero(tenantId: string, invoiceId: string, amount: number, o: { webhook?: boolean } = {}): Promise<Delivery> {
  const res = await fetch(`${XERO}/__payments`, { method: "POST", body: JSON.stringify({ tenantId, invoiceId, amount, ...(o.webhook === false ? { webhook: false } : {}) }) });
  const body = (await res.json()) as { delivery: Delivery };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.delivery;
}

export async function sign(body: string, key = env.XERO_WEBHOOK_KEY!): Promise<string> {
  const hmac = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(body)))));
}

/** POST a delivery to the Worker as Xero would. */
export async function deliver(body: string, signature: string | null): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers["x-xero-signature"] = signature;
  const res = await SELF.fetch(WEBHOOKS, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
}

/** A delivery of INVOICE (or other) events, built here. */
export function deliveryOf(events: { tenantId: string; resourceId: string; category?: string }[]): string {
  return JSON.stringify({
    events: events.map((e) => ({
      resourceUrl: `https://api.xero.com/api.xro/2.0/Invoices/${e.resourceId}`,
      resourceId: e.resourceId,
      eventDateUtc: new Date().toISOString().replace("Z", ""),
      eventType: "UPDATE",
      eventCategory: e.category ?? "INVOICE",
      tenantId: e.tenantId,
      tenantType: "ORGANISATION",
    })),
    firstEventSequence: 1,
    lastEventSequence: events.length || 1,
    entropy: "KONTORTESTENTROPYXYZ",
  });
}

/** GET the invoice until `done` says so (the queue works in the background); the invoice then. */
export async function untilInvoice(client: ApiClient, id: string, done: (invoice: any) => boolean): Promise<any> {
  for (let i = 0; i < 800; i++) {
    const res = await client.get(`${UK}/invoices/${id}`);
    if (res.status === 200 && done(res.body)) return res.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`invoice ${id} never reached the expected state`);
}

/** The invoice's payment_status_changed events in D1 (every one, whoever wrote it). */
export async function paymentEvents(id: string): Promise<any[]> {
  const rows = await env.ENTITY_ACME_UK.prepare("SELECT data FROM events WHERE kind = 'invoice.payment_status_changed' AND subject_id = ? ORDER BY seq").bind(id).all<{ data: string }>();
  return rows.results.map((r) => JSON.parse(r.data));
}


/** The admin and finance clients the webhook tests act as, with the fake signing with the Worker's key. */
export async function webhookActors(): Promise<{ admin: ApiClient; finance: ApiClient }> {
  const [admin, finance] = await Promise.all([ApiClient.signIn("admin@acme.test"), ApiClient.signIn("finance@acme.test")]);
  await useWebhookKey();
  return { admin, finance };
}
