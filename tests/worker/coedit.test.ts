// Live co-editing of one quote by several sockets: ordered, exactly-once, convergent, exact.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ChangeSet } from "../../worker/db/changes.ts";
import { loadQuote, updateQuote } from "../../worker/db/quotes.ts";
import { sumMoney } from "../../worker/domain/money.ts";
import { ApiClient, unique } from "../support/client.ts";
import { comparable, replay, sendOps } from "../support/coedit.ts";
import { joinRoom, type LiveSocket } from "../support/live.ts";

const BASE = "/api/v1/entities/acme-us";
const PRICES = ["price_us_platform_monthly", "price_us_seats_monthly", "price_us_api_graduated", "price_us_storage_package", "price_us_onboarding_once"];
let sales: ApiClient;
let admin: ApiClient;
let customerId: string;

beforeAll(async () => {
  sales = await ApiClient.signIn("sales@acme.test");
  admin = await ApiClient.signIn("admin@acme.test");
  customerId = (await sales.post(`${BASE}/customers`, { legalName: unique("Coedit customer"), email: "c@c.test", country: "US" })).body.id;
});

async function freshQuote(lines = 2) {
  const res = await sales.post(`${BASE}/quotes`, {
    customerId,
    title: unique("Co-edited deal"),
    currency: "USD",
    lines: Array.from({ length: lines }, (_, i) => ({ id: `l${i}`, priceId: PRICES[i % PRICES.length], quantity: String(i + 1) })),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const quoteEvents = (live: LiveSocket, quoteId: string) => live.events().filter((e) => e.subject.id === quoteId && e.kind === "quote.updated");

async function storedQuote(id: string) {
  return (await sales.get(`${BASE}/quotes/${id}`)).body;
}

/** The assertions every concurrent scenario ends with. */
async function expectConverged(sockets: LiveSocket[], quote: any, acked: { clientOpId: string; answer: any }[]) {
  const stored = await storedQuote(quote.id);
  const ackedIds = acked.filter((a) => a.answer.type === "ack").map((a) => a.clientOpId);
  // every acked batch appears exactly once, on every socket, in seq order
  for (const live of sockets) await live.waitFor(() => quoteEvents(live, quote.id).length >= ackedIds.length, 20_000);
  const streams = sockets.map((live) => quoteEvents(live, quote.id));
  for (const stream of streams) {
    expect(stream.map((e) => e.seq)).toEqual(streams[0].map((e) => e.seq));
    expect([...stream.map((e) => e.seq)]).toEqual([...stream.map((e) => e.seq)].sort((a, b) => a - b));
    expect(stream.map((e: any) => e.data.clientOpId).sort()).toEqual([...ackedIds].sort());
  }
  const acks = sockets.flatMap((l) => l.messages.filter((m: any) => m.type === "ack"));
  for (const id of ackedIds) expect(acks.filter((m: any) => m.clientOpId === id)).toHaveLength(1);
  // replaying the acknowledged ops in seq order gives exactly what is stored
  const replayed = replay({ fields: { title: quote.title }, lines: comparable(quote.lines) }, streams[0]);
  expect(replayed.lines).toEqual(comparable(stored.lines));
  expect(stored.rev).toBe(quote.rev + ackedIds.length);
  const last: any = streams[0][streams[0].length - 1];
  if (last) {
    expect(last.data.totals).toEqual(stored.totals);
    expect(last.data.rev).toBe(stored.rev);
  }
  // every line amount the events announced is what the stored line has, unless a later op changed it
  const announced = new Map<string, unknown>();
  for (const e of streams[0] as any[]) for (const [id, amounts] of Object.entries(e.data.lineAmounts ?? {})) announced.set(id, amounts);
  for (const line of stored.lines) if (announced.has(line.id)) expect(announced.get(line.id)).toEqual(line.amounts);
  // totals are exact sums of the lines
  expect(stored.totals.total).toBe(sumMoney(stored.lines.map((l: any) => l.amounts.total), "USD"));
  expect(stored.totals.subtotal).toBe(sumMoney(stored.lines.map((l: any) => l.amounts.subtotal), "USD"));
  return stored;
}

describe("co-editing a quote", () => {
  it("two sockets: interleaved batches are acked once each, streams identical, stored = replay", async () => {
    const quote = await freshQuote(2);
    const a = await joinRoom("ent_acme_us", sales, "acme-us");
    const b = await joinRoom("ent_acme_us", admin, "acme-us");
    const work = [];
    for (let i = 0; i < 10; i++) {
      work.push(sendOps(a, quote.id, quote.rev, [{ op: "updateLine", lineId: "l0", field: "quantity", value: String(i + 1) }]));
      work.push(sendOps(b, quote.id, quote.rev, [{ op: "insertLine", afterId: "l0", line: { id: `b${i}`, priceId: PRICES[i % 5], quantity: "2", discount: { type: "PERCENTAGE", value: "5" } } }]));
    }
    const results = await Promise.all(work);
    expect(results.every((r) => r.answer.type === "ack")).toBe(true);
    const stored = await expectConverged([a, b], quote, results);
    expect(stored.lines).toHaveLength(12);
    // two inserts after the same line never collide: the later one sits right after the anchor
    expect(stored.lines[0].id).toBe("l0");
    expect(stored.lines[1].id).toBe("b9");
    a.close();
    b.close();
  });

  it("ten sockets editing at once converge", async () => {
    const quote = await freshQuote(3);
    const sockets = await Promise.all(Array.from({ length: 10 }, (_, i) => joinRoom("ent_acme_us", i % 2 ? admin : sales, "acme-us")));
    const work = sockets.flatMap((live, i) => [
      sendOps(live, quote.id, quote.rev, [{ op: "insertLine", afterId: null, line: { id: `s${i}`, priceId: PRICES[i % 5], quantity: "1" } }]),
      sendOps(live, quote.id, quote.rev, [{ op: "set", field: "title", value: `Title from ${i}` }, { op: "updateLine", lineId: "l1", field: "quantity", value: String(i + 2) }]),
      sendOps(live, quote.id, quote.rev, [{ op: "moveLine", lineId: "l2", afterId: i % 2 ? null : "l0" }]),
    ]);
    const results = await Promise.all(work);
    expect(results.every((r) => r.answer.type === "ack")).toBe(true);
    const stored = await expectConverged(sockets, quote, results);
    expect(stored.lines).toHaveLength(13);
    // fields are last-writer-wins in server order
    const lastTitle = quoteEvents(sockets[0], quote.id).flatMap((e: any) => e.data.ops).filter((op: any) => op.op === "set").pop();
    expect(stored.title).toBe(lastTitle.value);
    for (const s of sockets) s.close();
  });

  it("property: random concurrent batches from several clients always converge with exact totals", async () => {
    const op = (lineIds: string[], client: number, n: number) =>
      fc.oneof(
        fc.record({ op: fc.constant("insertLine"), afterId: fc.constantFrom(null, ...lineIds), line: fc.record({ id: fc.constant(`c${client}n${n}`), priceId: fc.constantFrom(...PRICES), quantity: fc.constantFrom("0", "1", "2.5", "10", "150", "100001"), discount: fc.constantFrom(null, { type: "PERCENTAGE", value: "12.5" }, { type: "NOMINAL", value: "3.33" }) }) }),
        fc.record({ op: fc.constant("updateLine"), lineId: fc.constantFrom(...lineIds), field: fc.constant("quantity"), value: fc.constantFrom("1", "3", "7.25", "99") }),
        fc.record({ op: fc.constant("removeLine"), lineId: fc.constantFrom(...lineIds) }),
        fc.record({ op: fc.constant("moveLine"), lineId: fc.constantFrom(...lineIds), afterId: fc.constantFrom(null, ...lineIds) }),
        fc.record({ op: fc.constant("set"), field: fc.constant("notes"), value: fc.string({ maxLength: 20 }) }),
      );
    const sockets = await Promise.all([sales, admin, sales].map((c) => joinRoom("ent_acme_us", c, "acme-us")));
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...[0, 1, 2].map((client) => fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 4 }).chain((ns) => fc.tuple(...ns.map((n, k) => op(["l0", "l1", "l2", "c0n0", "c1n1"], client, n * 10 + k)))))),
        async (perClient) => {
          const quote = await freshQuote(3);
          const results = await Promise.all(perClient.flatMap((ops, client) => ops.map((o) => sendOps(sockets[client], quote.id, quote.rev, [o as any]))));
          // a batch is either applied (ack) or refused whole (duplicate insert id) — never lost
          for (const r of results) expect(["ack", "reject"]).toContain(r.answer.type);
          // refusals are whole-batch rule violations: a duplicate insert id, fractional seats on a seat price
          for (const r of results.filter((x) => x.answer.type === "reject")) expect(["duplicate_line", "invalid_quantity"]).toContain(r.answer.error.code);
          await expectConverged(sockets, quote, results);
        },
      ),
      { numRuns: 12 },
    );
    for (const s of sockets) s.close();
  });

  it("races: update vs remove, move onto a removed line, insert after a removed line", async () => {
    const quote = await freshQuote(3);
    const a = await joinRoom("ent_acme_us", sales, "acme-us");
    const b = await joinRoom("ent_acme_us", admin, "acme-us");
    const first = await sendOps(a, quote.id, quote.rev, [{ op: "removeLine", lineId: "l1" }]);
    const update = await sendOps(b, quote.id, quote.rev, [{ op: "updateLine", lineId: "l1", field: "quantity", value: "9" }]);
    const move = await sendOps(b, quote.id, quote.rev, [{ op: "moveLine", lineId: "l0", afterId: "l1" }]);
    const insert = await sendOps(b, quote.id, quote.rev, [{ op: "insertLine", afterId: "l1", line: { id: "late", priceId: PRICES[0], quantity: "1" } }]);
    for (const r of [first, update, move, insert]) expect(r.answer.type).toBe("ack");
    const events = quoteEvents(b, quote.id);
    await b.waitFor(() => quoteEvents(b, quote.id).length === 4);
    const applied = quoteEvents(b, quote.id).map((e: any) => e.data.ops[0]);
    expect(applied[1].skipped).toBe("line_removed");
    expect(applied[2].skipped).toBe("anchor_removed");
    expect(applied[3].afterId).toBe("l2"); // appended after the last line
    const stored = await expectConverged([a, b], quote, [first, update, move, insert]);
    expect(stored.lines.map((l: any) => l.id)).toEqual(["l0", "l2", "late"]);
    expect(events).toBeDefined();
    a.close();
    b.close();
  });

  it("publish while ops are in flight: each batch is either applied before it or refused after it", async () => {
    const quote = await freshQuote(2);
    const live = await joinRoom("ent_acme_us", sales, "acme-us");
    // Seats (line l1), so the deal stays under acme-us's "Large deal" approval threshold.
    const batches = Array.from({ length: 8 }, (_, i) => sendOps(live, quote.id, quote.rev, [{ op: "updateLine", lineId: "l1", field: "quantity", value: String(i + 10) }]));
    const published = sales.post(`${BASE}/quotes/${quote.id}/publish`);
    const results = await Promise.all(batches);
    const publish = await published;
    expect(publish.status).toBe(200);
    for (const r of results) {
      if (r.answer.type === "reject") expect(r.answer.error.code).toBe("quote_not_editable");
    }
    const stored = await storedQuote(quote.id);
    expect(stored.status).toBe("PUBLISHED");
    const ackedCount = results.filter((r) => r.answer.type === "ack").length;
    expect(stored.rev).toBe(quote.rev + ackedCount + 1);
    // the published version is exactly the last acked value
    const lastAck = results.filter((r) => r.answer.type === "ack").pop();
    if (lastAck) expect(stored.lines[1].quantity).toBe(String(results.indexOf(lastAck) + 10));
    live.close();
  });

  it("a batch resent after a lost ack is acked again, not applied twice", async () => {
    const quote = await freshQuote(1);
    const live = await joinRoom("ent_acme_us", sales, "acme-us");
    const batch = [{ op: "insertLine" as const, afterId: null, line: { id: "once", priceId: PRICES[0], quantity: "1" } }];
    const first = await sendOps(live, quote.id, quote.rev, batch, "resend-me");
    const again = await sendOps(live, quote.id, quote.rev, batch, "resend-me");
    expect(first.answer.type).toBe("ack");
    expect(again.answer).toEqual(first.answer);
    const stored = await storedQuote(quote.id);
    expect(stored.lines.filter((l: any) => l.id === "once")).toHaveLength(1);
    expect(stored.rev).toBe(quote.rev + 1);
    live.close();
  });

  it("a stale baseRev is rebased, and a REST change in between is picked up", async () => {
    const quote = await freshQuote(2);
    const live = await joinRoom("ent_acme_us", sales, "acme-us");
    await sendOps(live, quote.id, quote.rev, [{ op: "set", field: "title", value: "From socket" }]);
    const patched = await sales.patch(`${BASE}/quotes/${quote.id}`, { notes: "From REST" });
    expect(patched.status).toBe(200);
    const stale = await sendOps(live, quote.id, quote.rev, [{ op: "updateLine", lineId: "l1", field: "quantity", value: "5" }]);
    expect(stale.answer.type).toBe("ack");
    const stored = await storedQuote(quote.id);
    expect(stored).toMatchObject({ title: "From socket", notes: "From REST", rev: quote.rev + 3 });
    expect(stored.lines[1].quantity).toBe("5");
    live.close();
  });

  it("pipelined writes: REST PATCHes (no If-Match) racing the editors all land, and every batch is applied once", async () => {
    const quote = await freshQuote(3);
    const sockets = await Promise.all([sales, admin].map((c) => joinRoom("ent_acme_us", c, "acme-us")));
    const work: Promise<{ clientOpId: string; answer: any }>[] = [];
    const patches: Promise<any>[] = [];
    for (let i = 0; i < 24; i++) {
      const live = sockets[i % 2];
      work.push(
        i % 3 === 0
          ? sendOps(live, quote.id, quote.rev, [{ op: "insertLine", afterId: "l0", line: { id: `p${i}`, priceId: PRICES[i % 5], quantity: "1" } }])
          : sendOps(live, quote.id, quote.rev, [{ op: "updateLine", lineId: `l${i % 3}`, field: "quantity", value: String(i + 1) }]),
      );
      // no If-Match: the fields apply to the latest revision, however busy the quote is
      if (i % 6 === 5) patches.push(sales.patch(`${BASE}/quotes/${quote.id}`, { title: `REST title ${i}` }));
    }
    const results = await Promise.all(work);
    const patched = await Promise.all(patches);
    expect(patched.map((p) => p.status)).toEqual([200, 200, 200, 200]);
    expect(results.every((r) => r.answer.type === "ack")).toBe(true);
    const ackedIds = results.map((r) => r.clientOpId);
    for (const live of sockets) await live.waitFor(() => quoteEvents(live, quote.id).length >= ackedIds.length + patches.length, 20_000);
    const stream = quoteEvents(sockets[0], quote.id) as any[];
    expect(quoteEvents(sockets[1], quote.id).map((e) => e.seq)).toEqual(stream.map((e) => e.seq));
    // each batch exactly once in the stream, acked once, and the stored quote is the REST changes plus the replayed ops
    const opEvents = stream.filter((e) => e.data.clientOpId);
    expect(opEvents.map((e) => e.data.clientOpId).sort()).toEqual([...ackedIds].sort());
    const acks = sockets.flatMap((l) => l.messages.filter((m: any) => m.type === "ack"));
    for (const id of ackedIds) expect(acks.filter((m: any) => m.clientOpId === id)).toHaveLength(1);
    const stored = await storedQuote(quote.id);
    expect(stored.rev).toBe(quote.rev + ackedIds.length + patches.length);
    expect(stored.title).toBe(stream.filter((e) => !e.data.clientOpId).pop().data.quote.title);
    expect(replay({ fields: {}, lines: comparable(quote.lines) }, opEvents).lines).toEqual(comparable(stored.lines));
    expect(stored.lines).toHaveLength(3 + 8);
    for (const s of sockets) s.close();
  });

  it("pipelined writes: a change committed under writes in flight makes them all start over, none lost or doubled", async () => {
    const quote = await freshQuote(3);
    const db = env.ENTITY_ACME_US;
    const sockets = await Promise.all([sales, admin].map((c) => joinRoom("ent_acme_us", c, "acme-us")));
    const work = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? sendOps(sockets[i % 2], quote.id, quote.rev, [{ op: "insertLine", afterId: null, line: { id: `x${i}`, priceId: PRICES[i % 5], quantity: "2" } }])
        : sendOps(sockets[i % 2], quote.id, quote.rev, [{ op: "updateLine", lineId: `l${i % 3}`, field: "quantity", value: String(i + 1) }]),
    );
    // Someone else's committed changes (bumping rev) racing the op writes: every write chained on a stale rev must fail its guard.
    let bumps = 0;
    const racing = (async () => {
      for (let i = 0; i < 8; i++) {
        bumps += (await db.prepare("UPDATE quotes SET notes = ?, rev = rev + 1 WHERE id = ?").bind(`elsewhere ${i}`, quote.id).run()).meta.changes;
      }
    })();
    const results = await Promise.all(work);
    await racing;
    // A batch that loses to outside changes on every attempt is refused whole, never half-applied.
    const refused = results.filter((r) => r.answer.type !== "ack");
    for (const r of refused) expect(r.answer.error.code).toBe("conflict");
    expect(refused.length).toBeLessThan(results.length / 2);
    const ackedIds = results.filter((r) => r.answer.type === "ack").map((r) => r.clientOpId);
    for (const live of sockets) await live.waitFor(() => quoteEvents(live, quote.id).length >= ackedIds.length, 20_000);
    const stream = quoteEvents(sockets[0], quote.id) as any[];
    expect(stream.map((e) => e.data.clientOpId).sort()).toEqual([...ackedIds].sort());
    const acks = sockets.flatMap((l) => l.messages.filter((m: any) => m.type === "ack"));
    for (const id of ackedIds) expect(acks.filter((m: any) => m.clientOpId === id)).toHaveLength(1);
    const stored = await storedQuote(quote.id);
    expect(stored.rev).toBe(quote.rev + ackedIds.length + bumps);
    expect(stored.notes).toBe("elsewhere 7");
    expect(replay({ fields: {}, lines: comparable(quote.lines) }, stream).lines).toEqual(comparable(stored.lines));
    const inserted = results.filter((r, i) => i % 3 === 0 && r.answer.type === "ack").length;
    expect(stored.lines).toHaveLength(3 + inserted);
    const { count } = (await db.prepare("SELECT COUNT(*) AS count FROM quote_ops WHERE quote_id = ?").bind(quote.id).first<{ count: number }>())!;
    expect(count).toBe(ackedIds.length);
    for (const s of sockets) s.close();
  });

  it("a write chained on a batch that never reached D1 is refused, even where the rev matches", async () => {
    const quote = await freshQuote(1);
    const db = env.ENTITY_ACME_US;
    const before = (await loadQuote(db, quote.id))!;
    const after = { ...before, title: "Chained on nothing", rev: before.rev + 1 };
    const actor = { type: "user" as const, id: "usr_test", name: "Test" };
    const orphan = new ChangeSet(db, actor, null);
    updateQuote(orphan, before, after, "rev_conflict", { actorId: "usr_test", clientOpId: "never-written" });
    orphan.record({ kind: "quote.updated", subject: { type: "quote", id: quote.id }, data: { quoteId: quote.id } });
    await expect(orphan.commit()).rejects.toMatchObject({ code: "rev_conflict" });
    expect((await storedQuote(quote.id)).title).toBe(quote.title);
    // once the batch it is chained on is in D1, the same write holds
    await db.prepare("INSERT INTO quote_ops (actor_id, client_op_id, quote_id, rev, seq, at) VALUES ('usr_test', 'written', ?, ?, 0, '2026-01-01')").bind(quote.id, before.rev).run();
    const chained = new ChangeSet(db, actor, null);
    updateQuote(chained, before, after, "rev_conflict", { actorId: "usr_test", clientOpId: "written" });
    chained.record({ kind: "quote.updated", subject: { type: "quote", id: quote.id }, data: { quoteId: quote.id } });
    await chained.commit();
    expect((await storedQuote(quote.id)).title).toBe("Chained on nothing");
  });
});

