// Co-editing of DRAFT quotes over the entity's socket (DESIGN.md §5, API.md "Co-editing"). The room
// serializes op batches per quote and applies them with the same domain rules as the REST API.
//
// Group commit: batches that queue up while a write is in flight are applied one after another in
// memory and written in ONE guarded D1 batch — each with its own event row, audit row and
// quote_ops row (for exactly-once), and its own ack. Only then are the senders acked and the
// events broadcast, in seq order.
import type { Connection } from "partyserver";
import { ApiError } from "../worker/api/errors.ts";
import { ChangeSet } from "../worker/db/changes.ts";
import { loadQuote, pricesForLines, updateQuote, type StoredQuote } from "../worker/db/quotes.ts";
import { can, isRole } from "../worker/domain/access.ts";
import { applyOps, quoteTotals, QuoteRuleError, type AppliedOp, type LineAmounts, type QuotePrice } from "../worker/domain/quote.ts";
import type { Env } from "../worker/env.ts";
import type { Actor, ClientMessage, EntityEvent, ServerMessage } from "./protocol.ts";
import type { RoomConnectionState } from "./entity-room.ts";

type OpMessage = Extract<ClientMessage, { type: "op" }>;
type Publish = (events: EntityEvent[]) => Promise<void>;

interface Pending {
  connection: Connection;
  state: RoomConnectionState;
  message: OpMessage;
  actor: Actor;
}

const MAX_ATTEMPTS = 4;
/** The most batches one D1 write carries. */
const MAX_GROUP = 64;

const actorOf = (state: RoomConnectionState): Actor =>
  state.principal.kind === "user"
    ? { type: "user", id: state.principal.userId, name: state.principal.name }
    : { type: "api_key", id: state.principal.keyId, name: state.principal.name };

function reply(connection: Connection, message: ServerMessage) {
  try {
    connection.send(JSON.stringify(message));
  } catch {
    /* the sender left; its batch stands and it will catch up from the events */
  }
}

const rejectWith = (p: Pending, code: string, message: string) =>
  reply(p.connection, { type: "reject", clientOpId: p.message.clientOpId, error: { code, message } });

export class QuoteEditing {
  readonly env: Env;
  private readonly queues = new Map<string, Pending[]>();
  private readonly draining = new Map<string, Promise<void>>();
  /** The quote as this room last wrote it; a change made elsewhere fails the rev guard and we reload. */
  private readonly quotes = new Map<string, StoredQuote>();
  private readonly prices = new Map<string, QuotePrice>();

  constructor(env: Env) {
    this.env = env;
  }

  apply(connection: Connection, state: RoomConnectionState, message: OpMessage, publish: Publish): Promise<void> {
    const queue = this.queues.get(message.quoteId) ?? [];
    queue.push({ connection, state, message, actor: actorOf(state) });
    this.queues.set(message.quoteId, queue);
    let run = this.draining.get(message.quoteId);
    if (!run) {
      run = this.drain(message.quoteId, publish).finally(() => this.draining.delete(message.quoteId));
      this.draining.set(message.quoteId, run);
    }
    return run;
  }

  /** Events the room broadcasts tell it when its cache is stale (a change made outside the op channel). */
  observe(events: EntityEvent[]) {
    for (const event of events) {
      if (event.subject.type === "quote" && !("clientOpId" in event.data)) this.quotes.delete(event.subject.id);
      if (event.subject.type === "price") this.prices.delete(event.subject.id);
    }
  }

  private async drain(quoteId: string, publish: Publish) {
    const queue = this.queues.get(quoteId)!;
    while (queue.length) {
      const group = queue.splice(0, MAX_GROUP);
      try {
        await this.commitGroup(quoteId, group, publish);
      } catch (error) {
        console.error("op group failed", quoteId, error);
        this.quotes.delete(quoteId);
        for (const p of group) rejectWith(p, "internal_error", "The batch could not be applied; nothing was written");
      }
    }
    this.queues.delete(quoteId);
  }

