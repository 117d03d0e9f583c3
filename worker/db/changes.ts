// Every state change of an entity is ONE D1 batch: the change, its audit row and its event row,
// guarded by SQL conditions (DESIGN.md §4). D1 has no interactive transactions, so a guard is an
// insert of changes() into the `batch_guards` view, whose trigger raises when the guarded statement
// did not change exactly one row: the whole batch rolls back, and the caller gets the guard's code
// (a conflict: every guard code is a 409 in worker/api/errors.ts).
import type { Actor, EntityEvent, Subject } from "../../party/protocol.ts";
import { DomainError } from "../domain/errors.ts";
import { newId } from "../lib/crypto.ts";
import { idempotencyInsert, type IdempotencyRecord } from "./idempotency.ts";
import { orm, placeholders, statementOf, template, type Orm, type Renderable } from "./orm.ts";
import { auditLog, events } from "./schema/entity.ts";

/** A raw D1 statement, or a drizzle query builder (rendered to one when added). */
export type Statement = D1PreparedStatement | Renderable;

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


// Every change writes these: rendered once (see `template`), bound per row.
const auditInsert = template((d) =>
  d.insert(auditLog).values(placeholders(["id", "at", "actor", "action", "subjectType", "subjectId", "before", "after", "requestId"] as const)),
);
const eventInsert = template((d) =>
  d.insert(events).values(placeholders(["kind", "subjectType", "subjectId", "actor", "data", "at"] as const)).returning({ seq: events.seq }),
);

// The batch is a list of plain D1 statements: drizzle queries are rendered as they are added, so raw
// statements (the guard, callers' own SQL) and drizzle ones mix in one atomic `db.batch`, and each
// event's RETURNING seq is read back by its position.
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

  /** drizzle over this set's database, for building the statements it carries. */
  get orm(): Orm {
    return orm(this.db);
  }

  private statement(s: Statement): D1PreparedStatement {
    return "toSQL" in s ? statementOf(this.db, s) : s;
  }

  add(...statements: Statement[]): this {
    for (const s of statements) this.statements.push(this.statement(s));
    return this;
  }

  /** Run `statement`; if it changed exactly zero rows, abort the batch with `code` (a 409 by default). */
  guard(statement: Statement, code: string, message: string): this {
    this.statements.push(this.statement(statement), this.db.prepare("INSERT INTO batch_guards (matched) VALUES (changes())"));
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
    const at = this.at;
    this.add(
      auditInsert(this.db, {
        id: newId("aud"),
        at,
        actor,
        action: change.kind,
        subjectType: change.subject.type,
        subjectId: change.subject.id,
        before: change.before ?? null,
        after: change.after ?? change.data,
        requestId: this.requestId,
      }),
    );
    this.eventPositions.push(this.statements.length);
    this.add(eventInsert(this.db, { kind: change.kind, subjectType: change.subject.type, subjectId: change.subject.id, actor, data: change.data, at }));
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
