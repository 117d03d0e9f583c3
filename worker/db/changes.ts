// Every state change of an entity is ONE D1 batch: the change, its audit row and its event row,
// guarded by SQL conditions (DESIGN.md §4). D1 has no interactive transactions, so a guard is an
// insert of changes() into the `batch_guards` view, whose trigger raises when the guarded statement
// did not change exactly one row: the whole batch rolls back, and the caller gets the guard's code
// (a conflict: every guard code is a 409 in worker/api/errors.ts).
import type { Actor, EntityEvent, Subject } from "../../party/protocol.ts";
import { DomainError } from "../domain/errors.ts";
import { newId } from "../lib/crypto.ts";
import { idempotencyInsert, type IdempotencyRecord } from "./idempotency.ts";

export interface Recorded {
  kind: string;
  subject: Subject;
  data: Record<string, unknown>;
  /** Who did it, when a batch carries several people's changes (group commit); default: the set's actor. */
  actor?: Actor;
  /** audit: what it was before (null on create) and after */
  before?: unknown;
  after?: unknown;
}


export class ChangeSet {
  readonly db: D1Database;
  readonly actor: Actor;
  readonly requestId: string | null;
  readonly at: string;
  private readonly statements: D1PreparedStatement[] = [];
  private readonly eventPositions: number[] = [];
  private readonly events: Omit<EntityEvent, "seq">[] = [];
  private readonly guards: { code: string; message: string }[] = [];
  private idempotency: IdempotencyRecord | null = null;

  constructor(db: D1Database, actor: Actor, requestId: string | null, at = new Date().toISOString()) {
    this.db = db;
    this.actor = actor;
    this.requestId = requestId;
    this.at = at;
  }

  add(...statements: D1PreparedStatement[]): this {
    this.statements.push(...statements);
    return this;
  }

  /** Run `statement`; if it changed exactly zero rows, abort the batch with `code` (a 409 by default). */
  guard(statement: D1PreparedStatement, code: string, message: string): this {
    this.statements.push(statement, this.db.prepare("INSERT INTO batch_guards (matched) VALUES (changes())"));
    this.guards.push({ code, message });
    return this;
  }

  /** Abort the batch with `code` unless `condition` (a SELECT of one 0/1 value) is 1 at this point of it. */
  require(condition: string, params: unknown[], code: string, message: string): this {
    this.statements.push(this.db.prepare(`INSERT INTO batch_guards (matched) ${condition}`).bind(...params));
    this.guards.push({ code, message });
    return this;
  }

  /** The audit row and the event row of one change. */
  record(change: Recorded): this {
    const actor = change.actor ?? this.actor;
    this.statements.push(
      this.db
        .prepare(
          "INSERT INTO audit_log (id, at, actor, action, subject_type, subject_id, before, after, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(
          newId("aud"),
          this.at,
          JSON.stringify(actor),
          change.kind,
          change.subject.type,
          change.subject.id,
          change.before === undefined || change.before === null ? null : JSON.stringify(change.before),
          JSON.stringify(change.after ?? change.data),
          this.requestId,
        ),
    );
    this.eventPositions.push(this.statements.length);
    this.statements.push(
      this.db
        .prepare(
          "INSERT INTO events (kind, subject_type, subject_id, actor, data, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq",
        )
        .bind(change.kind, change.subject.type, change.subject.id, JSON.stringify(actor), JSON.stringify(change.data), this.at),
    );
    this.events.push({ kind: change.kind, subject: change.subject, actor, at: this.at, data: change.data });
    return this;
  }

  /** Store the response for an Idempotency-Key in the same batch, so a replay never runs the change twice. */
  rememberResponse(record: IdempotencyRecord): this {
    this.idempotency = record;
    return this;
  }

  get isEmpty(): boolean {
    return this.statements.length === 0;
  }

  async commit(): Promise<EntityEvent[]> {
    const statements = [...this.statements];
    if (this.idempotency) statements.push(idempotencyInsert(this.db, this.idempotency, this.at));
    let results: D1Result[];
    try {
      results = await this.db.batch(statements);
    } catch (error) {
      throw translateBatchError(error, this.guards);
    }
    return this.eventPositions.map((position, i) => {
      const row = results[position]?.results?.[0] as { seq: number } | undefined;
      if (!row) throw new Error("event insert returned no seq");
      return { seq: row.seq, ...this.events[i] };
    });
  }
}

export class IdempotencyConflict extends Error {}

function translateBatchError(error: unknown, guards: { code: string; message: string }[]): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes("batch_guard:")) {
    const guard = guards[0] ?? { code: "conflict", message: "The resource changed; nothing was written" };
    return new DomainError(guard.code, guard.message);
  }
  if (message.includes("UNIQUE constraint failed: idempotency_keys")) return new IdempotencyConflict(message);
  return error;
}