  private async commitGroup(quoteId: string, incoming: Pending[], publish: Publish) {
    let group = incoming.filter((p) => {
      if (can(p.state.roles.filter(isRole), "quotes:write")) return true;
      rejectWith(p, "forbidden", "Your role cannot edit quotes");
      return false;
    });
    const db = group[0] ? (this.env[group[0].state.binding] as D1Database | undefined) : undefined;
    if (!group.length) return;
    if (!db) return group.forEach((p) => rejectWith(p, "entity_unavailable", "Entity database unavailable"));
    const origin = group[0].connection.uri ? new URL(group[0].connection.uri).origin : null;

    for (let attempt = 0; attempt < MAX_ATTEMPTS && group.length; attempt++) {
      const before = (attempt === 0 && this.quotes.get(quoteId)) || (await loadQuote(db, quoteId));
      if (!before) return group.forEach((p) => rejectWith(p, "quote_not_found", `Quote ${quoteId} not found`));
      if (before.archivedAt || before.status !== "DRAFT") {
        this.quotes.delete(quoteId);
        for (const p of group) {
          // A batch applied before (its ack lost) on a quote that has moved on is acked again, not refused.
          if (!(await this.ackIfApplied(db, p))) rejectWith(p, "quote_not_editable", `Ops apply to DRAFT quotes; this one is ${before.archivedAt ? "archived" : before.status}`);
        }
        return;
      }
      const prices = await this.pricesFor(db, [
        ...before.lines.map((l) => l.priceId),
        ...group.flatMap((p) => p.message.ops.flatMap((op) => (op.op === "insertLine" ? [op.line.priceId] : op.op === "updateLine" && op.field === "priceId" && typeof op.value === "string" ? [op.value] : []))),
      ]);

      const changes = new ChangeSet(db, group[0].actor, null);
      const applied: { pending: Pending; rev: number }[] = [];
      const refused: { pending: Pending; error: QuoteRuleError }[] = [];
      const repeats: Pending[] = [];
      const seen = new Set<string>();
      let current = before;
      for (const pending of group) {
        const key = `${pending.actor.id}\u0000${pending.message.clientOpId}`;
        if (seen.has(key)) {
          repeats.push(pending); // the same batch twice in one group: applied once, acked twice
          continue;
        }
        let next: StoredQuote;
        let ops: AppliedOp[];
        let amounts: Map<string, LineAmounts>;
        try {
          const result = applyOps(current, pending.message.ops, prices);
          const priced = quoteTotals(result.content.lines, prices, result.content.currency);
          ops = result.applied;
          amounts = priced.lines;
          next = { ...current, ...result.content, totals: priced.totals, updatedAt: changes.at, rev: current.rev + 1, approvalStatus: "NOT_REQUIRED", approvedRev: null };
        } catch (error) {
          if (!(error instanceof QuoteRuleError)) throw error;
          refused.push({ pending, error });
          continue;
        }
        seen.add(key);
        // Compact event: the ops as applied (server positions), the touched lines' amounts, the totals.
        const repriced = ops.some((op) => op.op === "set" && op.field === "currency"); // every line's amounts change
        const touched = new Set(repriced ? [...amounts.keys()] : ops.flatMap((op) => (op.skipped ? [] : op.op === "insertLine" ? [op.line.id] : op.op === "updateLine" ? [op.lineId] : [])));
        const lineAmounts = Object.fromEntries([...touched].filter((id) => amounts.has(id)).map((id) => [id, amounts.get(id)!]));
        changes.record({
          kind: "quote.updated",
          actor: pending.actor,
          subject: { type: "quote", id: quoteId },
          data: { quoteId, clientOpId: pending.message.clientOpId, baseRev: pending.message.baseRev, rev: next.rev, ops, lineAmounts, totals: next.totals, approvalStatus: next.approvalStatus, updatedAt: next.updatedAt },
          before: { rev: current.rev },
          after: { rev: next.rev, ops },
        });
        changes.add(
          db
            .prepare("INSERT INTO quote_ops (actor_id, client_op_id, quote_id, rev, seq, at) VALUES (?, ?, ?, ?, (SELECT MAX(seq) FROM events), ?)")
            .bind(pending.actor.id, pending.message.clientOpId, quoteId, next.rev, changes.at),
        );
        applied.push({ pending, rev: next.rev });
        current = next;
      }

      let events: EntityEvent[] = [];
      if (applied.length) {
        updateQuote(changes, before, current);
        try {
          events = await changes.commit();
        } catch (error) {
          this.quotes.delete(quoteId);
          const text = error instanceof Error ? error.message : String(error);
          if (text.includes("UNIQUE constraint failed: quote_ops")) {
            // Some batch here was applied in an earlier write (a resend): ack those, retry the rest.
            const remaining: Pending[] = [];
            for (const p of group) if (!(await this.ackIfApplied(db, p))) remaining.push(p);
            group = remaining;
            continue;
          }
          if (error instanceof ApiError && error.code === "rev_conflict") continue; // changed elsewhere: rebase
          throw error;
        }
        this.quotes.set(quoteId, current);
      }
      applied.forEach(({ pending, rev }, i) => reply(pending.connection, { type: "ack", clientOpId: pending.message.clientOpId, rev, seq: events[i].seq }));
      for (const p of repeats) {
        const first = applied.findIndex((a) => a.pending.actor.id === p.actor.id && a.pending.message.clientOpId === p.message.clientOpId);
        if (first >= 0) reply(p.connection, { type: "ack", clientOpId: p.message.clientOpId, rev: applied[first].rev, seq: events[first].seq });
        else if (!(await this.ackIfApplied(db, p))) rejectWith(p, "conflict", "The batch could not be applied");
      }
      for (const { pending, error } of refused) {
        // A resent batch that was applied already (e.g. its insert now collides with itself) is re-acked.
        if (!(await this.ackIfApplied(db, pending))) rejectWith(pending, error.code, error.path ? `${error.path}: ${error.message}` : error.message);
      }
      if (events.length) await publish(events);
      return;
    }
    for (const p of group) rejectWith(p, "conflict", "The quote kept changing; nothing was written — try again");
  }

  private async ackIfApplied(db: D1Database, p: Pending): Promise<boolean> {
    const row = await db
      .prepare("SELECT rev, seq FROM quote_ops WHERE actor_id = ? AND client_op_id = ? AND quote_id = ?")
      .bind(p.actor.id, p.message.clientOpId, p.message.quoteId)
      .first<{ rev: number; seq: number }>();
    if (!row) return false;
    reply(p.connection, { type: "ack", clientOpId: p.message.clientOpId, rev: row.rev, seq: row.seq });
    return true;
  }

  private async pricesFor(db: D1Database, ids: string[]): Promise<Map<string, QuotePrice>> {
    const missing = [...new Set(ids)].filter((id) => !this.prices.has(id));
    if (missing.length) for (const [id, price] of await pricesForLines(db, missing)) this.prices.set(id, price);
    return this.prices;
  }
}
