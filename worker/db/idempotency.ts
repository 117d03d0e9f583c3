// Idempotency-Key records (DESIGN.md §4, API.md): the first response to a key is stored per entity
// for 24 h and replayed. One TTL, one insert, whether the record joins a change's batch or not.
import { and, eq, gt, lte, sql } from "drizzle-orm";
import { orm, placeholders, template } from "./orm.ts";
import { idempotencyKeys } from "./schema/entity.ts";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface IdempotencyRecord {
  principal: string;
  key: string;
  method: string;
  path: string;
  bodyHash: string;
  status: number;
  body: unknown;
}

export interface StoredResponse {
  bodyHash: string;
  status: number;
  /** The response body as it was sent (JSON text). */
  response: string;
}

const COLUMNS = ["principal", "key", "method", "path", "bodyHash", "status", "response", "createdAt", "expiresAt"] as const;
const insert = template((d) => d.insert(idempotencyKeys).values(placeholders(COLUMNS)));
const insertOrIgnore = template((d) => d.insert(idempotencyKeys).values(placeholders(COLUMNS)).onConflictDoNothing());

const deleteExpired = template((d) =>
  d
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principal, sql.placeholder("principal")), eq(idempotencyKeys.key, sql.placeholder("key")), lte(idempotencyKeys.expiresAt, sql.placeholder("at")))),
);

/**
 * The statements that record a response made at `at`, for the same batch: the key's expired record
 * (if any) goes first, so a key past its 24 h is a fresh request and not a collision. Inside a
 * change's batch a second insert of a live key must fail the batch (a concurrent request won); after
 * the fact, `orIgnore` keeps the first.
 */
export function idempotencyInsert(db: D1Database, r: IdempotencyRecord, at: string, options: { orIgnore?: boolean } = {}): D1PreparedStatement[] {
  return [deleteExpiredRecord(db, r, at), (options.orIgnore ? insertOrIgnore : insert)(db, idempotencyValues(r, at))];
}

/** The delete of this key's expired record, for a caller that writes the insert itself. */
export const deleteExpiredRecord = (db: D1Database, r: Pick<IdempotencyRecord, "principal" | "key">, at: string) => deleteExpired(db, { principal: r.principal, key: r.key, at });

/** The row of a record made at `at`: it expires IDEMPOTENCY_TTL_MS later. */
export function idempotencyValues(r: IdempotencyRecord, at: string) {
  return {
    principal: r.principal,
    key: r.key,
    method: r.method,
    path: r.path,
    bodyHash: r.bodyHash,
    status: r.status,
    response: r.body,
    createdAt: at,
    expiresAt: new Date(Date.parse(at) + IDEMPOTENCY_TTL_MS).toISOString(),
  };
}

/**
 * How long a reservation holds a key while its request runs (see `reserveKey`): long enough for any
 * request, short enough that a request that died mid-way frees its key soon.
 */
export const RESERVATION_TTL_MS = 60 * 1000;
/** The status of a reservation: the request is still running, there is no response yet. */
export const IN_PROGRESS = 0;

/**
 * Reserve a key before a request whose writes are not in this database (an API key, a live token in
 * the control plane), so two concurrent requests with one key cannot both do the work: true when this
 * request holds the key now. `completeReservation` turns it into the stored response.
 */
export async function reserveKey(db: D1Database, r: Omit<IdempotencyRecord, "status" | "body">, at: string): Promise<boolean> {
  const values = { ...idempotencyValues({ ...r, status: IN_PROGRESS, body: { inProgress: true } }, at), expiresAt: new Date(Date.parse(at) + RESERVATION_TTL_MS).toISOString() };
  const [, inserted] = await db.batch([deleteExpiredRecord(db, r, at), insertOrIgnore(db, values)]);
  return inserted.meta.changes === 1;
}

/** The reserved key's response, kept for 24 h from now. */
export async function completeReservation(db: D1Database, r: IdempotencyRecord, at: string): Promise<void> {
  const values = idempotencyValues(r, at);
  await orm(db)
    .update(idempotencyKeys)
    .set({ status: values.status, response: values.response, createdAt: values.createdAt, expiresAt: values.expiresAt })
    .where(and(eq(idempotencyKeys.principal, r.principal), eq(idempotencyKeys.key, r.key), eq(idempotencyKeys.status, IN_PROGRESS)))
    .run();
}

/** The request failed: free its key (a failure is not stored, like any other non-2xx). */
export async function releaseReservation(db: D1Database, principal: string, key: string): Promise<void> {
  await orm(db)
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key), eq(idempotencyKeys.status, IN_PROGRESS)))
    .run();
}

/** A response stored for this principal and key that has not expired (status IN_PROGRESS: a reservation). */
export async function storedResponse(db: D1Database, principal: string, key: string, now = new Date().toISOString()): Promise<StoredResponse | null> {
  const row = await orm(db)
    .select({ bodyHash: idempotencyKeys.bodyHash, status: idempotencyKeys.status, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key), gt(idempotencyKeys.expiresAt, now)))
    .get();
  return row ? { bodyHash: row.bodyHash, status: row.status, response: JSON.stringify(row.response) } : null;
}

/** Store a response that no change batch carried (a 2xx of a route that wrote nothing to this entity). */
export async function storeResponse(db: D1Database, record: IdempotencyRecord): Promise<void> {
  await db.batch(idempotencyInsert(db, record, new Date().toISOString(), { orIgnore: true }));
}

const purgeBatch = template((d) =>
  d.delete(idempotencyKeys).where(sql`rowid IN (SELECT rowid FROM ${idempotencyKeys} WHERE ${idempotencyKeys.expiresAt} <= ${sql.placeholder("now")} LIMIT ${sql.placeholder("limit")})`),
);

/** Deletes up to `limit` expired records (oldest index order); returns how many went. */
export async function purgeExpiredIdempotency(db: D1Database, now: string, limit: number): Promise<number> {
  return (await purgeBatch(db, { now, limit }).run()).meta.changes;
}
