// One pass of an entity's outbound Xero sync: its PENDING objects, in dependency order (contacts, invoices,
// credit notes, payments), in chunks of 50 — each chunk one Xero request and one D1 batch of its outcomes
// with a sync.completed / sync.failed event per object. A chunk Xero cannot take now (budget spent, 429,
// 5xx, no answer) stops the pass: its objects stay PENDING and the queue message is retried later.
import type { Actor } from "../../../party/protocol.ts";
import { ChangeSet } from "../../db/changes.ts";
import { findConnection, findMappings } from "../../db/integrations.ts";
import { DomainError } from "../../domain/errors.ts";
import type { EntityRecord, Env } from "../../env.ts";
import { publishEvents } from "../../live.ts";
import { XeroRetryLater, XeroRefused } from "./client.ts";
import { connectionObject, PROVIDER } from "./connection.ts";
import { CHUNK_SIZE, syncContacts, syncCreditNotes, syncInvoices, syncPayments, type ChunkContext, type Outcome, type PendingObject } from "./sync-objects.ts";
import { SYNC_ORDER, type SyncObjectType } from "./sync-queue.ts";

const SYSTEM: Actor = { type: "system", id: "xero-sync", name: "Xero sync" };
/** Chunks per queue invocation (each a few D1 queries and one to three Xero calls): the rest goes on in a new message. */
export const MAX_CHUNKS_PER_PASS = 20;
const PENDING_LIMIT = MAX_CHUNKS_PER_PASS * CHUNK_SIZE;
/** A run that finds another one running asks again this soon (at most). */
const BUSY_RETRY_MS = 2_000;

const SYNCERS: Record<SyncObjectType, (c: ChunkContext, objects: PendingObject[]) => Promise<Outcome[]>> = {
  contact: syncContacts,
  invoice: syncInvoices,
  credit_note: syncCreditNotes,
  payment: syncPayments,
};

export type PassResult =
  | { kind: "done"; sent: number; more: boolean }
  /** Try again after `retryAfterMs` (0: back off); what was done so far is committed. */
  | { kind: "later"; sent: number; retryAfterMs: number; reason: string; rateLimited?: boolean }
  /** Another run of this entity holds the connection's sync lease: nothing was read or sent; ask again after `retryAfterMs`. */
  | { kind: "busy"; retryAfterMs: number }
  /** Not connected (or the connection needs a reconnect): the objects wait as PENDING. */
  | { kind: "idle"; reason: string };

/** What a document names must go first: the customers of pending invoices, the invoices of pending credit notes and payments. */
function dependencies(db: D1Database, at: string): D1PreparedStatement[] {
  const insert = (type: SyncObjectType, select: string) =>
    db.prepare(`INSERT INTO sync_objects (provider, object_type, object_id, state, updated_at) SELECT 'xero', '${type}', dep, 'PENDING', ? FROM (${select}) WHERE dep IS NOT NULL ON CONFLICT DO NOTHING`).bind(at);
  const pending = (type: SyncObjectType) => `SELECT object_id FROM sync_objects WHERE provider = 'xero' AND object_type = '${type}' AND state = 'PENDING'`;
  return [
    insert("invoice", `SELECT invoice_id AS dep FROM credit_notes WHERE id IN (${pending("credit_note")}) UNION SELECT id AS dep FROM invoices WHERE id IN (${pending("payment")})`),
    // A voided invoice needs no contact: it is in Xero already (with its contact) or is not sent at all.
    insert("contact", `SELECT customer_id AS dep FROM invoices WHERE id IN (${pending("invoice")}) AND status != 'VOIDED' UNION SELECT customer_id AS dep FROM credit_notes WHERE id IN (${pending("credit_note")})`),
  ];
}

/** `limit`: objects one pass takes (tests make it small; the queue uses MAX_CHUNKS_PER_PASS chunks). */
export async function syncPass(env: Env, entity: EntityRecord, db: D1Database, o: { lookup: boolean; limit?: number }): Promise<PassResult> {
  const connection = await findConnection(db, PROVIDER);
  if (!connection || connection.environment !== env.ENVIRONMENT) return { kind: "idle", reason: "Xero is not connected" };
  if (connection.state !== "CONNECTED") return { kind: "idle", reason: "Xero needs to be connected again" };
  // One run at a time per connection, from before the PENDING rows are read until the last outcome is
  // recorded: two runs would send the same objects twice, or a void before the invoice it voids.
  const lease = connectionObject(env, entity);
  const run = crypto.randomUUID();
  const claimed = await lease.claimSync(run);
  if (!claimed.granted) return { kind: "busy", retryAfterMs: Math.min(claimed.waitMs, BUSY_RETRY_MS) };
  try {
    return await leasedPass(env, entity, db, o, () => lease.claimSync(run).then((c) => c.granted));
  } finally {
    await lease.releaseSync(run);
  }
}

