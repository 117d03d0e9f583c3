// The live connection of one entity: /parties/entity-room/<entityId> (partysocket, same-origin
// cookie). Protocol: party/protocol.ts and API.md "Live updates".
//
// Ordering contract for pages:
//   1. The entity layout's load gets `startSeq = await live.prepare(entity.id)` (the entity's latest
//      seq) BEFORE any page data is fetched. Loads have no other side effect (they also run when
//      SvelteKit preloads a link), so the layout component connects: `live.connect(id, startSeq)`,
//      and the hello carries that seq.
//   2. A page's load records `asOf = live.asOf(entity.id, startSeq)` before it fetches its data.
//   3. The page subscribes with `live.subscribe(entity.id, prefix, handler, asOf)`: events after
//      `asOf` that arrived before the page mounted are replayed from a buffer, later ones are
//      delivered live. Handlers must be idempotent (an event may describe a change the fetched data
//      already has). Subscriptions only ever see events of their own entity.
import { PartySocket } from "partysocket";
import { invalidateAll, goto } from "$app/navigation";
import type { ClientMessage, EntityEvent, ServerMessage } from "$protocol";
import { api, UNAUTHENTICATED_EVENT } from "./api.ts";
import { session, signInUrl } from "./session.svelte.ts";

export type LiveState = "idle" | "connecting" | "live" | "reconnecting" | "offline";
export type { EntityEvent };

type EventHandler = (event: EntityEvent) => void;
type MessageHandler = (message: ServerMessage) => void;

const BUFFER_SIZE = 500;
const PING_INTERVAL_MS = 20_000;
const PONG_TIMEOUT_MS = 8_000;
const ACCESS_CHECK_INTERVAL_MS = 15_000;
/** The room's close code for a socket whose session, API key or membership ended (SESSION_ENDED in
 *  party/entity-room.ts; restated so the bundle does not pull in the room's server code). */
export const SESSION_ENDED_CLOSE = 4001;

class LiveConnection {
  /** Connection state, for the indicator in the top bar. */
  state = $state<LiveState>("idle");
  /** The entity this connection belongs to. */
  entityId = $state<string | null>(null);
  /** Seq of the last event applied in order: the entity's clock as this client knows it. */
  seq = $state(0);

  #socket: PartySocket | null = null;
  #subs = new Set<{ entityId: string; prefix: string; handler: EventHandler }>();
  #messageSubs = new Set<MessageHandler>();
  /** Recent events in seq order; every event with seq > #floor (up to #lastSeq) is in here. */
  #buffer: EntityEvent[] = [];
  #floor = 0;
  #lastSeq = 0;
  /** A hello is outstanding: out-of-order events will come with its replay. */
  #awaitingSync = false;
  /** No start seq from the server yet: skip the first replay, take the seq from `synced`. */
  #discardUntilSynced = false;
  #refetchOnSync = false;
  #refetchRequestedAtFloor = -1;
  #behind = 0;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #pongTimer: ReturnType<typeof setTimeout> | null = null;
  #serverAnswersPing = false;
  #lastAccessCheck = 0;
  #connectionId = 0;
  #sessionEndedRetried = false;

