// Idempotency-Key records (DESIGN.md §4, API.md): the first response to a key is stored per entity
// for 24 h and replayed. One TTL, one insert, whether the record joins a change's batch or not.
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
  body_hash: string;
  status: number;
  response: string;
}

/**
 * The insert of a record made at `at`. Inside a change's batch a second insert of the same key must
 * fail the batch (a concurrent request won); after the fact, `orIgnore` keeps the first.
 */
export function idempotencyInsert(db: D1Database, r: IdempotencyRecord, at: string, options: { orIgnore?: boolean } = {}): D1PreparedStatement {
  const body = typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  return db
    .prepare(
      `INSERT ${options.orIgnore ? "OR IGNORE " : ""}INTO idempotency_keys (principal, key, method, path, body_hash, status, response, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(r.principal, r.key, r.method, r.path, r.bodyHash, r.status, body, at, new Date(Date.parse(at) + IDEMPOTENCY_TTL_MS).toISOString());
}

/** A response stored for this principal and key that has not expired. */
export function storedResponse(db: D1Database, principal: string, key: string, now = new Date().toISOString()): Promise<StoredResponse | null> {
  return db.prepare("SELECT body_hash, status, response FROM idempotency_keys WHERE principal = ? AND key = ? AND expires_at > ?").bind(principal, key, now).first<StoredResponse>();
}

/** Store a response that no change batch carried (a 2xx of a route that wrote nothing to this entity). */
export async function storeResponse(db: D1Database, record: IdempotencyRecord & { body: string }): Promise<void> {
  await idempotencyInsert(db, record, new Date().toISOString(), { orIgnore: true }).run();
}