describe("co-editing — bad input is refused whole", () => {
  const cases: [string, (q: any) => unknown, string][] = [
    ["unknown op", (q) => ({ type: "op", clientOpId: "x1", quoteId: q.id, baseRev: 1, ops: [{ op: "explode" }] }), "invalid_message"],
    ["wrong types", (q) => ({ type: "op", clientOpId: "x2", quoteId: q.id, baseRev: 1, ops: [{ op: "updateLine", lineId: "l0", field: "quantity", value: 5 }] }), "invalid_value"],
    ["negative quantity", (q) => ({ type: "op", clientOpId: "x3", quoteId: q.id, baseRev: 1, ops: [{ op: "updateLine", lineId: "l0", field: "quantity", value: "-1" }] }), "invalid_value"],
    ["unknown field", (q) => ({ type: "op", clientOpId: "x4", quoteId: q.id, baseRev: 1, ops: [{ op: "set", field: "status", value: "ACCEPTED" }] }), "invalid_message"],
    ["another entity's price", (q) => ({ type: "op", clientOpId: "x5", quoteId: q.id, baseRev: 1, ops: [{ op: "insertLine", afterId: null, line: { id: "n", priceId: "price_uk_platform_monthly", quantity: "1" } }] }), "unknown_price"],
    ["price in another currency", (q) => ({ type: "op", clientOpId: "x6", quoteId: q.id, baseRev: 1, ops: [{ op: "set", field: "currency", value: "EUR" }] }), "currency_mismatch"],
    ["oversized batch", (q) => ({ type: "op", clientOpId: "x7", quoteId: q.id, baseRev: 1, ops: Array.from({ length: 201 }, () => ({ op: "removeLine", lineId: "zz" })) }), "invalid_message"],
    ["duplicate line id", (q) => ({ type: "op", clientOpId: "x8", quoteId: q.id, baseRev: 1, ops: [{ op: "insertLine", afterId: null, line: { id: "l0", priceId: PRICES[0], quantity: "1" } }] }), "duplicate_line"],
    ["valid op then a bad one", (q) => ({ type: "op", clientOpId: "x9", quoteId: q.id, baseRev: 1, ops: [{ op: "set", field: "title", value: "Half" }, { op: "set", field: "expiryDays", value: 9999 }] }), "invalid_value"],
    ["unknown quote", () => ({ type: "op", clientOpId: "x10", quoteId: "quo_nope", baseRev: 1, ops: [{ op: "set", field: "title", value: "x" }] }), "quote_not_found"],
  ];
  it("each bad batch gets a reject with its code and writes nothing", async () => {
    const quote = await freshQuote(1);
    const live = await joinRoom("ent_acme_us", sales, "acme-us");
    for (const [name, message, code] of cases) {
      const before = await env.ENTITY_ACME_US.prepare("SELECT (SELECT MAX(seq) FROM events) s, (SELECT rev FROM quotes WHERE id = ?) r").bind(quote.id).first();
      const m: any = message(quote);
      const from = live.messages.length;
      live.send(m);
      const answer: any = await live.waitFor((x: any) => x.type === "reject" && x.clientOpId === m.clientOpId, 10_000, from);
      expect(answer.error.code, name).toBe(code);
      const after = await env.ENTITY_ACME_US.prepare("SELECT (SELECT MAX(seq) FROM events) s, (SELECT rev FROM quotes WHERE id = ?) r").bind(quote.id).first();
      expect(after, name).toEqual(before);
    }
    expect((await storedQuote(quote.id)).title).toBe(quote.title);
    live.close();
  });

  it("roles and entities: finance cannot edit; a socket of another entity cannot touch the quote", async () => {
    const quote = await freshQuote(1);
    const finance = await joinRoom("ent_acme_us", await ApiClient.signIn("finance@acme.test"), "acme-us");
    const refused = await sendOps(finance, quote.id, quote.rev, [{ op: "set", field: "title", value: "x" }]);
    expect(refused.answer.error.code).toBe("forbidden");
    const uk = await joinRoom("ent_acme_uk", admin, "acme-uk");
    const other = await sendOps(uk, quote.id, quote.rev, [{ op: "set", field: "title", value: "from UK" }]);
    expect(other.answer.error.code).toBe("quote_not_found");
    expect((await storedQuote(quote.id)).rev).toBe(quote.rev);
    finance.close();
    uk.close();
  });
});

