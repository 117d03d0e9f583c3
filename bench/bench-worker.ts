// The bench Worker: the real Worker, plus bare floors in the same workerd — a bare Hono route doing
// the same D1 read, and a bare Durable Object fan-out of the same message to the same sockets.
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import worker from "../worker/index.ts";
import { publishEvents } from "../worker/live.ts";
import type { EntityEvent } from "../party/protocol.ts";
import type { Env } from "../worker/env.ts";
import { presentedCredential } from "../worker/credentials.ts";
import { resolveEntityAccess } from "../worker/db/control.ts";
import { billingRunBench } from "./billing-run-floor.ts";
import { xeroSyncBench } from "./xero-sync-seed.ts";

export { EntityRoom } from "../party/entity-room.ts";
export { XeroConnection } from "../worker/integrations/xero/connection.ts";

type BenchEnv = Env & { BareFanout: DurableObjectNamespace<BareFanout>; ENTITY_ACME_US: D1Database };

/** Accepts hibernatable sockets and sends each POSTed body to all of them: nothing else. */
export class BareFanout extends DurableObject {
  private relayed = 0;
  async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") === "websocket") {
      const pair = new WebSocketPair();
      this.ctx.acceptWebSocket(pair[1]);
      return new Response(null, { status: 101, webSocket: pair[0] });
    }
    const message = await request.text();
    for (const socket of this.ctx.getWebSockets()) socket.send(message);
    return new Response("ok");
  }

  /**
   * The bare floors for co-editing, by object name:
   * - "echo": parse the batch, answer an ack (the floor the issue names);
   * - "relay": also send the batch to every socket, as API.md requires of a co-editing server (each
   *   editor sees every batch): the frames our room sends, with nothing checked or stored;
   * - "durable-relay": first write the batch to D1 in one statement, as DESIGN §4 requires before an
   *   ack, then relay: the least any server meeting both documents does.
   */
  async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer) {
    const text = typeof message === "string" ? message : new TextDecoder().decode(message);
    const batch = JSON.parse(text) as { clientOpId: string };
    const mode = this.ctx.id.name;
    let seq = ++this.relayed;
    if (mode === "durable-relay") {
      const row = await (this.env as BenchEnv).ENTITY_ACME_US.prepare(
        "INSERT INTO bench_events (kind, subject_type, subject_id, actor, data, at) VALUES ('bench.echo', 'bench', ?, '{}', ?, ?) RETURNING seq",
      )
        .bind(batch.clientOpId, text, new Date().toISOString())
        .first<{ seq: number }>();
      seq = row!.seq;
    }
    socket.send(JSON.stringify({ type: "ack", clientOpId: batch.clientOpId, rev: 0, seq }));
    if (mode === "echo") return;
    const event = JSON.stringify({ type: "event", seq, kind: "quote.updated", data: batch });
    for (const other of this.ctx.getWebSockets()) {
      try {
        other.send(event);
      } catch {
        /* closing */
      }
    }
  }
}

const bare = new Hono<{ Bindings: BenchEnv }>();

// The floors write their events to a twin of the events table: rows they wrote into `events` itself
// would be a gap the room fills (and broadcasts) at our next publish, charging the floors' work to us.
let benchEventsReady: Promise<unknown> | null = null;
bare.use(async (c, next) => {
  benchEventsReady ??= c.env.ENTITY_ACME_US.batch([
    c.env.ENTITY_ACME_US.prepare("CREATE TABLE IF NOT EXISTS bench_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, subject_type TEXT NOT NULL, subject_id TEXT NOT NULL, actor TEXT NOT NULL, data TEXT NOT NULL, at TEXT NOT NULL)"),
    c.env.ENTITY_ACME_US.prepare("CREATE INDEX IF NOT EXISTS bench_events_subject ON bench_events(subject_id, seq)"),
    c.env.ENTITY_ACME_US.prepare("CREATE TABLE IF NOT EXISTS bench_invoices (id TEXT PRIMARY KEY, status TEXT NOT NULL, number INTEGER UNIQUE)"),
  ]);
  await benchEventsReady;
  await next();
});
bare.get("/__bare/customers/:id", async (c) => {
  const row = await c.env.ENTITY_ACME_US.prepare("SELECT * FROM customers WHERE id = ?").bind(c.req.param("id")).first();
  return row ? c.json(row) : c.json({ error: "not found" }, 404);
});
bare.get("/__bare/fanout", (c) => c.env.BareFanout.get(c.env.BareFanout.idFromName("bench")).fetch(c.req.raw));
bare.get("/__bare/echo", (c) => c.env.BareFanout.get(c.env.BareFanout.idFromName("echo")).fetch(c.req.raw));
bare.get("/__bare/relay", (c) => c.env.BareFanout.get(c.env.BareFanout.idFromName("relay")).fetch(c.req.raw));
bare.get("/__bare/durable-relay", (c) => c.env.BareFanout.get(c.env.BareFanout.idFromName("durable-relay")).fetch(c.req.raw));
// The same D1 write as a customer create (row + event), then the bare fan-out of the event.
bare.post("/__bare/customers", async (c) => {
  const body = await c.req.json<{ legalName: string }>();
  const id = `cus_bare_${crypto.randomUUID()}`;
  const at = new Date().toISOString();
  const db = c.env.ENTITY_ACME_US;
  const [, event] = await db.batch([
    db.prepare("INSERT INTO customers (id, legal_name, email, country, currency, tax_status, search, created_at, updated_at, rev) VALUES (?, ?, 'b@b.test', 'US', 'USD', 'TAXED', '', ?, ?, 1)").bind(id, body.legalName, at, at),
    db.prepare("INSERT INTO bench_events (kind, subject_type, subject_id, actor, data, at) VALUES ('bare.created', 'customer', ?, '{}', '{}', ?) RETURNING seq").bind(id, at),
  ]);
  const seq = (event.results[0] as { seq: number }).seq;
  const message = JSON.stringify({ type: "event", seq, kind: "bare.created", subject: { type: "customer", id }, at, data: { legalName: body.legalName } });
  await c.env.BareFanout.get(c.env.BareFanout.idFromName("bench")).fetch("http://bare/fanout", { method: "POST", body: message });
  return c.json({ id }, 201);
});