async function leasedPass(env: Env, entity: EntityRecord, db: D1Database, o: { lookup: boolean; limit?: number }, renew: () => Promise<boolean>): Promise<PassResult> {
  const [, , listed] = await db.batch([
    ...dependencies(db, new Date().toISOString()),
    // In the order they are sent, so that a pass cut at its limit never holds a document without what it names.
    db.prepare(
      `SELECT object_type, object_id, xero_id, error, updated_at FROM sync_objects WHERE provider = 'xero' AND state = 'PENDING'
       ORDER BY CASE object_type ${SYNC_ORDER.map((t, i) => `WHEN '${t}' THEN ${i}`).join(" ")} END, updated_at, object_id LIMIT ?`,
    ).bind(o.limit ?? PENDING_LIMIT),
  ]);
  const rows = (listed!.results as { object_type: SyncObjectType; object_id: string; xero_id: string | null; error: string | null; updated_at: string }[]).map(
    (r): PendingObject => ({ type: r.object_type, id: r.object_id, xeroId: r.xero_id, error: r.error, updatedAt: r.updated_at }),
  );
  const mappings = (await findMappings(db, PROVIDER))?.mappings ?? null;
  const ctx: ChunkContext = { env, entity, db, mappings, lookup: o.lookup, unmatchedContacts: rows.filter((r) => r.type === "contact" && !r.xeroId).length };
  let sent = 0;
  for (const type of SYNC_ORDER) {
    const objects = rows.filter((r) => r.type === type);
    for (let i = 0; i < objects.length; i += CHUNK_SIZE) {
      const chunk = objects.slice(i, i + CHUNK_SIZE);
      // A run so slow that its lease ran out (and another run may have taken it) stops where it is.
      if (!(await renew())) return { kind: "later", sent, retryAfterMs: 0, reason: "this run's sync lease ran out" };
      let outcomes: Outcome[];
      try {
        outcomes = await SYNCERS[type](ctx, chunk);
      } catch (error) {
        if (error instanceof XeroRetryLater) return { kind: "later", sent, retryAfterMs: error.retryAfterMs, reason: error.message, rateLimited: error.code === "rate_limited" };
        // Xero refused the request as a whole (not per object): each object of it failed with Xero's message.
        if (error instanceof XeroRefused) outcomes = chunk.map((object) => ({ object, xeroId: object.xeroId, error: error.message }));
        else if (error instanceof DomainError && ["reconnect_required", "integration_not_connected"].includes(error.code)) return { kind: "idle", reason: error.message };
        else throw error;
      }
      await recordOutcomes(env, entity, db, outcomes);
      sent += chunk.length;
    }
  }
  return { kind: "done", sent, more: rows.length === (o.limit ?? PENDING_LIMIT) };
}

/**
 * One D1 batch: each object's state and its event. An object changed again while it was being sent (its
 * row's updated_at moved) keeps PENDING — it goes again — but its Xero id is kept either way.
 */
