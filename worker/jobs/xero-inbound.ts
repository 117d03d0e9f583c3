// The Xero inbound queue's consumer (wrangler.toml kontor-<env>-xero-inbound): a webhook's invoice events
// of one organisation, or one entity's periodic pull (worker/integrations/xero/inbound.ts). Xero's
// Retry-After (or the budget's wait) delays the message; 5xx and network errors back off; a connection that
// needs reconnecting, or a read Xero refuses (4xx), drops it (the next hourly pull asks again from the
// watermark, which did not move).
import { DomainError } from "../domain/errors.ts";
import type { Env } from "../env.ts";
import { XeroRefused, XeroRetryLater } from "../integrations/xero/client.ts";
import { applyInvoiceEvents, connectedEntity, pullPayments } from "../integrations/xero/inbound.ts";
import type { XeroInboundMessage } from "../integrations/xero/webhooks.ts";

const PERMANENT = new Set(["reconnect_required", "integration_not_connected", "integration_unavailable", "entity_unavailable"]);

async function handle(env: Env, body: XeroInboundMessage): Promise<void> {
  if (body.kind === "webhook") {
    await applyInvoiceEvents(env, body);
    return;
  }
  const target = await connectedEntity(env, body.entityId);
  if (!target) return;
  const result = await pullPayments(env, target, body);
  if (result.kind === "more") await env.XERO_INBOUND.send(result.next);
}

export async function xeroInboundQueue(batch: MessageBatch<XeroInboundMessage>, env: Env): Promise<void> {
  // Two pulls of one entity in a batch are one pull.
  const pulls = new Set<string>();
  for (const message of batch.messages) {
    const body = message.body;
    if (body.kind === "pull" && !body.page) {
      if (pulls.has(body.entityId)) {
        message.ack();
        continue;
      }
      pulls.add(body.entityId);
    }
    try {
      await handle(env, body);
      message.ack();
    } catch (error) {
      if (error instanceof XeroRetryLater) {
        message.retry({ delaySeconds: error.retryAfterMs > 0 ? Math.ceil(error.retryAfterMs / 1000) : Math.min(2 ** message.attempts, 300) });
      } else if (error instanceof XeroRefused || (error instanceof DomainError && PERMANENT.has(error.code))) {
        // Asking again would be refused again: the next hourly pull asks afresh.
        console.error("xero inbound: dropped", body.kind, error.code, error.message);
        message.ack();
      } else {
        console.error("xero inbound failed", body.kind, message.attempts, error);
        message.retry({ delaySeconds: Math.min(2 ** message.attempts, 300) });
      }
    }
  }
}
