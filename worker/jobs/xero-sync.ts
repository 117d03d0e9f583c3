// The Xero sync queue's consumer (wrangler.toml kontor-<env>-xero-sync): a message names an entity; its
// PENDING objects are sent (worker/integrations/xero/sync.ts). Xero's Retry-After, or the budget's wait,
// delays the message; 5xx and network errors back off; a pass that leaves more queues the next message.
import { findEntity } from "../db/control.ts";
import type { Env } from "../env.ts";
import { syncPass } from "../integrations/xero/sync.ts";
import { requestSync, type XeroSyncMessage } from "../integrations/xero/sync-queue.ts";

export async function xeroSyncQueue(batch: MessageBatch<XeroSyncMessage>, env: Env): Promise<void> {
  // Several messages for one entity in a batch are one pass: the first does the work.
  const seen = new Set<string>();
  for (const message of batch.messages) {
    const { entityId } = message.body;
    if (seen.has(entityId)) {
      message.ack();
      continue;
    }
    seen.add(entityId);
    const entity = await findEntity(env.CONTROL, entityId, env.ENVIRONMENT);
    const db = entity ? (env[entity.binding] as D1Database | undefined) : undefined;
    if (!entity || !db) {
      message.ack();
      continue;
    }
    try {
      // A redelivered message may follow a request whose answer was lost: look objects up before writing.
      const result = await syncPass(env, entity, db, { lookup: message.attempts > 1 });
      if (result.kind === "busy") {
        // Not a failure: another run is sending this entity's objects. A fresh message (not a retry, whose
        // attempt count would make the next run look everything up first) asks again shortly.
        await requestSync(env, entityId, Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
        message.ack();
        continue;
      }
      if (result.kind === "later") {
        const delaySeconds = result.retryAfterMs > 0 ? Math.ceil(result.retryAfterMs / 1000) : Math.min(2 ** message.attempts, 300);
        message.retry({ delaySeconds });
        continue;
      }
      if (result.kind === "done" && result.more) await requestSync(env, entityId);
      message.ack();
    } catch (error) {
      console.error("xero sync failed", entityId, message.attempts, error);
      message.retry({ delaySeconds: Math.min(2 ** message.attempts, 300) });
    }
  }
}
