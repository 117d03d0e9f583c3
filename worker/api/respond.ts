// How a route runs an action: the entity scope becomes the action's context, the Idempotency-Key
// record joins the action's batch, the committed events go to the EntityRoom, and the result is the
// typed JSON response the route's schema documents.
import type { Context } from "hono";
import type { EntityEvent } from "../../party/protocol.ts";
import type { ActionContext } from "../actions/context.ts";
import { IdempotencyConflict } from "../db/changes.ts";
import type { AppEnv, EntityRecord, Env } from "../env.ts";
import { publishEvents } from "../live.ts";
import { requestSync } from "../integrations/xero/sync-queue.ts";
import { rememberIdempotent, replayAfterRace, scopeOf } from "./middleware.ts";

export const originOf = (c: Context) => new URL(c.req.url).origin;

/** Hand committed events to the room without holding the response (waitUntil when there is a context). */
export function publisher(c: Context<AppEnv>, env: Env, entity: EntityRecord) {
  return async (events: EntityEvent[]) => {
    const publishing = publishEvents(env, entity, events);
    try {
      c.executionCtx.waitUntil(publishing);
    } catch {
      await publishing; // no execution context (tests calling the app directly)
    }
  };
}

/** The action context of an entity route; `status` is what the Idempotency-Key record replays. */
export function actionContext(c: Context<AppEnv>, status: number = 200): ActionContext {
  const scope = scopeOf(c);
  return {
    entity: scope.entity,
    db: scope.db,
    actor: scope.actor,
    requestId: c.get("requestId"),
    origin: originOf(c),
    beforeCommit: (changes, result) => rememberIdempotent(c, changes, status, result),
    publish: publisher(c, c.env, scope.entity),
    early: scope.early,
    marked: { sync: false },
  };
}

/**
 * Run a changing action and answer with its result. A concurrent request with the same
 * Idempotency-Key that committed first is answered with that request's stored response.
 */
export function respond<T, S extends 200 | 201>(c: Context<AppEnv>, status: S, run: (ctx: ActionContext) => Promise<T>) {
  return respondIn(c, status, actionContext(c, status), run);
}

/** `respond` with a context of the route's own making (a public link's, which has no entity scope). */
export async function respondIn<T, S extends 200 | 201>(c: Context<AppEnv>, status: S, ctx: ActionContext, run: (ctx: ActionContext) => Promise<T>) {
  try {
    return c.json(await run({ ...ctx, beforeCommit: (changes, result) => rememberIdempotent(c, changes, status, result) }), status);
  } catch (error) {
    if (error instanceof IdempotencyConflict) {
      const replayed = await replayAfterRace(c);
      if (replayed) return replayed as unknown as ReturnType<typeof c.json<T, S>>;
    }
    throw error;
  }
}

/** A read: the action's result as the route's typed response. */
export async function read<T>(c: Context<AppEnv>, run: (ctx: ActionContext) => Promise<T>) {
  return c.json(await run(actionContext(c)), 200);
}

/** After an action that may have marked objects PENDING for Xero: ask the sync queue to send them. */
export async function synced<T>(env: Env, ctx: ActionContext, action: Promise<T>): Promise<T> {
  const result = await action;
  // Nothing marked (the entity is not connected): no message, and no pass for the consumer to run.
  if (ctx.marked?.sync === false) return result;
  await requestSync(env, ctx.entity.id);
  return result;
}
