// Xero's webhooks (tests/fakes/xero/openapi/xero-webhooks.yaml): every delivery carries x-xero-signature,
// base64(HMAC-SHA256(raw body, the app's webhook key)). A delivery whose signature does not match is
// answered 401 with no body — which is also how Xero's "intent to receive" check is passed: it sends one
// good and one bad signature and expects 200 and 401. A good one is answered 200 at once; its INVOICE
// events go on the inbound queue (worker/jobs/xero-inbound.ts), grouped by organisation.
import { DomainError } from "../../domain/errors.ts";
import type { Env } from "../../env.ts";

export interface XeroInvoiceEvents {
  kind: "webhook";
  tenantId: string;
  /** Xero InvoiceIDs (lowercase) the delivery says changed. */
  invoiceIds: string[];
}

export interface XeroPullMessage {
  kind: "pull";
  entityId: string;
  /** Set on a pull's continuation: where it goes on from. */
  page?: number;
  since?: string;
  through?: string;
}

export type XeroInboundMessage = XeroInvoiceEvents | XeroPullMessage;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids per message: one GET Invoices?IDs= each (a URL of 40 UUIDs stays short). */
export const IDS_PER_MESSAGE = 40;

function webhookKey(env: Env): string {
  if (!env.XERO_WEBHOOK_KEY) throw new DomainError("integration_unavailable", "Xero webhooks are not configured in this environment (XERO_WEBHOOK_KEY)");
  return env.XERO_WEBHOOK_KEY;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Whether `signature` is the HMAC-SHA256 of `body` under the webhook key. WebCrypto's HMAC verify compares
 * in constant time; a signature that is not base64 of 32 bytes is refused before it.
 */
export async function verifySignature(key: string, body: ArrayBuffer, signature: string | null | undefined): Promise<boolean> {
  if (!signature) return false;
  const given = base64Bytes(signature.trim());
  if (!given || given.length !== 32) return false;
  const hmac = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  return crypto.subtle.verify("HMAC", hmac, given, body);
}

/** The INVOICE events of a delivery, by organisation; other categories (CONTACT, CREDITNOTE…) are not acted on. */
export function invoiceEventsOf(payload: unknown): XeroInvoiceEvents[] {
  const events = (payload as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return [];
  const byTenant = new Map<string, Set<string>>();
  for (const event of events) {
    const e = event as Record<string, unknown> | null;
    if (!e || e.eventCategory !== "INVOICE" || e.tenantType !== "ORGANISATION") continue;
    if (typeof e.tenantId !== "string" || !UUID.test(e.tenantId) || typeof e.resourceId !== "string" || !UUID.test(e.resourceId)) continue;
    const tenant = e.tenantId.toLowerCase();
    if (!byTenant.has(tenant)) byTenant.set(tenant, new Set());
    byTenant.get(tenant)!.add(e.resourceId.toLowerCase());
  }
  const messages: XeroInvoiceEvents[] = [];
  for (const [tenantId, ids] of byTenant) {
    const all = [...ids];
    for (let i = 0; i < all.length; i += IDS_PER_MESSAGE) messages.push({ kind: "webhook", tenantId, invoiceIds: all.slice(i, i + IDS_PER_MESSAGE) });
  }
  return messages;
}

/**
 * One delivery: true when it was Xero's (the caller answers 200), false when it was not (401). The work
 * goes on the queue; a queue that refuses it throws, so Xero sees a 5xx and delivers again.
 */
export async function receiveDelivery(env: Env, body: ArrayBuffer, signature: string | null): Promise<boolean> {
  if (!(await verifySignature(webhookKey(env), body, signature))) return false;
  let payload: unknown = null;
  try {
    payload = body.byteLength ? JSON.parse(new TextDecoder().decode(body)) : null;
  } catch {
    // Signed but not JSON: nothing to act on (Xero only sends JSON).
    return true;
  }
  const messages = invoiceEventsOf(payload);
  // A queue batch takes at most 100 messages.
  for (let i = 0; i < messages.length; i += 100) await env.XERO_INBOUND.sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
  return true;
}
