// What puts an object in line for Xero: a PENDING sync_objects row, written in the same D1 batch as the
// change that calls for it (only when the entity is connected: the insert reads the connection itself),
// and a message on the entity's sync queue after the commit. A lost message costs nothing: the rows stay
// PENDING for POST /integrations/xero/sync and the hourly sweep.
import type { ChangeSet } from "../../db/changes.ts";
import type { Env } from "../../env.ts";

export type SyncObjectType = "contact" | "invoice" | "credit_note" | "payment";
/** The order a pass sends them in: what a document names must be in Xero first. */
export const SYNC_ORDER: SyncObjectType[] = ["contact", "invoice", "credit_note", "payment"];

export interface XeroSyncMessage {
  entityId: string;
  /** Look objects up before writing: this message carries on from one that may have lost an answer. */
  lookup?: boolean;
}

/** One statement for all of a change's objects: `VALUES (type, id), …` read only when the entity is connected. */
const pendingSql = (objects: number) => `INSERT INTO sync_objects (provider, object_type, object_id, state, updated_at)
  SELECT 'xero', o.column1, o.column2, 'PENDING', ? FROM (VALUES ${Array(objects).fill("(?, ?)").join(", ")}) o
  WHERE EXISTS (SELECT 1 FROM integration_connections WHERE provider = 'xero' AND state = 'CONNECTED')
  ON CONFLICT (provider, object_type, object_id) DO UPDATE SET state = 'PENDING', error = NULL, updated_at = excluded.updated_at`;

export interface SyncObjectRef {
  type: SyncObjectType;
  id: string;
}

/** Add to `changes`: these objects are PENDING for Xero, if the entity is connected to Xero. */
export function markSyncPending(changes: ChangeSet, ...objects: [SyncObjectRef, ...SyncObjectRef[]]) {
  changes.addCounted(changes.db.prepare(pendingSql(objects.length)).bind(changes.at, ...objects.flatMap((o) => [o.type, o.id])));
}

/** Ask the sync queue to work through the entity's PENDING objects (best effort: the rows are the truth). Whether it was sent. */
export async function requestSync(env: Env, entityId: string, delaySeconds = 0, lookup = false): Promise<boolean> {
  if (!env.XERO_SYNC) return false;
  try {
    await env.XERO_SYNC.send({ entityId, ...(lookup ? { lookup } : {}) } satisfies XeroSyncMessage, delaySeconds ? { delaySeconds } : undefined);
    return true;
  } catch (error) {
    console.error("xero sync: could not enqueue", entityId, error);
    return false;
  }
}
