// Co-editing of DRAFT quotes over the entity's socket (DESIGN.md §5). Quotes arrive with the quotes
// capability; until a quote exists, every op batch names an unknown quote and is rejected as such.
import type { Connection } from "partyserver";
import type { Env } from "../worker/env.ts";
import type { ClientMessage, EntityEvent, ServerMessage } from "./protocol.ts";
import type { RoomConnectionState } from "./entity-room.ts";

export class QuoteEditing {
  readonly env: Env;
  constructor(env: Env) {
    this.env = env;
  }

  async apply(
    connection: Connection<RoomConnectionState>,
    _state: RoomConnectionState,
    message: Extract<ClientMessage, { type: "op" }>,
    _publish: (events: EntityEvent[]) => Promise<void>,
  ): Promise<void> {
    const reply: ServerMessage = {
      type: "reject",
      clientOpId: message.clientOpId,
      error: { code: "quote_not_found", message: `Quote ${message.quoteId} not found` },
    };
    connection.send(JSON.stringify(reply));
  }
}
