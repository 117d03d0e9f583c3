// Final documents in R2 (the DOCUMENTS bucket): content-addressed, so the same bytes always have the
// same key, and an object put by an attempt whose batch then lost a race is an orphan nobody names.
import type { EntityRecord } from "../env.ts";

/** The part of an R2 bucket documents need (R2Bucket satisfies it). */
export interface DocumentStore {
  put(key: string, value: Uint8Array, options?: R2PutOptions): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
}

/** A final document to draw and attach after its batch (worker/jobs/documents.ts consumes these). */
export interface DocumentMessage {
  entityId: string;
  kind: "invoice" | "credit_note";
  id: string;
}

/**
 * Where final documents go: the store, and the queue that draws them off the request (absent — the
 * seed, a test calling an action — they are drawn at once).
 */
export interface Documents {
  store: DocumentStore;
  queue?: { send(message: DocumentMessage): Promise<unknown> } | null;
}

/** Hand a final document to the queue; false when there is none or it refused (then draw it now). */
export async function enqueueDocument(documents: Documents, message: DocumentMessage): Promise<boolean> {
  if (!documents.queue) return false;
  try {
    await documents.queue.send(message);
    return true;
  } catch (error) {
    console.error("documents queue refused a message; drawing now", message, error);
    return false;
  }
}

export async function sha256Of(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Put `bytes` under `<entity>/<kind>/<sha256>.pdf`; returns the key and the hash to record in the batch. */
export async function storeDocument(store: DocumentStore, entity: Pick<EntityRecord, "id">, kind: "invoices" | "credit-notes", bytes: Uint8Array): Promise<{ key: string; sha256: string }> {
  const sha256 = await sha256Of(bytes);
  const key = `${entity.id}/${kind}/${sha256}.pdf`;
  await store.put(key, bytes, { httpMetadata: { contentType: "application/pdf" }, sha256 });
  return { key, sha256 };
}
