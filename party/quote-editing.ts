// Co-editing of DRAFT quotes over the entity's socket (DESIGN.md §5, API.md "Co-editing"). The room
// serializes op batches per quote, applies them with the same domain rules as the REST API, writes
// each batch to D1 in one guarded batch with its event (and its clientOpId, for exactly-once), then
// acks the sender and broadcasts `quote.updated` with the ops as applied.
import type { Connection } from "partyserver";
import { ApiError } from "../worker/api/errors.ts";
import { ChangeSet } from "../worker/db/changes.ts";
import { loadQuote, pricesForLines, quoteView, updateQuote, withTotals, type StoredQuote } from "../worker/db/quotes.ts";
import { can, isRole } from "../worker/domain/access.ts";
import { applyOps, QuoteRuleError, type QuotePrice } from "../worker/domain/quote.ts";
import type { Env } from "../worker/env.ts";
import type { Actor, ClientMessage, EntityEvent, ServerMessage } from "./protocol.ts";
import type { RoomConnectionState } from "./entity-room.ts";

type OpMessage = Extract<ClientMessage, { type: "op" }>;
const MAX_ATTEMPTS = 4;

export class QuoteEditing {
  readonly env: Env;
  /** One chain per quote: batches on the same quote run one at a time, in arrival order. */
  private readonly queues = new Map<string, Promise<void>>();
  /** The quote as this room last wrote it; a REST change in between makes the rev guard fail and we reload. */
  private readonly quotes = new Map<string, StoredQuote>();
  private readonly prices = new Map<string, QuotePrice>();

  constructor(env: Env) {
    this.env = env;
  }

  apply(connection: Connection, state: RoomConnectionState, message: OpMessage, publish: (events: EntityEvent[]) => Promise<void>): Promise<void> {
    const previous = this.queues.get(message.quoteId) ?? Promise.resolve();
    const run = previous
      .then(() => this.applyBatch(connection, state, message, publish))
      .catch((error) => {
        console.error("op batch failed", message.quoteId, error);
        reply(connection, { type: "reject", clientOpId: message.clientOpId, error: { code: "internal_error", message: "The batch could not be applied; nothing was written" } });
      });
    this.queues.set(message.quoteId, run);
    void run.finally(() => {
      if (this.queues.get(message.quoteId) === run) this.queues.delete(message.quoteId);
    });
    return run;
  }

  /** Events the room broadcasts tell it when its cache is stale (a change made outside the op channel). */
  observe(events: EntityEvent[]) {
    for (const event of events) {
      if (event.subject.type === "quote" && !("clientOpId" in event.data)) this.quotes.delete(event.subject.id);
      if (event.subject.type === "price") this.prices.delete(event.subject.id);
    }
  }

  private async applyBatch(connection: Connection, state: RoomConnectionState, message: OpMessage, publish: (events: EntityEvent[]) => Promise<void>) {
    const reject = (code: string, text: string) => reply(connection, { type: "reject", clientOpId: message.clientOpId, error: { code, message: text } });
    if (!can(state.roles.filter(isRole), "quotes:write")) return reject("forbidden", "Your role cannot edit quotes");
    const db = this.env[state.binding] as D1Database | undefined;
    if (!db) return reject("entity_unavailable", "Entity database unavailable");
    const principal = state.principal;
    const actor: Actor = principal.kind === "user" ? { type: "user", id: principal.userId, name: principal.name } : { type: "api_key", id: principal.keyId, name: principal.name };
    const origin = connection.uri ? new URL(connection.uri).origin : null;

    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const before = attempt === 0 && this.quotes.has(message.quoteId) ? this.quotes.get(message.quoteId)! : await loadQuote(db, message.quoteId);
      if (!before) return reject("quote_not_found", `Quote ${message.quoteId} not found`);
      if (before.archivedAt || before.status !== "DRAFT") {
        this.quotes.delete(message.quoteId);
        // A batch already applied (its ack lost) on a quote that moved on is still acked, not refused.
        if (await this.ackIfApplied(connection, db, actor, message)) return;
        return reject("quote_not_editable", `Ops apply to DRAFT quotes; this one is ${before.archivedAt ? "archived" : before.status}`);
      }
      const prices = await this.pricesFor(db, [
        ...before.lines.map((l) => l.priceId),
        ...message.ops.flatMap((op) => (op.op === "insertLine" ? [op.line.priceId] : op.op === "updateLine" && op.field === "priceId" && typeof op.value === "string" ? [op.value] : [])),
      ]);
      let after: StoredQuote;
      let applied;
      const changes = new ChangeSet(db, actor, null);
      try {
        const result = applyOps(before, message.ops, prices);
        applied = result.applied;
        after = withTotals({ ...before, ...result.content, updatedAt: changes.at, rev: before.rev + 1, approvalStatus: "NOT_REQUIRED", approvedRev: null }, prices);
      } catch (error) {
        if (error instanceof QuoteRuleError) {
          // A resent batch that was applied already (e.g. its insert now collides with itself) is re-acked.
          if (await this.ackIfApplied(connection, db, actor, message)) return;
          return reject(error.code, error.path ? `${error.path}: ${error.message}` : error.message);
        }
        throw error;
      }
      const view = quoteView(after, prices, origin);
      updateQuote(changes, before, after);
      changes.record({
        kind: "quote.updated",
        subject: { type: "quote", id: before.id },
        data: { quote: view, ops: applied, clientOpId: message.clientOpId, baseRev: message.baseRev, rev: after.rev },
        before: { rev: before.rev },
        after: { rev: after.rev, ops: applied },
      });
      changes.add(
        db
          .prepare("INSERT INTO quote_ops (actor_id, client_op_id, quote_id, rev, seq, at) VALUES (?, ?, ?, ?, (SELECT MAX(seq) FROM events), ?)")
          .bind(actor.id, message.clientOpId, before.id, after.rev, changes.at),
      );
      let events: EntityEvent[];
      try {
        events = await changes.commit();
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        if (text.includes("UNIQUE constraint failed: quote_ops")) {
          // The same batch was already applied (a resend after a lost ack): ack it again, apply nothing.
          if (await this.ackIfApplied(connection, db, actor, message)) return;
        }
        if (error instanceof ApiError && error.code === "rev_conflict") {
          this.quotes.delete(message.quoteId); // changed outside this room: rebase on the stored quote
          continue;
        }
        throw error;
      }
      this.quotes.set(before.id, after);
      reply(connection, { type: "ack", clientOpId: message.clientOpId, rev: after.rev, seq: events[0].seq });
      await publish(events);
      return;
    }
    reject("conflict", "The quote kept changing; nothing was written — try again");
  }

  private async ackIfApplied(connection: Connection, db: D1Database, actor: Actor, message: OpMessage): Promise<boolean> {
    const row = await db
      .prepare("SELECT rev, seq FROM quote_ops WHERE actor_id = ? AND client_op_id = ? AND quote_id = ?")
      .bind(actor.id, message.clientOpId, message.quoteId)
      .first<{ rev: number; seq: number }>();
    if (!row) return false;
    reply(connection, { type: "ack", clientOpId: message.clientOpId, rev: row.rev, seq: row.seq });
    return true;
  }

  private async pricesFor(db: D1Database, ids: string[]): Promise<Map<string, QuotePrice>> {
    const missing = [...new Set(ids)].filter((id) => !this.prices.has(id));
    if (missing.length) for (const [id, price] of await pricesForLines(db, missing)) this.prices.set(id, price);
    return this.prices;
  }
}

function reply(connection: Connection, message: ServerMessage) {
  connection.send(JSON.stringify(message));
}