async function recordOutcomes(env: Env, entity: EntityRecord, db: D1Database, outcomes: Outcome[]) {
  const changes = new ChangeSet(db, SYSTEM, null);
  for (const { object, xeroId, error, skipped } of outcomes) {
    if (skipped) {
      // Not in Xero and never to be: no row says otherwise (unless the object changed meanwhile).
      changes.add(db.prepare("DELETE FROM sync_objects WHERE provider = 'xero' AND object_type = ? AND object_id = ? AND updated_at = ?").bind(object.type, object.id, object.updatedAt));
      changes.record({ kind: "sync.skipped", subject: { type: object.type, id: object.id }, data: { provider: PROVIDER, type: object.type, id: object.id, xeroId: null, state: null, reason: skipped } });
      continue;
    }
    const state = error ? "FAILED" : "SYNCED";
    changes.add(
      db
        .prepare(
          `UPDATE sync_objects SET xero_id = COALESCE(?1, xero_id),
             state = CASE WHEN updated_at = ?2 THEN ?3 ELSE state END,
             error = CASE WHEN updated_at = ?2 THEN ?4 ELSE error END,
             synced_at = CASE WHEN ?3 = 'SYNCED' THEN ?5 ELSE synced_at END,
             updated_at = CASE WHEN updated_at = ?2 THEN ?5 ELSE updated_at END
           WHERE provider = 'xero' AND object_type = ?6 AND object_id = ?7`,
        )
        .bind(xeroId, object.updatedAt, state, error, changes.at, object.type, object.id),
    );
    changes.record({
      kind: error ? "sync.failed" : "sync.completed",
      subject: { type: object.type, id: object.id },
      data: { provider: PROVIDER, type: object.type, id: object.id, xeroId, state, ...(error ? { error } : {}) },
    });
  }
  const events = await changes.commit();
  await publishEvents(env, entity, events);
}

/**
 * POST /integrations/xero/sync: what was final before Xero was connected (no row yet) joins the line —
 * final and sent invoices, final credit notes — with one event; answers how many. An invoice voided
 * before the connection is not sent: it never counted, and Xero never had it.
 */
export async function backfill(db: D1Database, actor: Actor, requestId: string | null): Promise<number> {
  const missing = (type: SyncObjectType, table: string, where: string) =>
    `SELECT '${type}' AS t, id FROM ${table} WHERE ${where} AND NOT EXISTS (SELECT 1 FROM sync_objects s WHERE s.provider = 'xero' AND s.object_type = '${type}' AND s.object_id = ${table}.id)`;
  const select = `${missing("invoice", "invoices", "status IN ('FINAL', 'SENT') AND finalized_at IS NOT NULL")} UNION ALL ${missing("credit_note", "credit_notes", "status = 'FINAL'")}`;
  const found = await db.prepare(`SELECT count(*) AS n FROM (${select})`).first<{ n: number }>();
  const n = Number(found?.n ?? 0);
  if (n === 0) return 0;
  const changes = new ChangeSet(db, actor, requestId);
  changes.add(db.prepare(`INSERT INTO sync_objects (provider, object_type, object_id, state, updated_at) SELECT 'xero', t, id, 'PENDING', ? FROM (${select}) WHERE true ON CONFLICT DO NOTHING`).bind(changes.at));
  changes.record({ kind: "sync.requeued", subject: { type: "integration", id: PROVIDER }, data: { provider: PROVIDER, count: n, backfill: true } });
  await changes.commit();
  return n;
}

/**
 * POST /integrations/xero/sync {retryFailed} (every FAILED object) and retry-one (that object, whatever its
 * state: sent again as an update): back to PENDING, with an event, in one batch. Answers how many.
 */
export async function requeue(db: D1Database, actor: Actor, requestId: string | null, only?: { type: string; id: string }): Promise<number> {
  const found = only
    ? await db.prepare("SELECT count(*) AS n FROM sync_objects WHERE provider = 'xero' AND object_type = ? AND object_id = ?").bind(only.type, only.id).first<{ n: number }>()
    : await db.prepare("SELECT count(*) AS n FROM sync_objects WHERE provider = 'xero' AND state = 'FAILED'").first<{ n: number }>();
  const n = Number(found?.n ?? 0);
  if (only && n === 0) throw new DomainError("not_found", `No ${only.type} ${only.id} has been sent to Xero`);
  if (n === 0) return 0;
  const changes = new ChangeSet(db, actor, requestId);
  changes.add(
    only
      ? db.prepare("UPDATE sync_objects SET state = 'PENDING', updated_at = ? WHERE provider = 'xero' AND object_type = ? AND object_id = ?").bind(changes.at, only.type, only.id)
      : db.prepare("UPDATE sync_objects SET state = 'PENDING', updated_at = ? WHERE provider = 'xero' AND state = 'FAILED'").bind(changes.at),
  );
  changes.record({ kind: "sync.requeued", subject: only ?? { type: "integration", id: PROVIDER }, data: { provider: PROVIDER, count: n, ...(only ? { type: only.type, id: only.id } : { retryFailed: true }) } });
  await changes.commit();
  return n;
}
