// After a batch commits, the Worker hands its events to the entity's EntityRoom, which broadcasts them.
import type { Context } from "hono";
import type { EntityEvent } from "../party/protocol.ts";
import { ChangeSet, IdempotencyConflict } from "./db/changes.ts";
import type { AppEnv, EntityRecord, Env } from "./env.ts";
import { rememberIdempotent, replayAfterRace, scopeOf } from "./api/middleware.ts";

export async function publishEvents(env: Env, entity: EntityRecord, events: EntityEvent[]): Promise<void> {
  if (events.length === 0) return;
  const room = env.EntityRoom.get(env.EntityRoom.idFromName(entity.id));
  try {
    await room.publish(entity.binding, events);
  } catch (error) {
    // D1 already holds the events; clients that miss them catch up on their next hello.
    console.error("publish to EntityRoom failed", entity.id, error);
  }
}

/** Commit one change batch (with its Idempotency-Key record), broadcast its events, answer. */
export async function commitAndRespond<T>(
  c: Context<AppEnv>,
  changes: ChangeSet,
  status: 200 | 201,
  body: T,
): Promise<Response> {
  rememberIdempotent(c, changes, status, body);
  let events: EntityEvent[];
  try {
    events = await changes.commit();
  } catch (error) {
    if (error instanceof IdempotencyConflict) {
      const replayed = await replayAfterRace(c);
      if (replayed) return replayed;
    }
    throw error;
  }
  const publishing = publishEvents(c.env, scopeOf(c).entity, events);
  try {
    c.executionCtx.waitUntil(publishing);
  } catch {
    await publishing; // no execution context (tests calling the app directly)
  }
  return c.json(body as never, status);
}