describe("presence", () => {
  it("shows who is on which quote and field, and drops a user whose socket closes", async () => {
    const quote = await freshQuote(1);
    const a = await joinRoom("ent_acme_us", sales, "acme-us");
    const b = await joinRoom("ent_acme_us", admin, "acme-us");
    a.send({ type: "presence", quoteId: quote.id, field: "line:l0:quantity" });
    const seen: any = await b.waitFor((m: any) => m.type === "presence" && m.quoteId === quote.id && m.users.some((u: any) => u.userId === "usr_sales"));
    expect(seen.users).toContainEqual({ userId: "usr_sales", name: "Sam Sales", field: "line:l0:quantity" });
    b.send({ type: "presence", quoteId: quote.id, field: "title" });
    const both: any = await a.waitFor((m: any) => m.type === "presence" && m.quoteId === quote.id && m.users.length === 2);
    expect(both.users.map((u: any) => u.field).sort()).toEqual(["line:l0:quantity", "title"]);
    const from = b.messages.length;
    a.close();
    const after: any = await b.waitFor((m: any) => m.type === "presence" && m.quoteId === quote.id && !m.users.some((u: any) => u.userId === "usr_sales"), 10_000, from);
    expect(after.users).toEqual([{ userId: "usr_admin", name: "Ada Admin", field: "title" }]);
    b.close();
  });
});
