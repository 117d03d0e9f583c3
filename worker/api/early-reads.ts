// Reads a quote route (or an invoice's finalize) is sure to need, started while the credential is checked instead of after it.
// A quote action's first read (the quote with its view) otherwise
// waits for the control plane to name the entity's database: two round trips in a row where one will
// do. The database an entity lives in never changes, so this isolate remembers it from a request that
// was granted; the next request for that entity starts its read on it at once. What is read early is
// handed to the action only if this request's own check then grants that very entity (same id, same
// binding); otherwise it is dropped unread. Nothing read early ever reaches a caller who was refused.
import type { Context } from "hono";
import type { EarlyReads } from "../actions/context.ts";
import type { Credential } from "../credentials.ts";
import type { EntityMember } from "../db/control.ts";
import { readForFinalize } from "../db/invoices.ts";
import { loadQuoteForView } from "../db/quote-view.ts";
import type { AppEnv, EntityRecord } from "../env.ts";

/** `idOrSlug` → the entity's id and binding, as a granted request saw them. Bounded: a reset, not an LRU. */
const known = new Map<string, { id: string; binding: string }>();
const MAX_KNOWN = 1000;

export function rememberEntity(idOrSlug: string, entity: EntityRecord) {
  if (known.get(idOrSlug)?.binding === entity.binding) return;
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(idOrSlug, { id: entity.id, binding: entity.binding });
}

/** The routes whose first read is the quote named in the path (each action starts with loadForView). */
const QUOTE_ROUTE = /\/entities\/[^/]+\/quotes\/([^/]+)(?:\/(submit|withdraw|publish|archive|unarchive))?$/;
/** A finalize starts with its one read batch of the invoice, its lines, customer, merchant and rates. */
const FINALIZE_ROUTE = /\/entities\/[^/]+\/invoices\/([^/]+)\/finalize$/;

interface Started extends EarlyReads {
  entityId: string;
  binding: string;
}

/** The reads this request will need, started now on the remembered database; null when none apply. */
export function startEarlyReads(c: Context<AppEnv>, idOrSlug: string, credential: Credential): Started | null {
  const entity = known.get(idOrSlug);
  // A credential not even of this environment's shape is refused without a query: no read for it either.
  const token = "session" in credential ? credential.session : credential.apiKey;
  if (!entity || !token.startsWith(`${"session" in credential ? "ks" : "kk"}_${c.env.ENVIRONMENT}_`)) return null;
  const path = new URL(c.req.url).pathname;
  const db = c.env[entity.binding as keyof typeof c.env] as D1Database | undefined;
  if (!db || typeof db.prepare !== "function") return null;
  const finalizing = c.req.method === "POST" ? FINALIZE_ROUTE.exec(path) : null;
  if (finalizing) return finalizeRead(entity, db, finalizing[1]!);
  const match = QUOTE_ROUTE.exec(path);
  if (!match) return null;
  const [, quoteId, verb] = match;
  if ((verb === undefined) !== (c.req.method === "GET")) return null;
  // Each is taken once: a retry after a lost guard must read afresh.
  const quote = once(quiet(loadQuoteForView(db, quoteId!)));
  return {
    finalize: () => undefined,
    entityId: entity.id,
    binding: entity.binding,
    quote: (id) => (id === quoteId ? quote() : undefined),
    members: () => undefined,
  };
}

function finalizeRead(entity: { id: string; binding: string }, db: D1Database, invoiceId: string): Started {
  const rows = once(quiet(readForFinalize(db, invoiceId)));
  return {
    entityId: entity.id,
    binding: entity.binding,
    quote: () => undefined,
    members: () => undefined,
    finalize: (id) => (id === invoiceId ? rows() : undefined),
  };
}

/** The value the first call returns; every later call, undefined. */
function once<T>(value: T): () => T | undefined {
  let left: T | undefined = value;
  return () => {
    const taken = left;
    left = undefined;
    return taken;
  };
}

/** A read nobody may await (the request was refused) must not surface as an unhandled rejection. */
function quiet<T>(read: Promise<T>): Promise<T> {
  read.catch(() => {});
  return read;
}

/** The early reads belong to this request only if its check granted the entity they were read from. */
export function grantedEarlyReads(started: Started | null, entity: EntityRecord, members?: EntityMember[]): EarlyReads | undefined {
  const reads = started && started.entityId === entity.id && started.binding === entity.binding ? started : undefined;
  if (!members) return reads;
  // The members came with this request's own granted access check (a submit's): its entity's, read once.
  const granted = once(Promise.resolve(members));
  return { quote: reads?.quote ?? (() => undefined), finalize: reads?.finalize ?? (() => undefined), members: (entityId) => (entityId === entity.id ? granted() : undefined) };
}
