// After a batch commits, the Worker hands its events to the entity's EntityRoom, which broadcasts them.
import type { EntityEvent } from "../party/protocol.ts";
import type { EntityRecord, Env } from "./env.ts";

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
