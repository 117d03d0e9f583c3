// Every state change of an entity is ONE D1 batch: the change, its audit row and its event row,
// guarded by SQL conditions (DESIGN.md §4). D1 has no interactive transactions, so a guard is an
// insert of changes() into the `batch_guards` view, whose trigger raises when the guarded statement
// did not change exactly one row: the whole batch rolls back, and the caller gets the guard's code
// (a conflict: every guard code is a 409 in worker/api/errors.ts).
import type { Actor, EntityEvent, Subject } from "../../party/protocol.ts";
import { DomainError } from "../domain/errors.ts";
import { newId } from "../lib/crypto.ts";
import { deleteExpiredRecord, idempotencyInsert, idempotencyValues, type IdempotencyRecord } from "./idempotency.ts";
import { sql, type SQL } from "drizzle-orm";
import { orm, statementOf, type Orm, type Renderable } from "./orm.ts";
import { idempotencyKeys } from "./schema/entity.ts";

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


/**
 * The most an event's data (and an audit row's after) may take as JSON. Larger changes are recorded
 * by reference — `{truncated: true}` with the top-level facts and `{id, rev}` of each record — and
 * clients refetch the subject: one 1 MB PATCH must not become 1 MB on every socket, nor a replay of
 * 500 such events half a GB.
 */
export const EVENT_MAX_BYTES = 32 * 1024;

/** `value` if its JSON fits in `EVENT_MAX_BYTES`, else what a client needs to know to refetch. */
export function bounded<T>(value: T): T | Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  if (JSON.stringify(value).length <= EVENT_MAX_BYTES) return value;
  const kept: Record<string, unknown> = { truncated: true };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && typeof (v as { id?: unknown }).id === "string") {
      const record = v as { id: string; rev?: unknown };
      kept[key] = { id: record.id, ...(typeof record.rev === "number" ? { rev: record.rev } : {}), truncated: true };
    } else if (JSON.stringify(v ?? null).length <= 1024) kept[key] = v;
  }
  return kept;
}

