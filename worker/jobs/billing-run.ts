// The billing-run queue's consumer (wrangler.toml [[queues.consumers]]): one message is one chunk of
// one run (worker/actions/billing-runs.ts billChunk). A chunk that throws is retried by the queue; its
// last attempt marks the run FAILED instead (invoices already made stay: a new run bills the rest).
import { billChunk, failChunk, type BillingRunMessage, type ChunkContext } from "../actions/billing-runs.ts";
import { findEntity } from "../db/control.ts";
import type { EntityRecord, Env } from "../env.ts";
import { publishEvents } from "../live.ts";
import type { EntityEvent } from "../../party/protocol.ts";

/** Deliveries of one chunk before its run is FAILED (wrangler.toml's max_retries allows this many). */
export const CHUNK_MAX_ATTEMPTS = 5;

export async function billingRunQueue(batch: MessageBatch<BillingRunMessage>, env: Env, execution?: ExecutionContext): Promise<void> {
  // The messages of a batch are independent chunks: billed side by side (D1 orders the writes). The
  // events go to the room after each commit without holding the chunk (waitUntil when there is a context).
  const entities = new Map<string, Promise<EntityRecord | null>>();
  const entityOf = (id: string) => {
    if (!entities.has(id)) entities.set(id, findEntity(env.CONTROL, id, env.ENVIRONMENT));
    return entities.get(id)!;
  };
  await Promise.all(batch.messages.map((message) => billOne(message, env, entityOf, execution)));
}

async function billOne(message: Message<BillingRunMessage>, env: Env, entityOf: (id: string) => Promise<EntityRecord | null>, execution?: ExecutionContext): Promise<void> {
  const body = message.body;
  const entity = await entityOf(body.entityId);
  const db = entity ? (env[entity.binding] as D1Database | undefined) : undefined;
  if (!entity || !db) {
    console.error("billing run: no such entity here", body.entityId);
    message.ack();
    return;
  }
  const publish = async (events: EntityEvent[]) => {
    const publishing = publishEvents(env, entity, events);
    if (execution) execution.waitUntil(publishing);
    else await publishing;
  };
  const ctx: ChunkContext = { entity, db, publish, queue: env.BILLING_RUNS };
  try {
    await billChunk(ctx, body);
    message.ack();
  } catch (error) {
    console.error("billing run: chunk failed", body.runId, body.chunk.index, message.attempts, error);
    if (message.attempts >= CHUNK_MAX_ATTEMPTS) {
      await failChunk(ctx, body, error instanceof Error ? error.message : String(error)).catch((e) => console.error("billing run: could not mark FAILED", body.runId, e));
      message.ack();
    } else {
      message.retry({ delaySeconds: Math.min(2 ** message.attempts, 60) });
    }
  }
}
