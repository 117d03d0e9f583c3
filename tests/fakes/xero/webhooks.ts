// Webhooks as Xero sends them (openapi/xero-webhooks.yaml): a payment "made in Xero" (as a person would in
// Xero's app: POST /__payments, outside the API's limits and record) changes its invoice, and the fake
// builds the delivery of that INVOICE UPDATE event, signs it — x-xero-signature = base64(HMAC-SHA256(body,
// key)) — and POSTs it to the configured URL (POST /__webhooks {url?, key}). Tests inside workerd, which the
// fake cannot call back, take the signed delivery from the answer and POST it to the Worker themselves.
import { createHmac, randomBytes } from "node:crypto";
import { keep, ledgerOf, Refused } from "./ledger.ts";
import { createPayment, renderPayment } from "./payments.ts";
import { json, type FakeState } from "./state.ts";

export interface WebhookConfig {
  url: string | null;
  key: string;
}

export interface Delivery {
  /** The exact bytes sent (what the signature covers). */
  body: string;
  signature: string | null;
}

export const sign = (key: string, body: string) => createHmac("sha256", key).update(body, "utf8").digest("base64");

/** One delivery of these events, numbered on from the fake's last one. */
export function delivery(state: FakeState, events: { tenantId: string; category: "INVOICE" | "CONTACT" | "CREDITNOTE"; resource: string; resourceId: string; type?: "CREATE" | "UPDATE" }[], now: number): Delivery {
  const first = state.eventSequence + 1;
  state.eventSequence += events.length;
  const payload = {
    events: events.map((e) => ({
      resourceUrl: `https://api.xero.com/api.xro/2.0/${e.resource}/${e.resourceId}`,
      resourceId: e.resourceId,
      eventDateUtc: new Date(now).toISOString().replace("Z", ""),
      eventType: e.type ?? "UPDATE",
      eventCategory: e.category,
      tenantId: e.tenantId,
      tenantType: "ORGANISATION",
    })),
    firstEventSequence: first,
    lastEventSequence: Math.max(first, state.eventSequence),
    entropy: randomBytes(15).toString("base64url").toUpperCase().replace(/[^A-Z]/g, "X").slice(0, 20),
  };
  const body = JSON.stringify(payload);
  return { body, signature: state.webhook ? sign(state.webhook.key, body) : null };
}

async function deliver(state: FakeState, d: Delivery): Promise<{ status: number } | { error: string } | null> {
  if (!state.webhook?.url || !d.signature) return null;
  try {
    const res = await fetch(state.webhook.url, { method: "POST", headers: { "content-type": "application/json", "x-xero-signature": d.signature }, body: d.body });
    return { status: res.status };
  } catch (error) {
    return { error: String(error) };
  }
}

/** POST /__webhooks {url?, key}: where deliveries go and the key they are signed with. */
export function configureWebhooks(state: FakeState, input: Record<string, unknown>): Response {
  if (typeof input.key !== "string" || !input.key) return json(400, { error: "key (the webhook signing key) is required" });
  if (input.url !== undefined && input.url !== null && (typeof input.url !== "string" || !/^https?:\/\//.test(input.url))) return json(400, { error: "url must be an http(s) URL" });
  state.webhook = { url: (input.url as string | undefined) ?? null, key: input.key };
  return json(200, { webhook: { url: state.webhook.url } });
}

/**
 * POST /__payments {tenantId, invoiceId | invoiceNumber, amount, date?, accountCode?, webhook?}: a payment
 * made in Xero. It follows the Accounting API's rules for payments; its invoice's UpdatedDateUTC moves (a
 * pull with If-Modified-Since sees it); `webhook: false` is the delivery Xero never made.
 */
export async function paymentMadeInXero(state: FakeState, input: Record<string, unknown>, now: number): Promise<Response> {
  const tenant = typeof input.tenantId === "string" ? state.tenants.get(input.tenantId.toLowerCase()) : undefined;
  if (!tenant) return json(404, { error: "no such tenant" });
  const ledger = ledgerOf(tenant, now);
  let payment;
  try {
    payment = createPayment(ledger, {
      Invoice: typeof input.invoiceId === "string" ? { InvoiceID: input.invoiceId } : { InvoiceNumber: input.invoiceNumber },
      Account: { Code: typeof input.accountCode === "string" ? input.accountCode : "090" },
      Amount: input.amount,
      ...(typeof input.date === "string" ? { Date: input.date } : {}),
      Reference: "Paid in Xero",
    });
  } catch (e) {
    if (e instanceof Refused) return json(400, { error: e.message });
    throw e;
  }
  keep(ledger);
  const invoiceId = payment._documentId as string;
  const d = delivery(state, [{ tenantId: tenant.id, category: "INVOICE", resource: "Invoices", resourceId: invoiceId }], now);
  const delivered = input.webhook === false ? null : await deliver(state, d);
  return json(201, { payment: renderPayment(ledger, payment), invoiceId, delivery: input.webhook === false ? null : d, delivered });
}
