// The Xero sync queue's consumer (wrangler.toml kontor-<env>-xero-sync): a message names an entity; its
// PENDING objects are sent (worker/integrations/xero/sync.ts). Xero's Retry-After, the budget's wait, or
// another run holding the connection's lease queue a fresh message after the wait; 5xx and network errors
// retry the message with backoff; a pass that leaves more queues the next message.
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
      // A redelivered message (or one carrying on from it) may follow a request whose answer was lost: look objects up before writing.
      const lookup = message.attempts > 1 || message.body.lookup === true;
      const result = await syncPass(env, entity, db, { lookup });
      // Not a failure — another run is sending this entity's objects, or the organisation's call budget is
      // spent (no call was made, or Xero refused it with 429 unprocessed): a fresh message after the wait.
      // A retry would spend the message's attempts (a large backfill waits for the budget many times, and
      // its last retry would drop the message) and make the next run look everything up first.
      if (result.kind === "busy" || (result.kind === "later" && result.rateLimited)) {
        if (await requestSync(env, entityId, Math.max(1, Math.ceil(result.retryAfterMs / 1000)), lookup)) message.ack();
        else message.retry({ delaySeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) });
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