// The floor of a quote creation: one D1 batch that claims the next number of a counter, inserts the
// row with it and guards that exactly one row was written — what a gapless, numbered create needs.
bare.post("/__bare/quotes", async (c) => {
  const body = await c.req.json<{ title: string }>();
  const db = c.env.ENTITY_ACME_US;
  const id = `quo_bare_${crypto.randomUUID()}`;
  const [counter] = await db.batch([
    db.prepare("INSERT INTO counters (name, value) VALUES ('bench_quote', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value"),
    db.prepare("INSERT INTO bench_events (kind, subject_type, subject_id, actor, data, at) SELECT 'bare.quote', 'quote', ?, '{}', json_object('title', ?, 'number', value), ? FROM counters WHERE name = 'bench_quote'").bind(id, body.title, new Date().toISOString()),
    db.prepare("INSERT INTO batch_guards (matched) VALUES (changes())"),
  ]);
  return c.json({ id, number: (counter.results[0] as { value: number }).value }, 201);
});

// The finalize floor: drafts to finalize, then a bare guarded counter increment — one batch claims the
// next number and sets it on a DRAFT row, failing whole if the row was not a draft.
bare.post("/__bare/invoices", async (c) => {
  const { n } = await c.req.json<{ n: number }>();
  const db = c.env.ENTITY_ACME_US;
  const ids = Array.from({ length: n }, () => `inv_bare_${crypto.randomUUID()}`);
  await db.batch(ids.map((id) => db.prepare("INSERT INTO bench_invoices (id, status) VALUES (?, 'DRAFT')").bind(id)));
  return c.json({ ids }, 201);
});
bare.post("/__bare/invoices/:id/finalize", async (c) => {
  const db = c.env.ENTITY_ACME_US;
  const [counter] = await db.batch([
    db.prepare("INSERT INTO counters (name, value) VALUES ('bench_invoice', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value"),
    db.prepare("UPDATE bench_invoices SET status = 'FINAL', number = (SELECT value FROM counters WHERE name = 'bench_invoice') WHERE id = ? AND status = 'DRAFT'").bind(c.req.param("id")),
    db.prepare("INSERT INTO batch_guards (matched) VALUES (changes())"),
  ]);
  return c.json({ number: (counter.results[0] as { value: number }).value });
});

