// After a batch commits, the Worker hands its events to the entity's EntityRoom, which broadcasts them.
// When a credential or a membership ends, the rooms that may hold its sockets are told to close them.
import type { EntityEvent } from "../party/protocol.ts";
import { publishedEvent, type SocketMatch } from "../party/entity-room.ts";
import type { EntityRecord, Env } from "./env.ts";

export async function publishEvents(env: Env, entity: EntityRecord, events: EntityEvent[]): Promise<void> {
  if (events.length === 0) return;
  const room = env.EntityRoom.get(env.EntityRoom.idFromName(entity.id));
  try {
    await room.publish(entity.binding, events.map(publishedEvent));
  } catch (error) {
    // D1 already holds the events; clients that miss them catch up on their next hello.
    console.error("publish to EntityRoom failed", entity.id, error);
  }
}

/** The rooms of this environment, as the control-plane actions see them. */
export interface Rooms {
  /** Close the matching sockets in each entity's room; resolves once every room has answered. */
  closeSockets(entityIds: string[], match: SocketMatch): Promise<void>;
}

export function roomsOf(env: Env): Rooms {
  return {
    async closeSockets(entityIds, match) {
      await Promise.all(
        entityIds.map(async (entityId) => {
          try {
            await env.EntityRoom.get(env.EntityRoom.idFromName(entityId)).closeSockets(match);
          } catch (error) {
            // The room re-checks the credential before every op commit and on its alarm: a lost call
            // delays the close, it never lets a dead credential write.
            console.error("closeSockets on EntityRoom failed", entityId, error);
          }
        }),
      );
    },
  };
}
