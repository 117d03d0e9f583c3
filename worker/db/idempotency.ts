// Idempotency-Key records (DESIGN.md §4, API.md): the first response to a key is stored per entity
// for 24 h and replayed. One TTL, one insert, whether the record joins a change's batch or not.
import { and, eq, gt } from "drizzle-orm";
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

/**
 * The insert of a record made at `at`. Inside a change's batch a second insert of the same key must
 * fail the batch (a concurrent request won); after the fact, `orIgnore` keeps the first.
 */
export function idempotencyInsert(db: D1Database, r: IdempotencyRecord, at: string, options: { orIgnore?: boolean } = {}): D1PreparedStatement {
  return (options.orIgnore ? insertOrIgnore : insert)(db, {
    principal: r.principal,
    key: r.key,
    method: r.method,
    path: r.path,
    bodyHash: r.bodyHash,
    status: r.status,
    response: r.body,
    createdAt: at,
    expiresAt: new Date(Date.parse(at) + IDEMPOTENCY_TTL_MS).toISOString(),
  });
}

/** A response stored for this principal and key that has not expired. */
export async function storedResponse(db: D1Database, principal: string, key: string, now = new Date().toISOString()): Promise<StoredResponse | null> {
  const row = await orm(db)
    .select({ bodyHash: idempotencyKeys.bodyHash, status: idempotencyKeys.status, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key), gt(idempotencyKeys.expiresAt, now)))
    .get();
  return row ? { bodyHash: row.bodyHash, status: row.status, response: JSON.stringify(row.response) } : null;
}

/** Store a response that no change batch carried (a 2xx of a route that wrote nothing to this entity). */
export async function storeResponse(db: D1Database, record: IdempotencyRecord & { body: string }): Promise<void> {
  await idempotencyInsert(db, { ...record, body: JSON.parse(record.body) as unknown }, new Date().toISOString(), { orIgnore: true }).run();
}
