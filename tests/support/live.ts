// A WebSocket client for the entity room over SELF.fetch (real sockets through the real Worker).
import { SELF } from "cloudflare:test";
import type { ServerMessage } from "../../party/protocol.ts";
import { ORIGIN, type ApiClient } from "./client.ts";

export class LiveSocket {
  readonly socket: WebSocket;
  readonly messages: ServerMessage[] = [];
  closed = false;
  closeCode: number | null = null;
  private waiters: (() => void)[] = [];

  constructor(socket: WebSocket) {
    this.socket = socket;
    socket.addEventListener("message", (event) => {
      this.messages.push(JSON.parse(event.data as string) as ServerMessage);
      this.notify();
    });
    socket.addEventListener("close", (event) => {
      this.closed = true;
      this.closeCode = event.code;
      this.notify();
    });
  }

  private notify() {
    for (const wake of this.waiters.splice(0)) wake();
  }

  send(message: unknown) {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  events() {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: "event" }> => m.type === "event");
  }

  /** Resolves with the first message (from `from` on) matching `predicate`; fails after `timeoutMs`. */
  async waitFor<T extends ServerMessage>(predicate: (m: ServerMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(predicate);
      if (found) return found as T;
      if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs}ms; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Resolves with the close code once the server has closed the socket; fails after `timeoutMs`. */
  async waitClosed(timeoutMs = 10_000): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`socket still open after ${timeoutMs}ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.closeCode;
  }

  close() {
    if (!this.closed) this.socket.close(1000, "done");
  }
}

export async function openRoom(
  entityId: string,
  auth: { client?: ApiClient; token?: string; origin?: string | null },
): Promise<{ status: number; live: LiveSocket | null; body: string }> {
  const headers: Record<string, string> = { upgrade: "websocket" };
  if (auth.client?.cookie) headers.cookie = auth.client.cookie;
  if (auth.origin !== null) headers.origin = auth.origin ?? ORIGIN;
  const query = auth.token ? `?token=${encodeURIComponent(auth.token)}` : "";
  const res = await SELF.fetch(`${ORIGIN}/parties/entity-room/${entityId}${query}`, { headers });
  if (!res.webSocket) return { status: res.status, live: null, body: await res.text() };
  res.webSocket.accept();
  return { status: res.status, live: new LiveSocket(res.webSocket), body: "" };
}

/** Connect and hello from the current seq, resolved once the room says it is synced. */
export async function joinRoom(entityId: string, client: ApiClient, entitySlug = entityId): Promise<LiveSocket> {
  const { live, status, body } = await openRoom(entityId, { client });
  if (!live) throw new Error(`upgrade refused: ${status} ${body}`);
  const latest = await client.get(`/api/v1/entities/${entitySlug}/events/latest`);
  live.send({ type: "hello", lastSeq: latest.body.seq });
  await live.waitFor((m) => m.type === "synced");
  return live;
}