// The least an authenticated finalize does, bare: the caller's session and membership (the same
// control-plane query the Worker runs), one read of the draft it finalizes, then the same guarded counter
// increment as above. No pricing, no snapshots, no event or audit row, no publish, no document queued:
// how much of the gap to the bare guarded counter increment is the round trips any authenticated finalize needs.
bare.post("/__bare/invoices/:id/authed-finalize", async (c) => {
  const presented = presentedCredential(c.req.raw.headers);
  const access = presented?.credential ? await resolveEntityAccess(c.env.CONTROL, presented.credential, "acme-us", c.env.ENVIRONMENT) : null;
  if (!access?.entity) return c.json({ error: "unauthenticated" }, 401);
  const db = c.env.ENTITY_ACME_US;
  const id = c.req.param("id");
  const draft = await db.prepare("SELECT id, status FROM bench_invoices WHERE id = ?").bind(id).first<{ status: string }>();
  if (draft?.status !== "DRAFT") return c.json({ error: "not a draft" }, 409);
  const [counter] = await db.batch([
    db.prepare("INSERT INTO counters (name, value) VALUES ('bench_invoice', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value"),
    db.prepare("UPDATE bench_invoices SET status = 'FINAL', number = (SELECT value FROM counters WHERE name = 'bench_invoice') WHERE id = ? AND status = 'DRAFT'").bind(id),
    db.prepare("INSERT INTO batch_guards (matched) VALUES (changes())"),
  ]);
  return c.json({ number: (counter.results[0] as { value: number }).value });
});

// The same event write, then OUR broadcast path (EntityRoom.publish: ordering, gap check, fan-out).
bare.post("/__bare/publish-via-room", async (c) => {
  const { marker } = await c.req.json<{ marker: string }>();
  const at = new Date().toISOString();
  const actor = { type: "system" as const, id: "bench" };
  const row = await c.env.ENTITY_ACME_US.prepare(
    "INSERT INTO events (kind, subject_type, subject_id, actor, data, at) VALUES ('bench.broadcast', 'bench', ?, ?, ?, ?) RETURNING seq",
  )
    .bind(marker, JSON.stringify(actor), JSON.stringify({ marker }), at)
    .first<{ seq: number }>();
  const event: EntityEvent = { seq: row!.seq, kind: "bench.broadcast", subject: { type: "bench", id: marker }, actor, at, data: { marker } };
  const entity = { id: "ent_acme_us", slug: "acme-us", name: "Acme Inc", legalName: "Acme Inc", country: "US", currency: "USD", timezone: "UTC", binding: "ENTITY_ACME_US", environment: "local" as const, status: "ACTIVE" };
  await publishEvents(c.env, entity, [event]);
  return c.json({ seq: event.seq });
});
// The least an authenticated decision on a record does, bare: the caller's session and membership (the
// same control-plane query the Worker runs), one read of the record it decides on, one event write,
// the bare fan-out. No workflow, no tasks, no audit: it shows how much of the gap to the bare broadcast
// floor is the three round trips any authenticated submit needs.
bare.post("/__bare/authed-write", async (c) => {
  const { marker, quoteId } = await c.req.json<{ marker: string; quoteId: string }>();
  const presented = presentedCredential(c.req.raw.headers);
  const access = presented?.credential ? await resolveEntityAccess(c.env.CONTROL, presented.credential, "acme-us", c.env.ENVIRONMENT) : null;
  if (!access?.entity) return c.json({ error: "unauthenticated" }, 401);
  const quote = await c.env.ENTITY_ACME_US.prepare("SELECT id, rev, status FROM quotes WHERE id = ?").bind(quoteId).first();
  if (!quote) return c.json({ error: "not found" }, 404);
  const at = new Date().toISOString();
  const row = await c.env.ENTITY_ACME_US.prepare(
    "INSERT INTO bench_events (kind, subject_type, subject_id, actor, data, at) VALUES ('bench.broadcast', 'bench', ?, '{}', ?, ?) RETURNING seq",
  )
    .bind(marker, JSON.stringify({ marker }), at)
    .first<{ seq: number }>();
  const message = JSON.stringify({ type: "event", seq: row!.seq, kind: "bench.broadcast", subject: { type: "bench", id: marker }, actor: { type: "system", id: "bench" }, at, data: { marker } });
  await c.env.BareFanout.get(c.env.BareFanout.idFromName("bench")).fetch("http://bare/fanout", { method: "POST", body: message });
  return c.json({ seq: row!.seq });
});

// The same event write, then the bare fan-out.
bare.post("/__bare/publish-via-bare", async (c) => {
  const { marker } = await c.req.json<{ marker: string }>();
  const at = new Date().toISOString();
  const row = await c.env.ENTITY_ACME_US.prepare(
    "INSERT INTO bench_events (kind, subject_type, subject_id, actor, data, at) VALUES ('bench.broadcast', 'bench', ?, '{}', ?, ?) RETURNING seq",
  )
    .bind(marker, JSON.stringify({ marker }), at)
    .first<{ seq: number }>();
  const message = JSON.stringify({ type: "event", seq: row!.seq, kind: "bench.broadcast", subject: { type: "bench", id: marker }, actor: { type: "system", id: "bench" }, at, data: { marker } });
  await c.env.BareFanout.get(c.env.BareFanout.idFromName("bench")).fetch("http://bare/fanout", { method: "POST", body: message });
  return c.json({ seq: row!.seq });
});