  constructor() {
    if (typeof window === "undefined") return;
    window.addEventListener("offline", () => this.#onOffline());
    window.addEventListener("online", () => this.#onOnline());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.#socket && this.state !== "live" && navigator.onLine) {
        this.#socket.reconnect();
      }
    });
  }

  /**
   * The entity's current seq, to start from (no side effects: safe in a load function).
   * Null when it could not be read: the connection then takes it from the first `synced`.
   */
  async prepare(entityId: string): Promise<number | null> {
    try {
      const latest = await api.latestSeq(entityId);
      return typeof latest?.seq === "number" && latest.seq >= 0 ? latest.seq : null;
    } catch {
      return null;
    }
  }

  /** The seq page data fetched now is "as of": the live clock if connected to this entity. */
  asOf(entityId: string, startSeq: number | null): number {
    if (this.entityId === entityId && this.#socket) return this.#discardUntilSynced ? 0 : this.#lastSeq;
    return startSeq ?? 0;
  }

  /**
   * Connect to the entity's room from `startSeq` (from `prepare`), closing any other entity's
   * connection. A no-op when already connected to this entity.
   */
  connect(entityId: string, startSeq: number | null): void {
    if (this.entityId === entityId && this.#socket) return;
    this.disconnect();
    this.entityId = entityId;
    this.state = navigator.onLine ? "connecting" : "offline";

    this.#discardUntilSynced = startSeq === null;
    this.#lastSeq = startSeq ?? 0;
    this.seq = this.#lastSeq;
    this.#floor = startSeq ?? Number.POSITIVE_INFINITY;
    this.#buffer = [];
    this.#awaitingSync = false;
    this.#behind = 0;
    this.#refetchOnSync = false;
    this.#sessionEndedRetried = false;

    const socket = new PartySocket({
      host: location.host,
      protocol: location.protocol === "https:" ? "wss" : "ws",
      party: "entity-room",
      room: entityId,
      // Never queue messages while closed: a stale hello must not be sent after reconnecting.
      maxEnqueuedMessages: 0,
      maxReconnectionDelay: 8_000,
      minReconnectionDelay: 500,
      connectionTimeout: 6_000,
      // The room ended this credential: a retry would only be refused again (see #onSessionEnded).
      shouldReconnectOnClose: (ev) => ev.code !== SESSION_ENDED_CLOSE,
    });
    socket.addEventListener("open", () => {
      if (socket !== this.#socket) return;
      this.#connectionId++;
      this.#hello();
      this.#startHeartbeat();
    });
    socket.addEventListener("message", (ev: MessageEvent) => {
      if (socket !== this.#socket) return;
      this.#onMessage(ev.data);
    });
    socket.addEventListener("close", (ev: CloseEvent) => {
      if (socket !== this.#socket) return;
      this.#stopHeartbeat();
      this.#awaitingSync = false;
      if (ev.code === SESSION_ENDED_CLOSE) return void this.#onSessionEnded(entityId);
      this.state = navigator.onLine ? "reconnecting" : "offline";
      if (socket.retryCount >= 2) void this.#checkAccess();
    });
    this.#socket = socket;
    if (!navigator.onLine) socket.close();
  }

  /** Close the connection (sign-out, no access, switching entity). */
  disconnect() {
    this.#stopHeartbeat();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close();
    this.entityId = null;
    this.state = "idle";
    this.#buffer = [];
    this.#awaitingSync = false;
  }

  /**
   * Receive the entity's events whose kind starts with `prefix` ("customer." or "" for all). With
   * `sinceSeq`, buffered events after it are replayed first. Returns the unsubscribe function.
   */
  subscribe(entityId: string, prefix: string, handler: EventHandler, sinceSeq?: number): () => void {
    const sub = { entityId, prefix, handler };
    this.#subs.add(sub);
    // Not connected to this entity yet: its connection will start at the seq the data is as of.
    if (sinceSeq !== undefined && this.#socket && this.entityId === entityId) {
      if (sinceSeq >= this.#floor) {
        for (const e of this.#buffer) {
          if (e.seq > sinceSeq && e.kind.startsWith(prefix)) this.#call(handler, e);
        }
      } else {
        this.#requestRefetch();
      }
    }
    return () => {
      this.#subs.delete(sub);
    };
  }

  /** Receive every server message (acks, rejects, presence — for co-editing). */
  onMessage(handler: MessageHandler): () => void {
    this.#messageSubs.add(handler);
    return () => {
      this.#messageSubs.delete(handler);
    };
  }

  /**
   * Which socket is open: increments every time one opens. A message sent on an earlier
   * connection may have been lost (co-editing resends its unacknowledged batches after `synced`).
   */
  get connectionId(): number {
    return this.#connectionId;
  }

  /** Send a client message; false when the socket is not open (nothing is queued). */
  send(message: ClientMessage): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== socket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  // ---- internals ----

  #hello() {
    if (this.send({ type: "hello", lastSeq: this.#lastSeq })) this.#awaitingSync = true;
  }

  #onMessage(raw: unknown) {
    if (typeof raw !== "string") return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    if (this.#pongTimer) {
      clearTimeout(this.#pongTimer);
      this.#pongTimer = null;
    }
    switch (msg.type) {
      case "event":
        this.#onEvent(msg);
        break;
      case "synced":
        this.#onSynced(msg.seq);
        break;
      case "resync":
        this.#resync(msg.seq);
        break;
      case "pong":
        this.#serverAnswersPing = true;
        break;
      case "error":
        console.warn("live:", msg.error?.code, msg.error?.message);
        break;
    }
    for (const h of this.#messageSubs) {
      try {
        h(msg);
      } catch (e) {
        console.error(e);
      }
    }
  }

  #onEvent(e: EntityEvent) {
    if (this.#discardUntilSynced) return;
    if (typeof e.seq !== "number" || e.seq <= this.#lastSeq) return; // duplicate
    if (e.seq > this.#lastSeq + 1) {
      // A gap: ask for the missing events; this one comes again with the replay.
      if (!this.#awaitingSync) this.#hello();
      return;
    }
    this.#lastSeq = e.seq;
    this.seq = e.seq;
    this.#buffer.push(e);
    if (this.#buffer.length > BUFFER_SIZE) this.#floor = this.#buffer.shift()!.seq;
    for (const sub of this.#subs) {
      if (sub.entityId === this.entityId && e.kind.startsWith(sub.prefix)) this.#call(sub.handler, e);
    }
  }

  #onSynced(seq: number) {
    this.#awaitingSync = false;
    if (this.#discardUntilSynced) {
      this.#discardUntilSynced = false;
      this.#lastSeq = seq;
      this.seq = seq;
      this.#floor = seq;
      this.#buffer = [];
      if (this.#refetchOnSync) {
        this.#refetchOnSync = false;
        void invalidateAll();
      }
    } else if (seq > this.#lastSeq) {
      // The server says it delivered up to `seq` but some are missing here: ask once more,
      // then give up on replay and refetch.
      if (this.#behind++ === 0) {
        this.#hello();
        return;
      }
      this.#resync(seq);
      return;
    }
    this.#behind = 0;
    this.state = "live";
  }

  #resync(seq: number) {
    this.#lastSeq = seq;
    this.seq = seq;
    this.#floor = seq;
    this.#buffer = [];
    this.#behind = 0;
    this.#hello();
    void invalidateAll();
  }

  #requestRefetch() {
    if (this.#discardUntilSynced) {
      this.#refetchOnSync = true;
      return;
    }
    if (this.#refetchRequestedAtFloor === this.#floor) return; // once per floor: never loop
    this.#refetchRequestedAtFloor = this.#floor;
    queueMicrotask(() => void invalidateAll());
  }

  #call(handler: EventHandler, e: EntityEvent) {
    try {
      handler(e);
    } catch (err) {
      console.error("live handler failed", err);
    }
  }

  #onOffline() {
    if (!this.#socket) return;
    this.state = "offline";
    this.#stopHeartbeat();
    this.#socket.close(); // stop retrying until the browser is back online
  }

  #onOnline() {
    if (!this.#socket) return;
    this.state = "reconnecting";
    this.#socket.reconnect();
  }

  #startHeartbeat() {
    this.#stopHeartbeat();
    this.#pingTimer = setInterval(() => {
      if (!this.send({ type: "ping" })) return;
      if (!this.#serverAnswersPing || this.#pongTimer) return;
      // No answer at all in time: the socket is dead without having closed (e.g. network gone).
      this.#pongTimer = setTimeout(() => {
        this.#pongTimer = null;
        this.#socket?.reconnect();
      }, PONG_TIMEOUT_MS);
    }, PING_INTERVAL_MS);
  }

  #stopHeartbeat() {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    if (this.#pongTimer) clearTimeout(this.#pongTimer);
    this.#pingTimer = null;
    this.#pongTimer = null;
  }

  /**
   * The room closed the socket with 4001: this tab's session was signed out, revoked or expired, or
   * the membership ended. Ask the server which: signed out goes the way every 401 goes (the root
   * layout's sign-in redirect, with ?next=); no longer a member shows the no-access page.
   */
  async #onSessionEnded(entityId: string) {
    this.state = "reconnecting";
    let s: Awaited<ReturnType<typeof session.refresh>> = null;
    try {
      s = await session.refresh();
    } catch {
      // The server said the session ended and cannot be asked again: believe the socket.
    }
    if (this.entityId !== entityId) return; // disconnected or switched meanwhile
    if (!s) {
      this.disconnect();
      window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT));
      return;
    }
    if (!s.entities.some((e) => e.id === entityId)) {
      this.disconnect();
      await invalidateAll();
      return;
    }
    // Still signed in and a member (e.g. roles changed under the socket): a fresh connection, once
    // per connect so a room that keeps refusing cannot make this loop.
    if (this.#sessionEndedRetried) {
      this.state = "offline";
      return;
    }
    this.#sessionEndedRetried = true;
    this.#socket?.reconnect();
  }

  /** The socket keeps failing: signed out, or no longer a member? */
  async #checkAccess() {
    const now = Date.now();
    if (now - this.#lastAccessCheck < ACCESS_CHECK_INTERVAL_MS || !navigator.onLine) return;
    this.#lastAccessCheck = now;
    const entityId = this.entityId;
    try {
      const s = await session.refresh();
      if (this.entityId !== entityId) return; // disconnected or switched meanwhile
      if (!s) {
        this.disconnect();
        await goto(signInUrl(location));
        return;
      }
      if (entityId && !s.entities.some((e) => e.id === entityId)) {
        this.disconnect();
        await invalidateAll(); // the layout shows the no-access page
      }
    } catch {
      // server unreachable: keep retrying quietly
    }
  }
}

export const live = new LiveConnection();
