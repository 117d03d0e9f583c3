// The documents queue's consumer (wrangler.toml [[queues.consumers]]): a final invoice or credit note
// whose PDF is still to draw. Drawing is idempotent (the PDF is recorded once; a second drawing of the
// same snapshot is the same bytes), so a redelivery or a GET /pdf that came first costs nothing.
import * as creditNotes from "../actions/credit-notes.ts";
import type { ActionContext } from "../actions/context.ts";
import type { DocumentMessage } from "../actions/documents.ts";
import * as invoices from "../actions/invoices.ts";
import { findEntity } from "../db/control.ts";
import type { Env } from "../env.ts";
import { publishEvents } from "../live.ts";

const DOCUMENTS_ACTOR = { type: "system", id: "documents", name: "Documents" } as const;

export async function documentsQueue(batch: MessageBatch<DocumentMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const { entityId, kind, id } = message.body;
    const entity = await findEntity(env.CONTROL, entityId, env.ENVIRONMENT);
    const db = entity ? (env[entity.binding] as D1Database | undefined) : undefined;
    if (!entity || !db) {
      console.error("documents: no such entity here", entityId);
      message.ack();
      continue;
    }
    const ctx: ActionContext = { entity, db, actor: DOCUMENTS_ACTOR, requestId: null, origin: null, publish: (events) => publishEvents(env, entity, events) };
    try {
      if (kind === "invoice") await invoices.attachPdfOf(ctx, id, env.DOCUMENTS);
      else await creditNotes.attachPdfOf(ctx, id, env.DOCUMENTS);
      message.ack();
    } catch (error) {
      // GET /pdf still draws it on demand if every delivery fails.
      console.error("documents: drawing failed", kind, id, message.attempts, error);
      message.retry({ delaySeconds: Math.min(2 ** message.attempts, 60) });
    }
  }
}
