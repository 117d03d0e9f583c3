// Co-editing of DRAFT quotes over the entity's socket (DESIGN.md §5, API.md "Co-editing"). The room
// serializes op batches per quote and applies them with the same domain rules as the REST API.
//
// Group commit: batches that queue up are applied one after another in memory and written in ONE
// guarded D1 batch — each with its own event row, audit row and quote_ops row (for exactly-once),
// and its own ack. Only then are the senders acked and the events broadcast, in seq order.
//
// Pipelining: a batch that arrives while a write is in flight does not wait for it. It is applied
// on top of that write's result and sent to D1 straight away, guarded on the earlier write having
// committed (its quote_ops row) as well as on rev. Writes settle in order; if one fails, every write
// chained on it fails its guard too, and their batches are applied again on a fresh load. Nothing
// is acked before it is in D1 (DESIGN.md §4).
import type { Connection } from "partyserver";
import { actorOf } from "../worker/actions/context.ts";
import { editableByOps, editNeedsCustomer, editStep, editWrite } from "../worker/actions/quotes.ts";
import { getCustomer } from "../worker/db/customers.ts";
import { ChangeSet } from "../worker/db/changes.ts";
import { loadQuote, pricesForLines, type StoredQuote, type WrittenBatch } from "../worker/db/quotes.ts";
import { can, isRole } from "../worker/domain/access.ts";
import { DomainError } from "../worker/domain/errors.ts";
import { QuoteRuleError, type QuotePrice } from "../worker/domain/quote.ts";
import type { Env } from "../worker/env.ts";
import type { Actor, ClientMessage, EntityEvent, ServerMessage } from "./protocol.ts";
import type { RoomConnectionState } from "./entity-room.ts";
import type { Role } from "../worker/domain/access.ts";

/** What the editing needs of its room: who may still write, and how to end a socket whose credential ended. */
export interface CredentialCheck {
  liveRoles(states: readonly Pick<RoomConnectionState, "sessionId" | "expiresAt">[]): Promise<Map<string, Role[]>>;
  endSocket(connection: Connection): void;
}

type OpMessage = Extract<ClientMessage, { type: "op" }>;
type Publish = (events: EntityEvent[]) => Promise<void>;

interface Pending {
  connection: Connection;
  state: RoomConnectionState;
  message: OpMessage;
  actor: Actor;
  /** Writes that carried this batch and failed (a concurrent change): it is applied again on a fresh load. */
  attempts: number;
}

/** One D1 write of a group of batches, in flight or settled. */
interface Flight {
  group: Pending[];
  db: D1Database;
  applied: { pending: Pending; rev: number }[];
  refused: { pending: Pending; error: QuoteRuleError }[];
  repeats: Pending[];
  /** The quote once this write has committed, and the batch that proves it did. */
  after: StoredQuote;
  proof: WrittenBatch | null;
  result: Promise<{ events: EntityEvent[] } | { error: unknown }>;
}

