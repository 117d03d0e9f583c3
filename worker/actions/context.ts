// What every lifecycle action is called with, whoever calls it: an HTTP route, the co-editing room,
// the seed, or (next) a cron trigger or a queue consumer. An action reads what it needs, applies the
// domain rules, fills ONE ChangeSet and commits it; the caller only says who acts, where, and what
// happens around the commit (an Idempotency-Key record before it, the broadcast after it).
import type { Actor, EntityEvent } from "../../party/protocol.ts";
import { ChangeSet } from "../db/changes.ts";
import { DomainError } from "../domain/errors.ts";
import type { entityMembers } from "../db/control.ts";
import type { FinalizeRows } from "../db/invoices.ts";
import type { loadQuoteForView } from "../db/quote-view.ts";
import type { EntityRecord, Principal } from "../env.ts";

export interface ActionContext {
  entity: EntityRecord;
  db: D1Database;
  actor: Actor;
  /** The request that caused the change, for the audit row; null for cron, queue and seed. */
  requestId: string | null;
  /** The origin public links are built on; null outside a request. */
  origin: string | null;
  /** Called with the filled ChangeSet and the action's result just before the commit. */
  beforeCommit?: (changes: ChangeSet, result: unknown) => void | Promise<void>;
  /** Called with the committed events (a route and the cron hand them to the EntityRoom). */
  publish?: (events: EntityEvent[]) => void | Promise<void>;
  /** Reads a route started alongside its credential check (worker/api/early-reads.ts). */
  early?: EarlyReads;
  /**
   * Set by `commit` when a committed batch put objects in line for an integration (its counted
   * statements changed rows: db/changes.ts addCounted). A route asks the sync queue only then.
   */
  marked?: { sync: boolean };
}

/** Reads begun before the action ran; each is taken at most once (a retry reads afresh), or undefined. */
export interface EarlyReads {
  quote(id: string): Promise<Awaited<ReturnType<typeof loadQuoteForView>>> | undefined;
  members(entityId: string): Promise<Awaited<ReturnType<typeof entityMembers>>> | undefined;
  finalize(invoiceId: string): Promise<FinalizeRows> | undefined;
}

/** Who a principal acts as in events and audit rows. */
export function actorOf(principal: Principal): Actor {
  return principal.kind === "user"
    ? { type: "user", id: principal.userId, name: principal.name }
    : { type: "api_key", id: principal.keyId, name: principal.name };
}

export const changeSetOf = (ctx: ActionContext, actor: Actor = ctx.actor) => new ChangeSet(ctx.db, actor, ctx.requestId);

/**
 * Commit the action's one batch, hand on its events, and return its result — with any number the
 * batch claimed (a quote's, an invoice's) in place.
 */
export async function commit<T>(ctx: ActionContext, changes: ChangeSet, result: T): Promise<T> {
  await ctx.beforeCommit?.(changes, result);
  const events = await changes.commit();
  if (ctx.marked && changes.countedChanges > 0) ctx.marked.sync = true;
  await ctx.publish?.(events);
  return changes.resolve(result);
}

/**
 * Run `attempt` again when its batch lost a guard with `code` (a concurrent change moved the row
 * between read and write): for actions whose outcome does not depend on what the caller saw.
 */
export async function retryOn<T>(code: string, attempt: () => Promise<T>, tries = 16): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof DomainError && error.code === code) || n >= tries) throw error;
      // Live editors commit every few ms: a short, growing, random pause lets this write find a gap.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** n, 100)));
    }
  }
}

/** Optimistic concurrency: the caller edited revision `expected`, and a newer one is a conflict. */
export function assertRev(current: { rev: number }, expected: number | undefined, what: string) {
  if (expected !== undefined && expected !== current.rev) throw new DomainError("rev_conflict", `${what} is at revision ${current.rev}, not ${expected}`);
}