// Co-editing driver inside workerd: N editor sockets opened straight into the room (as the Worker does
// after authenticating) or into a bare floor (echo or relay), each sending its next batch when the last is acked.
bare.post("/__bench/coedit", async (c) => {
  const { editors, perEditor, quoteId, baseRev, target } = await c.req.json<{ editors: number; perEditor: number; quoteId: string; baseRev: number; target: "room" | "echo" | "relay" | "durable-relay" }>();
  const sockets: WebSocket[] = [];
  if (target === "room") {
    // Real control-plane rows: the room checks each editor's session and membership before every group commit.
    const now = new Date().toISOString();
    const control = c.env.CONTROL;
    await control.batch(
      Array.from({ length: editors }, (_, i) => [
        control.prepare("INSERT OR IGNORE INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, 'none', ?)").bind(`usr_bench_${i}`, `e${i}@bench.test`, `Editor ${i}`, now),
        control.prepare("INSERT OR IGNORE INTO memberships (user_id, entity_id, roles, created_at) VALUES (?, 'ent_acme_us', '[\"sales\"]', ?)").bind(`usr_bench_${i}`, now),
        control.prepare("INSERT OR IGNORE INTO sessions (id, token_hash, user_id, environment, created_at, expires_at) VALUES (?, ?, ?, 'local', ?, '2999-01-01T00:00:00.000Z')").bind(`ses_bench_${i}`, `bench_${i}`, `usr_bench_${i}`, now),
      ]).flat(),
    );
  }
  for (let i = 0; i < editors; i++) {
    const headers = new Headers({ upgrade: "websocket" });
    let res: Response;
    if (target === "room") {
      headers.set("x-kontor-principal", JSON.stringify({ kind: "user", userId: `usr_bench_${i}`, email: `e${i}@bench.test`, name: `Editor ${i}`, sessionId: `ses_bench_${i}` }));
      headers.set("x-kontor-binding", "ENTITY_ACME_US");
      headers.set("x-kontor-roles", JSON.stringify(["sales"]));
      headers.set("x-kontor-session", `ses_bench_${i}`);
      headers.set("x-kontor-expires", JSON.stringify("2999-01-01T00:00:00.000Z"));
      headers.set("x-partykit-room", "ent_acme_us");
      res = await c.env.EntityRoom.get(c.env.EntityRoom.idFromName("ent_acme_us")).fetch(new Request(`http://room/parties/entity-room/ent_acme_us?_pk=bench${i}`, { headers }));
    } else {
      res = await c.env.BareFanout.get(c.env.BareFanout.idFromName(target)).fetch(new Request(`http://bare/${target}`, { headers }));
    }
    const socket = res.webSocket;
    if (!socket) return c.json({ error: `socket ${i}: ${res.status} ${await res.text()}` }, 500);
    socket.accept();
    sockets.push(socket);
  }
  const latencies: number[] = [];
  let rejected = 0;
  const started = Date.now();
  await Promise.all(
    sockets.map(
      (socket, editor) =>
        new Promise<void>((resolve) => {
          let n = 0;
          let sentAt = 0;
          let waiting = "";
          const next = () => {
            if (n === perEditor) return resolve();
            waiting = `e${editor}-${n}-${crypto.randomUUID().slice(0, 8)}`;
            sentAt = performance.now();
            const ops = n % 4 === 3
              ? [{ op: "set", field: "notes", value: `editor ${editor} batch ${n}` }]
              : [{ op: "updateLine", lineId: `e${editor}`, field: "quantity", value: String(5 + ((n * 7 + editor) % 40)) }];
            socket.send(JSON.stringify({ type: "op", clientOpId: waiting, quoteId, baseRev, ops }));
            n++;
          };
          socket.addEventListener("message", (event) => {
            const data = String(event.data);
            if (!data.startsWith('{"type":"ack"') && !data.startsWith('{"type":"reject"')) return;
            const message = JSON.parse(data) as { type: string; clientOpId: string };
            if (message.clientOpId !== waiting) return;
            if (message.type === "reject") rejected++;
            latencies.push(performance.now() - sentAt);
            next();
          });
          next();
        }),
    ),
  );
  const seconds = (Date.now() - started) / 1000;
  for (const socket of sockets) socket.close(1000, "done");
  return c.json({ latencies, perSecond: latencies.length / seconds, rejected });
});

bare.route("/", billingRunBench);
bare.route("/", xeroSyncBench);

export default {
  queue: worker.queue,
  fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path.startsWith("/__bare/") || path.startsWith("/__bench/")) return bare.fetch(request, env, ctx);
    return worker.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<BenchEnv>;
