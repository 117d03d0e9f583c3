// EntityRoom: the live hub of one entity (DESIGN.md §5). It holds sockets and presence only;
// D1 holds the events, so a hibernated or evicted room loses nothing.
import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import type { Env, Principal } from "../worker/env.ts";
import { liveCredentials } from "../worker/db/control.ts";
import { readEvents, latestSeq } from "../worker/db/events.ts";
import type { Role } from "../worker/domain/access.ts";
import {
  clientMessageSchema,
  MAX_REPLAY,
  MAX_REPLAY_BYTES,
  type ClientMessage,
  type EntityEvent,
  type PresenceUser,
  type ServerMessage,
  type Subject,
} from "./protocol.ts";
import { QuoteEditing } from "./quote-editing.ts";
import { illFormedPath } from "../worker/domain/text.ts";

/** Headers the Worker sets in onBeforeConnect after authenticating; clients cannot reach the room directly. */
/** How long the room must be quiet before it writes down its broadcast seq. */
const QUIET_MS = 500;
/** The least time between two presence broadcasts of one quote. */
const PRESENCE_MS = 100;

export const ROOM_HEADERS = {
  principal: "x-kontor-principal",
  binding: "x-kontor-binding",
  roles: "x-kontor-roles",
  session: "x-kontor-session",
  expires: "x-kontor-expires",
} as const;

/** The close code of a socket whose session, API key or membership ended (4000–4999 is the application's). */
export const SESSION_ENDED = 4001;
/**
 * The longest the room goes without re-checking its sockets' credentials with the control plane (its
 * alarm). Sign-out and revocation close sockets at once by RPC; this bounds the damage of a lost RPC
 * to events seen (never writes: every op group is checked before it commits).
 */
const RECHECK_MS = 5 * 60 * 1000;

export interface RoomConnectionState {
  principal: Principal;
  roles: string[];
  binding: string;
  /** The credential the socket lives by: a session id (ses_…) or an API key id (key_…). */
  sessionId: string;
  /** When that credential expires (null: never); the room's alarm closes the socket then. */
  expiresAt: string | null;
  quoteId: string | null;
  field: string | null;
}

/** Which sockets to close: those of these credentials, or all of one user's. */
export type SocketMatch = { sessionIds: string[] } | { userId: string };

/**
 * An event as the room takes it: its frame already encoded. The room orders, buffers and fans out
 * frames; it never needs an event's data, so the Worker sends a string instead of the object graph
 * (a billing-run chunk's hundred invoices, a finalized invoice's view) for RPC to copy and rebuild.
 */
export interface PublishedEvent {
  seq: number;
  subject: Subject;
  /** A co-editing op's own event (its data carries the op's clientOpId). */
  edit: boolean;
  frame: string;
}

export function publishedEvent(event: EntityEvent): PublishedEvent {
  return { seq: event.seq, subject: event.subject, edit: "clientOpId" in event.data, frame: JSON.stringify({ type: "event", ...event } satisfies ServerMessage) };
}

const sessionTag = (id: string) => `s:${id}`;
const userTag = (id: string) => `u:${id}`;

export class EntityRoom extends Server<Env> {
  static options = { hibernate: true };

  /** The last seq sent to every socket; persisted so a woken room keeps the order. */
  private broadcastSeq: number | null = null;
  private publishing: Promise<void> = Promise.resolve();
  private persistingSeq: ReturnType<typeof setTimeout> | null = null;
  /** Live events that arrive while a socket is still being replayed to, per connection id. */
  private readonly replaying = new Map<string, PublishedEvent[]>();
  private editing: QuoteEditing | null = null;
  /** Quotes whose presence was just sent, and whether it changed since. */
  private readonly presenceWindows = new Map<string, { dirty: boolean }>();