// Every change writes these two rows: raw statements, their JSON encoded here once per value (an event's
// data is often its audit row's after, and the size check has encoded it already). A column may be a
// claimed number's substitution around its JSON (`replace(?, token, number)`), so the rows of a change
// that claims one need no builder either.
const AUDIT_COLUMNS = "id, at, actor, action, subject_type, subject_id, before, after, request_id";
const EVENT_COLUMNS = "kind, subject_type, subject_id, actor, data, at";

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
  private readonly claims: Claim[] = [];
  private readonly counted: number[] = [];
  /** Rows the `addCounted` statements changed, once committed. */
  countedChanges = 0;

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

  /** A statement whose changed rows the caller wants to know after the commit (`countedChanges`). */
  addCounted(statement: Statement): this {
    this.counted.push(this.statements.length);
    return this.add(statement);
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

  /**
   * Take the next number of `counter` inside this batch (DESIGN.md §4): the counter's increment is one
   * of the batch's statements, so numbers are gapless and a concurrent batch simply gets the next one —
   * no read, no retry. The number is not known until the batch has run, so this returns a token that
   * stands for it: every value this batch writes (a column via `claimed`, event, audit and idempotency
   * JSON) gets it substituted in SQL, and `resolve` and the committed events carry the real number.
   */
  claimNumber(counter: string, format: { prefix: string; width: number }): string {
    const token = `⟦${counter}:${newId("n")}⟧`;
    this.statements.push(
      this.db.prepare("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value").bind(counter),
    );
    this.claims.push({ token, counter, ...format, position: this.statements.length - 1, number: null });
    return token;
  }

  /** The claimed number as SQL, for a column the batch sets (`quote_number = …`). */
  claimed(token: string): SQL {
    const claim = this.claims.find((c) => c.token === token);
    if (!claim) throw new Error(`no number claimed as ${token}`);
    return numberSql(claim);
  }

  /** A column value that may be a claimed number's token: its SQL then, else the value as it is. */
  claimedOr(value: string): string | SQL {
    return this.claims.some((c) => c.token === value) ? this.claimed(value) : value;
  }

  /** The printf format and counter of a number this batch claims, for a statement rendered once (a template). */
  claimOf(token: string): { format: string; counter: string } | null {
    const claim = this.claims.find((c) => c.token === token);
    return claim ? { format: printfFormat(claim), counter: claim.counter } : null;
  }

  /**
   * `value` with every claimed number in place of its token (after commit), as its JSON would read.
   * Walked, not re-encoded: the events and the result share their views, and each is resolved once.
   */
  resolve<T>(value: T): T {
    if (!this.claims.length) return value;
    if (this.claims.some((c) => c.number === null)) throw new Error("resolve before commit");
    return resolveTokens(value, this.claims as ResolvedClaim[], this.resolved) as T;
  }

  private readonly resolved = new WeakMap<object, unknown>();

  /** A JSON value the batch writes, with claimed numbers substituted in SQL when it mentions any. */
  private claimedJson(value: unknown): SQL | null {
    if (!this.claims.length || value === null || value === undefined) return null;
    const text = JSON.stringify(value);
    const inside = this.claims.filter((c) => text.includes(c.token));
    if (!inside.length) return null;
    return inside.reduce<SQL>((acc, claim) => sql`replace(${acc}, ${claim.token}, ${numberSql(claim)})`, sql`${text}`);
  }

  /** The audit row and the event row of one change (each within EVENT_MAX_BYTES). */
  record(recorded: Recorded): this {
    const data = this.boundedJson(recorded.data);
    const after = this.boundedJson(recorded.after ?? recorded.data);
    const before = recorded.before === undefined || recorded.before === null ? null : this.boundedJson(recorded.before);
    const actor = recorded.actor ?? this.actor;
    const actorJson = this.jsonOf(actor);
    const kind = recorded.kind;
    const { type, id } = recorded.subject;
    const afterValue = this.claimedValue(after.json);
    this.statements.push(
      this.db
        .prepare(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ${afterValue.sql}, ?)`)
        .bind(newId("aud"), this.at, actorJson, kind, type, id, before?.json ?? null, ...afterValue.params, this.requestId),
    );
    const dataValue = this.claimedValue(data.json);
    this.eventPositions.push(this.statements.length);
    this.statements.push(
      this.db.prepare(`INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ${dataValue.sql}, ?) RETURNING seq`).bind(kind, type, id, actorJson, ...dataValue.params, this.at),
    );
    this.events.push({ kind, subject: recorded.subject, actor, at: this.at, data: data.value as Record<string, unknown> });
    return this;
  }

  /** Encoded JSON of each value this set has written, by identity: the same view is encoded once. */
  private readonly encoded = new WeakMap<object, string>();

  private jsonOf(value: unknown): string {
    if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
    let json = this.encoded.get(value);
    if (json === undefined) {
      json = JSON.stringify(value);
      this.encoded.set(value, json);
    }
    return json;
  }

  /** `bounded(value)` and its JSON, encoding a value that fits only once. */
  private boundedJson(value: unknown): { value: unknown; json: string } {
    const json = this.jsonOf(value);
    if (json.length <= EVENT_MAX_BYTES || value === null || typeof value !== "object" || Array.isArray(value)) return { value, json };
    const kept = bounded(value);
    return { value: kept, json: this.jsonOf(kept) };
  }

  /** A JSON column's SQL and parameters: `?`, or the claimed numbers it mentions substituted in SQL. */
  private claimedValue(json: string): { sql: string; params: unknown[] } {
    const inside = this.claims.length && json.includes("⟦") ? this.claims.filter((c) => json.includes(c.token)) : [];
    let text = "?";
    const params: unknown[] = [json];
    for (const claim of inside) {
      text = `replace(${text}, ?, (SELECT printf(?, value) FROM counters WHERE name = ?))`;
      params.push(claim.token, printfFormat(claim), claim.counter);
    }
    return { sql: text, params };
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
    if (this.idempotency) {
      const response = this.claimedJson(this.idempotency.body);
      statements.push(
        ...(response
          ? [deleteExpiredRecord(this.db, this.idempotency, this.at), statementOf(this.db, this.orm.insert(idempotencyKeys).values({ ...idempotencyValues(this.idempotency, this.at), response }))]
          : idempotencyInsert(this.db, this.idempotency, this.at)),
      );
    }
    let results: D1Result[];
    try {
      results = await this.db.batch(statements);
    } catch (error) {
      throw translateBatchError(error, this.guards);
    }
    this.countedChanges = this.counted.reduce((n, position) => n + (results[position]?.meta?.changes ?? 0), 0);
    for (const claim of this.claims) {
      const row = results[claim.position]?.results?.[0] as { value: number } | undefined;
      if (!row) throw new Error(`counter ${claim.counter} returned no value`);
      claim.number = claim.prefix + String(row.value).padStart(claim.width, "0");
    }
    return this.eventPositions.map((position, i) => {
      const row = results[position]?.results?.[0] as { seq: number } | undefined;
      if (!row) throw new Error("event insert returned no seq");
      return this.resolve({ seq: row.seq, ...this.events[i] });
    });
  }
}

type ResolvedClaim = Claim & { number: string };

/** JSON's reading of `value` (toJSON, undefined and functions dropped) with the claimed tokens replaced. */
function resolveTokens(value: unknown, claims: ResolvedClaim[], memo: WeakMap<object, unknown>): unknown {
  if (typeof value === "string") {
    if (!value.includes("⟦")) return value;
    let text = value;
    for (const claim of claims) text = text.replaceAll(claim.token, claim.number);
    return text;
  }
  if (value === null || typeof value !== "object") return typeof value === "function" ? undefined : value;
  const seen = memo.get(value);
  if (seen !== undefined) return seen;
  let out: unknown;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") out = resolveTokens((value as { toJSON(): unknown }).toJSON(), claims, memo);
  else if (Array.isArray(value)) out = value.map((v) => resolveTokens(v, claims, memo) ?? null);
  else {
    const copy: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const resolved = resolveTokens(v, claims, memo);
      if (resolved !== undefined) copy[key] = resolved;
    }
    out = copy;
  }
  memo.set(value, out);
  return out;
}

interface Claim {
  token: string;
  counter: string;
  prefix: string;
  width: number;
  /** The statement that increments the counter (its RETURNING value is the number). */
  position: number;
  number: string | null;
}

/** The counter's value as the batch left it, formatted as the number (SQLite's printf; `%` in a prefix escaped). */
const numberSql = (claim: Claim): SQL => sql`(SELECT printf(${printfFormat(claim)}, value) FROM counters WHERE name = ${claim.counter})`;

/** SQLite's printf format of a claimed number: the prefix (its `%` escaped), then the zero-padded value. */
const printfFormat = (claim: Claim) => `${claim.prefix.replaceAll("%", "%%")}%0${claim.width}d`;

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