const MAX_ATTEMPTS = 4;
/** The most batches one D1 write carries. */
const MAX_GROUP = 64;
/** The most writes of one quote in flight at once: one in D1, one ready behind it; more split groups that would write together. */
const MAX_IN_FLIGHT = 2;
const keyOf = (p: Pending) => `${p.actor.id}\u0000${p.message.clientOpId}`;

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
  /** Wakes a drain that waits on its oldest write when a new batch arrives. */
  private readonly arrivals = new Map<string, () => void>();
  /** The quote as this room last wrote it; a change made elsewhere fails the rev guard and we reload. */
  private readonly quotes = new Map<string, StoredQuote>();
  private readonly prices = new Map<string, QuotePrice>();

  private readonly credentials: CredentialCheck;

  constructor(env: Env, credentials: CredentialCheck) {
    this.env = env;
    this.credentials = credentials;
  }

  apply(connection: Connection, state: RoomConnectionState, message: OpMessage, publish: Publish): Promise<void> {
    const queue = this.queues.get(message.quoteId) ?? [];
    queue.push({ connection, state, message, actor: actorOf(state.principal), attempts: 0 });
    this.queues.set(message.quoteId, queue);
    this.arrivals.get(message.quoteId)?.();
    let run = this.draining.get(message.quoteId);
    if (!run) {
      run = this.drain(message.quoteId, publish).finally(() => this.draining.delete(message.quoteId));
      this.draining.set(message.quoteId, run);
    }
    return run;
  }

  /** Events the room broadcasts tell it when its cache is stale (a change made outside the op channel). */
  observe(events: { subject: { type: string; id: string }; edit: boolean }[]) {
    for (const event of events) {
      if (event.subject.type === "quote" && !event.edit) this.quotes.delete(event.subject.id);
      if (event.subject.type === "price") this.prices.delete(event.subject.id);
    }
  }

  private async drain(quoteId: string, publish: Publish) {
    const queue = this.queues.get(quoteId)!;
    const flights: Flight[] = [];
    while (queue.length || flights.length) {
      if (queue.length && flights.length < MAX_IN_FLIGHT) {
        const group = queue.splice(0, MAX_GROUP);
        try {
          const flight = await this.launch(quoteId, group, flights);
          if (flight) flights.push(flight);
        } catch (error) {
          this.internalError(quoteId, group, error);
        }
        continue;
      }
      const oldest = flights[0];
      if (flights.length < MAX_IN_FLIGHT) {
        // Wait for the oldest write, or for a new batch to send after it, whichever comes first.
        const arrived = new Promise<"arrived">((resolve) => this.arrivals.set(quoteId, () => resolve("arrived")));
        const first = await Promise.race([oldest.result, arrived]);
        this.arrivals.delete(quoteId);
        if (first === "arrived") continue;
      }
      flights.shift();
      const outcome = await oldest.result;
      if ("events" in outcome) {
        await this.settled(quoteId, oldest, outcome.events, publish);
        continue;
      }
      // It failed, so every write chained on it fails its guard: collect them all, then start over.
      this.quotes.delete(quoteId);
      const again: Pending[] = [];
      for (const flight of [oldest, ...flights.splice(0)]) {
        const result = await flight.result;
        try {
          if ("events" in result && result.events.length) await this.settled(quoteId, flight, result.events, publish);
          else if ("events" in result) again.push(...flight.group); // judged on a state that was never written
          // Only the first failure counts as an attempt: the writes chained on it failed because it did.
          else again.push(...(await this.failed(quoteId, flight, result.error, flight === oldest)));
        } catch (error) {
          this.internalError(quoteId, flight.group, error);
        }
      }
      queue.unshift(...again);
    }
    this.queues.delete(quoteId);
  }

  private internalError(quoteId: string, group: Pending[], error: unknown) {
    console.error("op group failed", quoteId, error);
    this.quotes.delete(quoteId);
    for (const p of group) rejectWith(p, "internal_error", "The batch could not be applied; nothing was written");
  }

  /** Apply a group on the quote (or on the write in flight before it) and send its D1 write. */
  private async launch(quoteId: string, incoming: Pending[], inFlight: Flight[]): Promise<Flight | null> {
    const previous = inFlight.at(-1) ?? null;
    // Sign-out, expiry, revocation or a removed membership: nothing from a dead credential commits,
    // whether or not the room was told. One control-plane read per group; roles are as they are now.
    const live = await this.credentials.liveRoles(incoming.map((p) => p.state));
    const group = incoming.filter((p) => {
      const roles = live.get(p.state.sessionId);
      if (!roles) {
        rejectWith(p, "unauthenticated", "Your session has ended; nothing was written");
        this.credentials.endSocket(p.connection);
        return false;
      }
      if (can(roles.filter(isRole), "quotes:write")) return true;
      rejectWith(p, "forbidden", "Your role cannot edit quotes");
      return false;
    });
    if (!group.length) return null;
    const db = this.env[group[0].state.binding] as D1Database | undefined;
    if (!db) {
      group.forEach((p) => rejectWith(p, "entity_unavailable", "Entity database unavailable"));
      return null;
    }
    const before = previous?.after ?? this.quotes.get(quoteId) ?? (await loadQuote(db, quoteId));
    if (!before) {
      group.forEach((p) => rejectWith(p, "quote_not_found", `Quote ${quoteId} not found`));
      return null;
    }
    const editable = editableByOps(before);
    if (!editable.ok) {
      this.quotes.delete(quoteId);
      for (const p of group) {
        // A batch applied before (its ack lost) on a quote that has moved on is acked again, not refused.
        if (!(await this.ackIfApplied(db, p))) rejectWith(p, editable.code, editable.reason);
      }
      return null;
    }
    if (!previous) this.quotes.set(quoteId, before);
    const prices = await this.pricesFor(db, [
      ...before.lines.map((l) => l.priceId),
      ...group.flatMap((p) => p.message.ops.flatMap((op) => (op.op === "insertLine" ? [op.line.priceId] : op.op === "updateLine" && op.field === "priceId" && typeof op.value === "string" ? [op.value] : []))),
    ]);

    // Read fresh, not cached: a currency op must match the customer as it is now.
    const customer = group.some((p) => editNeedsCustomer(p.message)) ? await getCustomer(db, before.customerId) : null;

    const changes = new ChangeSet(db, group[0].actor, null);
    const flight: Flight = { group, db, applied: [], refused: [], repeats: [], after: before, proof: previous?.proof ?? null, result: Promise.resolve({ events: [] }) };
    // A batch resent while its first copy is still in flight is acked with that copy.
    const seen = new Set(inFlight.flatMap((f) => f.applied.map(({ pending }) => keyOf(pending))));
    let current = before;
    for (const pending of group) {
      if (seen.has(keyOf(pending))) {
        flight.repeats.push(pending);
        continue;
      }
      let next: StoredQuote;
      try {
        next = editStep(changes, current, { actor: pending.actor, clientOpId: pending.message.clientOpId, baseRev: pending.message.baseRev, ops: pending.message.ops }, prices, customer).quote;
      } catch (error) {
        if (!(error instanceof QuoteRuleError)) throw error;
        flight.refused.push({ pending, error });
        continue;
      }
      seen.add(keyOf(pending));
      flight.applied.push({ pending, rev: next.rev });
      current = next;
    }
    if (flight.applied.length) {
      editWrite(changes, before, current, previous?.proof ?? null);
      const last = flight.applied[flight.applied.length - 1].pending;
      flight.after = current;
      flight.proof = { actorId: last.actor.id, clientOpId: last.message.clientOpId };
      flight.result = changes.commit().then(
        (events) => ({ events }),
        (error: unknown) => ({ error }),
      );
    }
    return flight;
  }

  /** The write committed: ack its batches, answer the rest, broadcast its events in order. */
  private async settled(quoteId: string, flight: Flight, events: EntityEvent[], publish: Publish) {
    if (flight.applied.length) this.quotes.set(quoteId, flight.after);
    flight.applied.forEach(({ pending, rev }, i) => reply(pending.connection, { type: "ack", clientOpId: pending.message.clientOpId, rev, seq: events[i].seq }));
    for (const p of flight.repeats) {
      const first = flight.applied.findIndex((a) => keyOf(a.pending) === keyOf(p));
      if (first >= 0) reply(p.connection, { type: "ack", clientOpId: p.message.clientOpId, rev: flight.applied[first].rev, seq: events[first].seq });
      else if (!(await this.ackIfApplied(flight.db, p))) rejectWith(p, "conflict", "The batch could not be applied");
    }
    for (const { pending, error } of flight.refused) {
      // A resent batch that was applied already (e.g. its insert now collides with itself) is re-acked.
      if (!(await this.ackIfApplied(flight.db, pending))) rejectWith(pending, error.code, error.path ? `${error.path}: ${error.message}` : error.message);
    }
    if (events.length) await publish(events);
  }

  /** The write failed and wrote nothing: the batches to apply again (those not applied already, not out of attempts). */
  private async failed(quoteId: string, flight: Flight, error: unknown, counts: boolean): Promise<Pending[]> {
    const text = error instanceof Error ? error.message : String(error);
    const resent = text.includes("UNIQUE constraint failed: quote_ops"); // some batch here was applied by an earlier write
    const changedElsewhere = error instanceof DomainError && error.code === "rev_conflict";
    if (!resent && !changedElsewhere) {
      this.internalError(quoteId, flight.group, error);
      return [];
    }
    const again: Pending[] = [];
    for (const p of flight.group) {
      if (resent && (await this.ackIfApplied(flight.db, p))) continue;
      if (counts && ++p.attempts >= MAX_ATTEMPTS) rejectWith(p, "conflict", "The quote kept changing; nothing was written — try again");
      else again.push(p);
    }
    return again;
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