  /** Tags let closeSockets find a credential's or a user's sockets without reading every socket's state. */
  getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    const principal = JSON.parse(ctx.request.headers.get(ROOM_HEADERS.principal) ?? "null") as Principal | null;
    const sessionId = ctx.request.headers.get(ROOM_HEADERS.session);
    return [...(sessionId ? [sessionTag(sessionId)] : []), ...(principal?.kind === "user" ? [userTag(principal.userId)] : [])];
  }

  async onConnect(connection: Connection<RoomConnectionState>, ctx: ConnectionContext) {
    const headers = ctx.request.headers;
    const principal = JSON.parse(headers.get(ROOM_HEADERS.principal) ?? "null") as Principal | null;
    const binding = headers.get(ROOM_HEADERS.binding);
    const sessionId = headers.get(ROOM_HEADERS.session);
    if (!principal || !binding || !sessionId) {
      connection.close(1008, "unauthenticated");
      return;
    }
    const expiresAt = JSON.parse(headers.get(ROOM_HEADERS.expires) ?? "null") as string | null;
    connection.setState({
      principal,
      binding,
      roles: JSON.parse(headers.get(ROOM_HEADERS.roles) ?? "[]") as string[],
      sessionId,
      expiresAt,
      quoteId: null,
      field: null,
    });
    await this.scheduleCheck(expiresAt ? Date.parse(expiresAt) : Number.POSITIVE_INFINITY);
  }

  /** Called by the Worker (RPC) when a session, an API key or a membership ended: its sockets close now. */
  closeSockets(match: SocketMatch): number {
    const tags = "userId" in match ? [userTag(match.userId)] : match.sessionIds.map(sessionTag);
    let closed = 0;
    for (const tag of tags) {
      for (const connection of this.getConnections<RoomConnectionState>(tag)) {
        this.endSocket(connection);
        closed++;
      }
    }
    return closed;
  }

  /**
   * The roles each of these sockets' credentials holds now, from the control plane (one round trip);
   * a socket whose credential ended is missing. The op path asks this before every group commit.
   */
  async liveRoles(states: readonly Pick<RoomConnectionState, "sessionId" | "expiresAt">[]): Promise<Map<string, Role[]>> {
    const now = new Date().toISOString();
    const ids = [...new Set(states.filter((s) => s.expiresAt === null || s.expiresAt > now).map((s) => s.sessionId))];
    return ids.length ? liveCredentials(this.env.CONTROL, this.name, ids, now) : new Map();
  }

  endSocket(connection: Connection) {
    try {
      connection.close(SESSION_ENDED, "session_ended");
    } catch {
      /* already closing */
    }
  }

  /** The alarm re-checks every socket at the earliest expiry among them, and at least every RECHECK_MS. */
  private async scheduleCheck(at: number) {
    const want = Math.min(at, Date.now() + RECHECK_MS);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > want) await this.ctx.storage.setAlarm(want);
  }

  async onAlarm() {
    const connections = [...this.getConnections<RoomConnectionState>()].filter((c) => c.state);
    if (connections.length === 0) return; // the next socket sets it again
    const live = await this.liveRoles(connections.map((c) => c.state!));
    let next = Number.POSITIVE_INFINITY;
    for (const connection of connections) {
      const state = connection.state!;
      if (!live.has(state.sessionId)) {
        this.endSocket(connection);
        continue;
      }
      if (state.expiresAt) next = Math.min(next, Date.parse(state.expiresAt));
    }
    // The alarm that is running is spent: set the next one outright.
    if (connections.some((c) => live.has(c.state!.sessionId))) await this.ctx.storage.setAlarm(Math.min(next, Date.now() + RECHECK_MS));
  }

  async onMessage(connection: Connection<RoomConnectionState>, raw: WSMessage) {
    const state = connection.state as RoomConnectionState | null;
    if (!state) return;
    let message: ClientMessage;
    try {
      const parsed = clientMessageSchema.safeParse(JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw as ArrayBuffer)));
      if (!parsed.success) {
        const clientOpId = extractClientOpId(raw);
        const issue = parsed.error.issues[0];
        const error = { code: "invalid_message", message: `${issue?.path.join(".") || "message"}: ${issue?.message ?? "invalid"}` };
        send(connection, clientOpId ? { type: "reject", clientOpId, error } : { type: "error", error });
        return;
      }
      const illFormed = illFormedPath(parsed.data);
      if (illFormed) {
        const error = { code: "invalid_message", message: `${illFormed}: text must be well-formed Unicode` };
        send(connection, parsed.data.type === "op" ? { type: "reject", clientOpId: parsed.data.clientOpId, error } : { type: "error", error });
        return;
      }
      message = parsed.data;
    } catch {
      send(connection, { type: "error", error: { code: "malformed_json", message: "Messages are JSON" } });
      return;
    }
    switch (message.type) {
      case "hello":
        // A replay is data: a socket whose credential ended behind the room's back gets none.
        if (!(await this.liveRoles([state])).has(state.sessionId)) {
          send(connection, { type: "error", error: { code: "unauthenticated", message: "Your session has ended" } });
          return this.endSocket(connection);
        }
        return this.replay(connection, state.binding, message.lastSeq);
      case "ping":
        return send(connection, { type: "pong" });
      case "presence":
        return this.setPresence(connection, message.quoteId, message.field);
      case "op":
        this.editing ??= new QuoteEditing(this.env, this);
        return this.editing.apply(connection, state, message, (events) => this.publish(state.binding, events.map(publishedEvent)));
    }
  }

  onClose(connection: Connection<RoomConnectionState>) {
    this.replaying.delete(connection.id);
    const quoteId = connection.state?.quoteId;
    if (quoteId) this.broadcastPresence(quoteId, connection.id);
  }

  /** Called by the Worker (RPC) after a change's batch committed. Broadcasts in seq order, filling gaps from D1. */
  publish(binding: string, events: PublishedEvent[]): Promise<void> {
    const run = this.publishing.then(() => this.broadcastInOrder(binding, events));
    this.publishing = run.catch(() => undefined);
    return run;
  }

  private async broadcastInOrder(binding: string, incoming: PublishedEvent[]) {
    if (this.broadcastSeq === null) this.broadcastSeq = (await this.ctx.storage.get<number>("broadcastSeq")) ?? null;
    const sorted = [...incoming].sort((a, b) => a.seq - b.seq);
    let fresh = this.broadcastSeq === null ? sorted : sorted.filter((e) => e.seq > this.broadcastSeq!);
    if (fresh.length === 0) return;
    const missing = this.broadcastSeq === null ? 0 : fresh[0].seq - this.broadcastSeq - 1;
    if (missing > 0 && missing <= MAX_REPLAY) {
      // An earlier commit's publish has not arrived (yet): read the gap from D1 so order holds.
      const db = this.env[binding] as D1Database;
      const gap = await readEvents(db, this.broadcastSeq!, missing);
      fresh = [...gap.map(publishedEvent), ...fresh];
    }
    const sockets = this.ctx.getWebSockets();
    for (const event of sockets.length ? fresh : []) {
      const message = event.frame;
      if (this.replaying.size === 0) {
        // Hot path: partyserver's iterator deserializes every socket's attachment; a plain fan-out does not.
        for (const socket of sockets) {
          if (socket.readyState !== WebSocket.OPEN) continue;
          try {
            socket.send(message);
          } catch {
            /* closing socket: its close handler cleans up */
          }
        }
        continue;
      }
      for (const connection of this.getConnections<RoomConnectionState>()) {
        const buffer = this.replaying.get(connection.id);
        if (buffer) buffer.push(event);
        else connection.send(message);
      }
    }
    this.editing?.observe(fresh);
    this.broadcastSeq = fresh[fresh.length - 1].seq;
    this.persistBroadcastSeq();
  }

  /**
   * The seq is an ordering hint for a woken room (D1 holds the events), so it is written when the room
   * goes quiet, not per broadcast: a storage write per event was the room's largest CPU cost under
   * co-editing, and locally each one stalls the process for its sync. A pending timer keeps the room
   * from hibernating until it is written. A room lost before that (eviction, deploy) re-sends what
   * it fills in from D1, which clients drop by seq; a gap too large to fill is left to the clients,
   * which ask for it (hello) when an event skips a seq.
   */
  private persistBroadcastSeq() {
    if (this.persistingSeq) clearTimeout(this.persistingSeq);
    this.persistingSeq = setTimeout(() => {
      this.persistingSeq = null;
      if (this.broadcastSeq !== null) void this.ctx.storage.put("broadcastSeq", this.broadcastSeq, { allowUnconfirmed: true });
    }, QUIET_MS);
  }

  private async replay(connection: Connection<RoomConnectionState>, binding: string, lastSeq: number) {
    const db = this.env[binding] as D1Database | undefined;
    if (!db) {
      send(connection, { type: "error", error: { code: "entity_unavailable", message: "Entity database unavailable" } });
      return;
    }
    this.replaying.set(connection.id, []);
    try {
      const missed = await readEvents(db, lastSeq, MAX_REPLAY + 1);
      // Too many, or too many bytes, to send down one socket: the client refetches instead.
      const bytes = missed.reduce((sum, event) => sum + JSON.stringify(event.data).length, 0);
      if (missed.length > MAX_REPLAY || bytes > MAX_REPLAY_BYTES) {
        send(connection, { type: "resync", seq: await latestSeq(db) });
        return;
      }
      // A client ahead of the entity's clock (a seq it cannot have seen) would drop the events to come.
      if (missed.length === 0 && (this.broadcastSeq === null || lastSeq > this.broadcastSeq)) {
        const head = await latestSeq(db);
        if (lastSeq > head) {
          send(connection, { type: "resync", seq: head });
          return;
        }
      }
      let seq = lastSeq;
      for (const event of missed) {
        send(connection, { type: "event", ...event });
        seq = event.seq;
      }
      for (const event of this.replaying.get(connection.id) ?? []) {
        if (event.seq > seq) {
          sendFrame(connection, event.frame);
          seq = event.seq;
        }
      }
      send(connection, { type: "synced", seq });
    } finally {
      this.replaying.delete(connection.id);
    }
  }

  private setPresence(connection: Connection<RoomConnectionState>, quoteId: string | null, field: string | null) {
    const state = connection.state as RoomConnectionState;
    const previous = state.quoteId;
    connection.setState({ ...state, quoteId, field: quoteId ? field : null });
    if (previous && previous !== quoteId) this.presenceChanged(previous);
    if (quoteId) this.presenceChanged(quoteId);
  }

  /**
   * Presence of a quote goes out at once, then at most once per PRESENCE_MS while it keeps changing
   * (the last state wins): someone tabbing through fields, or a flood, costs bystanders a few frames.
   */
  private presenceChanged(quoteId: string) {
    const window = this.presenceWindows.get(quoteId);
    if (window) {
      window.dirty = true;
      return;
    }
    this.broadcastPresence(quoteId);
    const open = { dirty: false };
    this.presenceWindows.set(quoteId, open);
    setTimeout(() => {
      this.presenceWindows.delete(quoteId);
      if (open.dirty) this.presenceChanged(quoteId);
    }, PRESENCE_MS);
  }

  private broadcastPresence(quoteId: string, leavingConnectionId?: string) {
    const users: PresenceUser[] = [];
    for (const connection of this.getConnections<RoomConnectionState>()) {
      const state = connection.state;
      if (connection.id === leavingConnectionId || !state || state.quoteId !== quoteId) continue;
      const p = state.principal;
      users.push({
        userId: p.kind === "user" ? p.userId : p.keyId,
        name: p.name,
        field: state.field,
      });
    }
    const message = JSON.stringify({ type: "presence", quoteId, users } satisfies ServerMessage);
    for (const connection of this.getConnections()) {
      if (connection.id !== leavingConnectionId) connection.send(message);
    }
  }
}

function send(connection: Connection, message: ServerMessage) {
  sendFrame(connection, JSON.stringify(message));
}

function sendFrame(connection: Connection, frame: string) {
  try {
    connection.send(frame);
  } catch {
    /* the socket closed meanwhile (a replay outlived it, or its session ended): nothing to tell it */
  }
}

function extractClientOpId(raw: WSMessage): string | null {
  try {
    const value = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw as ArrayBuffer)) as { clientOpId?: unknown };
    return typeof value?.clientOpId === "string" ? value.clientOpId.slice(0, 128) : null;
  } catch {
    return null;
  }
}
