// Live updates: real WebSockets through the Worker into EntityRoom, events from D1.
import { env, evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_REPLAY } from "../../party/protocol.ts";
import { ApiClient, unique } from "../support/client.ts";
import { joinRoom, openRoom } from "../support/live.ts";

const US = "/api/v1/entities/acme-us/customers";
let admin: ApiClient;
let sales: ApiClient;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  sales = await ApiClient.signIn("sales@acme.test");
});

const created = (id: string) => (m: any) => m.type === "event" && m.kind === "customer.created" && m.subject.id === id;

describe("entity room — live events", () => {
  it("a change by one user reaches another member's socket, with the committed seq", async () => {
    const live = await joinRoom("ent_acme_us", sales, "acme-us");
    const res = await admin.post(US, { legalName: unique("Live Co"), email: "l@l.test", country: "US" });
    const event: any = await live.waitFor(created(res.body.id));
    expect(event.data.customer).toEqual(res.body);
    expect(event.actor).toMatchObject({ type: "user", id: "usr_admin" });
    const stored = await env.ENTITY_ACME_US.prepare("SELECT seq FROM events WHERE subject_id = ?").bind(res.body.id).first<{ seq: number }>();
    expect(event.seq).toBe(stored!.seq);
    live.close();
  });

  it("events arrive in seq order with no gaps, even when changes are concurrent", async () => {
    const live = await joinRoom("ent_acme_us", admin, "acme-us");
    const ids = (await Promise.all(
      Array.from({ length: 8 }, (_, i) => admin.post(US, { legalName: unique(`Burst ${i}`), email: "b@b.test", country: "US" })),
    )).map((r) => r.body.id);
    for (const id of ids) await live.waitFor(created(id));
    const seqs = live.events().map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
    live.close();
  });

  it("a socket of another entity never sees acme-us events", async () => {
    const ukLive = await joinRoom("ent_acme_uk", admin, "acme-uk");
    const usLive = await joinRoom("ent_acme_us", admin, "acme-us");
    const res = await admin.post(US, { legalName: unique("Private"), email: "p@p.test", country: "US" });
    await usLive.waitFor(created(res.body.id));
    const ukCustomer = await admin.post("/api/v1/entities/acme-uk/customers", { legalName: unique("UK marker"), email: "m@m.test", country: "GB" });
    await ukLive.waitFor(created(ukCustomer.body.id)); // later than the US event: had it leaked, it would be here
    expect(JSON.stringify(ukLive.messages)).not.toContain(res.body.id);
    ukLive.close();
    usLive.close();
  });

  it("reconnecting with lastSeq replays exactly the missed events, in order", async () => {
    const first = await joinRoom("ent_acme_us", sales, "acme-us");
    const synced: any = first.messages.find((m) => m.type === "synced");
    first.close();
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push((await admin.post(US, { legalName: unique(`Missed ${i}`), email: "m@m.test", country: "US" })).body.id);
    const { live } = await openRoom("ent_acme_us", { client: sales });
    live!.send({ type: "hello", lastSeq: synced.seq });
    const done: any = await live!.waitFor((m) => m.type === "synced");
    const replayed = live!.events();
    expect(replayed.map((e) => e.seq)).toEqual(Array.from({ length: done.seq - synced.seq }, (_, i) => synced.seq + 1 + i));
    for (const id of missed) expect(replayed.some((e) => e.subject.id === id)).toBe(true);
    live!.close();
  });

  it("a gap too large to replay answers resync", async () => {
    const db = env.ENTITY_ACME_DE;
    const { seq } = (await db.prepare("SELECT COALESCE(MAX(seq),0) AS seq FROM events").first<{ seq: number }>())!;
    const inserts = Array.from({ length: MAX_REPLAY + 1 }, (_, i) =>
      db.prepare("INSERT INTO events (kind, subject_type, subject_id, actor, data, at) VALUES ('test.filler', 'test', ?, '{\"type\":\"system\",\"id\":\"t\"}', '{}', '2026-01-01')").bind(`f${i}`),
    );
    await db.batch(inserts);
    const { live } = await openRoom("ent_acme_de", { client: admin });
    live!.send({ type: "hello", lastSeq: seq });
    const resync: any = await live!.waitFor((m) => m.type === "resync");
    expect(resync.seq).toBeGreaterThanOrEqual(seq + MAX_REPLAY + 1);
    expect(live!.events()).toEqual([]);
    live!.close();
  });

  it("fills a small gap from D1 in order, and leaves a gap past MAX_REPLAY to the clients' hello", async () => {
    const db = env.ENTITY_ACME_UK;
    const live = await joinRoom("ent_acme_uk", admin, "acme-uk");
    const filler = (n: number) =>
      db.batch(Array.from({ length: n }, (_, i) => db.prepare("INSERT INTO events (kind, subject_type, subject_id, actor, data, at) VALUES ('test.filler', 'test', ?, '{\"type\":\"system\",\"id\":\"t\"}', '{}', '2026-01-01')").bind(`g${i}`)));
    const UK = "/api/v1/entities/acme-uk/customers";
    const first = await admin.post(UK, { legalName: unique("Before gap"), email: "g@g.test", country: "GB" });
    await live.waitFor(created(first.body.id));
    // three events committed without a publish: the next broadcast fills them in, in order
    await filler(3);
    const second = await admin.post(UK, { legalName: unique("After small gap"), email: "g@g.test", country: "GB" });
    await live.waitFor(created(second.body.id));
    const seqs = live.events().map((e) => e.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
    expect(live.events().filter((e) => e.kind === "test.filler")).toHaveLength(3);
    // past MAX_REPLAY the room does not read and re-send them all: the socket sees the skip
    await filler(MAX_REPLAY + 1);
    const third = await admin.post(UK, { legalName: unique("After large gap"), email: "g@g.test", country: "GB" });
    const event: any = await live.waitFor(created(third.body.id));
    expect(live.events().filter((e) => e.kind === "test.filler")).toHaveLength(3);
    expect(event.seq).toBe(seqs[seqs.length - 1] + MAX_REPLAY + 2);
    live.close();
  });

  it("a hibernated/evicted room still delivers to its sockets", async () => {
    const live = await joinRoom("ent_acme_us", sales, "acme-us");
    const stub = env.EntityRoom.get(env.EntityRoom.idFromName("ent_acme_us"));
    await evictDurableObject(stub);
    const res = await admin.post(US, { legalName: unique("After eviction"), email: "e@e.test", country: "US" });
    const event: any = await live.waitFor(created(res.body.id));
    expect(event.data.customer.id).toBe(res.body.id);
    // order survives the eviction too: the next event is the next seq
    const next = await admin.post(US, { legalName: unique("After eviction 2"), email: "e@e.test", country: "US" });
    const nextEvent: any = await live.waitFor(created(next.body.id));
    expect(nextEvent.seq).toBeGreaterThan(event.seq);
    live.close();
  });

  it("a live token authenticates a socket for its own entity only", async () => {
    const token = (await sales.post("/api/v1/entities/acme-us/live-token")).body.token;
    const ok = await openRoom("ent_acme_us", { token, origin: null });
    expect(ok.status).toBe(101);
    ok.live!.close();
    expect((await openRoom("ent_acme_uk", { token, origin: null })).status).toBe(401);
  });

  it("refuses upgrades from non-members, strangers, other origins and slugs", async () => {
    const uk = await ApiClient.signIn("uk@acme.test");
    expect((await openRoom("ent_acme_us", { client: uk })).status).toBe(403);
    expect((await openRoom("ent_acme_us", { client: new ApiClient() })).status).toBe(401);
    expect((await openRoom("ent_acme_us", { client: admin, origin: "https://evil.test" })).status).toBe(403);
    expect((await openRoom("acme-us", { client: admin })).status).toBe(403);
    expect((await openRoom("ent_acme_us", { token: "kl_forged", origin: null })).status).toBe(401);
  });

  it("answers malformed and unknown messages with an error, and stays up", async () => {
    const live = await joinRoom("ent_acme_us", admin, "acme-us");
    live.send("not json");
    await live.waitFor((m) => m.type === "error" && m.error.code === "malformed_json");
    live.send({ type: "launch" });
    await live.waitFor((m) => m.type === "error" && m.error.code === "invalid_message");
    live.send({ type: "ping" });
    await live.waitFor((m) => m.type === "pong");
    live.close();
  });
});
