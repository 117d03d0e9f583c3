// Holes an attacker's and an SRE's probe found (issue 10): each test failed before its fix.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";
import { sendOps } from "../support/coedit.ts";
import { joinRoom, openRoom } from "../support/live.ts";

const US = "/api/v1/entities/acme-us";
let admin: ApiClient;
let customerId: string;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  customerId = (await admin.post(`${US}/customers`, { legalName: unique("Probe"), email: "probe@example.test", country: "US" })).body.id;
});

describe("validation errors", () => {
  it("two unknown keys are two details, each naming its own field", async () => {
    const res = await admin.post(`${US}/customers`, { legalName: "X", email: "x@example.test", country: "US", colour: "red", size: 3 });
    expectError(res, 400, "invalid_request");
    expect(res.body.error.details).toEqual([
      { path: "colour", message: "Unknown field: colour" },
      { path: "size", message: "Unknown field: size" },
    ]);
    const nested = await admin.post(`${US}/customers`, { legalName: "X", email: "x@example.test", country: "US", address: { line1: "a", city: "b", postalCode: "c", country: "US", flat: 1, floor: 2 } });
    expect(nested.body.error.details.map((d: { path: string }) => d.path)).toEqual(["address.flat", "address.floor"]);
  });
});

describe("concurrency without If-Match", () => {
  it("concurrent customer PATCHes without If-Match all apply, one revision each", async () => {
    const before = (await admin.get(`${US}/customers/${customerId}`)).body.rev;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => admin.patch(`${US}/customers/${customerId}`, { email: `probe${i}@example.test` })));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect((await admin.get(`${US}/customers/${customerId}`)).body.rev).toBe(before + 12);
  });
});

describe("money bounds", () => {
  it("a quote whose total would pass the engine's cap is refused, though each line is within it", async () => {
    const line = { priceId: "price_us_platform_monthly", quantity: "700000000000" }; // 8.75e14 each
    const ok = await admin.post(`${US}/quotes`, { customerId, title: "One big line", currency: "USD", lines: [line] });
    expect(ok.status).toBe(201);
    const res = await admin.post(`${US}/quotes`, { customerId, title: "Too big", currency: "USD", lines: [line, line] });
    expectError(res, 422, "amount_out_of_range");
    const patched = await admin.patch(`${US}/quotes/${ok.body.id}`, { lines: [line, line] });
    expectError(patched, 422, "amount_out_of_range");
  });
});

describe("the entity room", () => {
  it("a co-editing op cannot set a currency other than the customer's", async () => {
    const quote = (await admin.post(`${US}/quotes`, { customerId, title: "Currency op", currency: "USD", lines: [] })).body;
    const live = await joinRoom("ent_acme_us", admin, "acme-us");
    const { answer } = await sendOps(live, quote.id, quote.rev, [{ op: "set", field: "currency", value: "EUR" }]);
    expect(answer).toMatchObject({ type: "reject", error: { code: "currency_mismatch" } });
    expect((await admin.get(`${US}/quotes/${quote.id}`)).body).toMatchObject({ currency: "USD", rev: quote.rev });
    const same = await sendOps(live, quote.id, quote.rev, [{ op: "set", field: "currency", value: "USD" }]);
    expect(same.answer.type).toBe("ack");
    live.close();
  });

  it("hello with a seq past the entity's head is answered with resync at the head", async () => {
    const { live } = await openRoom("ent_acme_us", { client: admin });
    const head = (await admin.get(`${US}/events/latest`)).body.seq;
    live!.send({ type: "hello", lastSeq: head + 1000 });
    const answer: any = await live!.waitFor((m) => m.type === "resync" || m.type === "synced");
    expect(answer).toEqual({ type: "resync", seq: expect.any(Number) });
    expect(answer.seq).toBeGreaterThanOrEqual(head);
    expect(answer.seq).toBeLessThan(head + 1000);
    live!.close();
  });

  it("a presence flood reaches bystanders coalesced, ending in the flooder's last state", async () => {
    const quote = (await admin.post(`${US}/quotes`, { customerId, title: "Presence flood", currency: "USD", lines: [] })).body;
    const sales = await ApiClient.signIn("sales@acme.test");
    const flooder = await joinRoom("ent_acme_us", admin, "acme-us");
    const bystander = await joinRoom("ent_acme_us", sales, "acme-us");
    const from = bystander.messages.length;
    const N = 300;
    for (let i = 0; i < N; i++) flooder.send({ type: "presence", quoteId: quote.id, field: `field-${i}` });
    const last = `field-${N - 1}`;
    await bystander.waitFor((m: any) => m.type === "presence" && m.quoteId === quote.id && m.users.some((u: any) => u.field === last), 10_000, from);
    const frames = bystander.messages.slice(from).filter((m: any) => m.type === "presence" && m.quoteId === quote.id);
    expect(frames.length).toBeLessThan(N / 4); // uncoalesced, it was one per message (2 per message when switching quotes)
    flooder.close();
    bystander.close();
  });
});

describe("numbers never refuse", () => {
  it("100 concurrent quote creations all succeed with gapless numbers, stored, in their events and replays", async () => {
    const from = (await admin.get(`${US}/events/latest`)).body.seq;
    const create = (i: number) =>
      admin.post(`${US}/quotes`, { customerId, title: `Burst ${i}`, currency: "USD", lines: [{ priceId: "price_us_platform_monthly", quantity: "1" }] }, { "idempotency-key": `burst-${from}-${i}` });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => create(i)));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const numbers = results.map((r) => Number(r.body.quoteNumber.slice(1))).sort((a, b) => a - b);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[i - 1] + 1);
    expect(results.every((r) => /^Q\d{5}$/.test(r.body.quoteNumber))).toBe(true);

    // The row, the quote.created event and the stored idempotent response carry the same number.
    const first = results[0].body;
    const row = await env.ENTITY_ACME_US.prepare("SELECT quote_number FROM quotes WHERE id = ?").bind(first.id).first<{ quote_number: string }>();
    expect(row?.quote_number).toBe(first.quoteNumber);
    const events = (await admin.get(`${US}/events?after=${from}&limit=100`)).body.items.filter((e: any) => e.subject.id === first.id);
    expect(events[0].data.quote.quoteNumber).toBe(first.quoteNumber);
    const replay = await create(0);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.quoteNumber).toBe(first.quoteNumber);
    const audit = await env.ENTITY_ACME_US.prepare("SELECT after FROM audit_log WHERE subject_id = ? AND action = 'quote.created'").bind(first.id).first<{ after: string }>();
    expect(JSON.parse(audit!.after).quoteNumber).toBe(first.quoteNumber);
  });
});

describe("events stay small", () => {
  const describedLines = (count: number, size: number) =>
    Array.from({ length: count }, (_, i) => ({ priceId: "price_us_platform_monthly", quantity: "1", description: `${i} `.padEnd(size, "x") }));

  it("a 0.9 MB PATCH records a bounded event and audit row that say what changed; the response is whole", async () => {
    const quote = (await admin.post(`${US}/quotes`, { customerId, title: "Huge", currency: "USD", lines: [] })).body;
    const from = (await admin.get(`${US}/events/latest`)).body.seq;
    const res = await admin.patch(`${US}/quotes/${quote.id}`, { lines: describedLines(450, 2000) });
    expect(res.status).toBe(200);
    expect(res.body.lines).toHaveLength(450);
    const row = await env.ENTITY_ACME_US.prepare("SELECT data FROM events WHERE seq > ? AND subject_id = ?").bind(from, quote.id).first<{ data: string }>();
    expect(row!.data.length).toBeLessThanOrEqual(32 * 1024);
    expect(JSON.parse(row!.data)).toMatchObject({ truncated: true, quote: { id: quote.id, rev: res.body.rev } });
    const audit = await env.ENTITY_ACME_US.prepare("SELECT after FROM audit_log WHERE subject_id = ? AND action = 'quote.updated'").bind(quote.id).first<{ after: string }>();
    expect(audit!.after.length).toBeLessThanOrEqual(32 * 1024);
  });

  it("a replay larger than its byte budget answers resync", async () => {
    const quote = (await admin.post(`${US}/quotes`, { customerId, title: "Many", currency: "USD", lines: [] })).body;
    const from = (await admin.get(`${US}/events/latest`)).body.seq;
    // Events just under the bound: together past the 2 MB replay budget, though far fewer than 500.
    for (let i = 0; i < 90; i++) {
      const res = await admin.patch(`${US}/quotes/${quote.id}`, { notes: `${i}`, lines: describedLines(12, 1900) });
      expect(res.status).toBe(200);
    }
    const { live } = await openRoom("ent_acme_us", { client: admin });
    live!.send({ type: "hello", lastSeq: from });
    const answer: any = await live!.waitFor((m) => m.type === "resync" || m.type === "synced", 20_000);
    expect(answer.type).toBe("resync");
    expect(live!.events()).toHaveLength(0);
    live!.close();
  });
});

describe("text is well-formed Unicode", () => {
  it("a lone surrogate is a 400 naming the field, and nothing is written", async () => {
    const before = await env.ENTITY_ACME_US.prepare("SELECT COUNT(*) AS n FROM customers").first<{ n: number }>();
    const res = await admin.request("POST", `${US}/customers`, '{"legalName":"Bad \\ud800 name","email":"s@example.test","country":"US"}');
    expectError(res, 400, "invalid_request");
    expect(res.body.error.details[0].path).toBe("legalName");
    const nested = await admin.request("POST", `${US}/customers`, '{"legalName":"Ok","email":"s@example.test","country":"US","address":{"line1":"\\udc00","city":"x","postalCode":"1","country":"US"}}');
    expect(nested.body.error.details[0].path).toBe("address.line1");
    // A well-formed pair (an emoji) is fine.
    expect((await admin.request("POST", `${US}/customers`, '{"legalName":"Emoji \\ud83d\\ude00 Co","email":"s@example.test","country":"US"}')).status).toBe(201);
    const after = await env.ENTITY_ACME_US.prepare("SELECT COUNT(*) AS n FROM customers").first<{ n: number }>();
    expect(after!.n).toBe(before!.n + 1);
  });

  it("a co-editing op with a lone surrogate is rejected", async () => {
    const quote = (await admin.post(`${US}/quotes`, { customerId, title: "Surrogates", currency: "USD", lines: [] })).body;
    const live = await joinRoom("ent_acme_us", admin, "acme-us");
    live.send(`{"type":"op","clientOpId":"s1","quoteId":"${quote.id}","baseRev":1,"ops":[{"op":"set","field":"title","value":"x\\ud800"}]}`);
    const answer: any = await live.waitFor((m: any) => m.type === "reject" && m.clientOpId === "s1");
    expect(answer.error.code).toBe("invalid_message");
    expect((await admin.get(`${US}/quotes/${quote.id}`)).body.rev).toBe(quote.rev);
    live.close();
  });
});

describe("the public link", () => {
  it("accept honours Idempotency-Key: a retry answers the first acceptance; another body is 422", async () => {
    const quote = (await admin.post(`${US}/quotes`, { customerId, title: "Accept twice", currency: "USD", lines: [{ priceId: "price_us_platform_monthly", quantity: "1" }] })).body;
    const published = (await admin.post(`${US}/quotes/${quote.id}/publish`)).body;
    const token = new URL(published.publicUrl).pathname.slice(3);
    const buyer = new ApiClient();
    const accept = (body: object) => buyer.post(`/api/v1/public/quotes/${token}/accept`, body, { "idempotency-key": "accept-1" });
    const first = await accept({ name: "Dana", email: "dana@example.test" });
    expect(first.status).toBe(200);
    const again = await accept({ name: "Dana", email: "dana@example.test" });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expectError(await accept({ name: "Eve", email: "eve@example.test" }), 422, "idempotency_key_reused");
    // Without the key, a second acceptance is refused as before.
    expectError(await buyer.post(`/api/v1/public/quotes/${token}/accept`, { name: "Dana", email: "dana@example.test" }), 409, "invalid_state");
    const accepted = await env.ENTITY_ACME_US.prepare("SELECT COUNT(*) AS n FROM events WHERE subject_id = ? AND kind = 'quote.accepted'").bind(quote.id).first<{ n: number }>();
    expect(accepted!.n).toBe(1);
  });
});

describe("browser security headers", () => {
  const expectSecure = (headers: Headers) => {
    expect(headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(headers.get("x-frame-options")).toBe("DENY");
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  };

  it("authenticated, public and error JSON carry them and are never cached", async () => {
    const list = await admin.get(`${US}/customers`);
    expectSecure(list.headers);
    expect(list.headers.get("cache-control")).toBe("no-store");
    expect(list.headers.get("content-security-policy")).toContain("default-src 'none'");
    const publicQuote = await new ApiClient().get("/api/v1/public/quotes/ent_acme_us.demo-us-2");
    expect(publicQuote.status).toBe(200);
    expectSecure(publicQuote.headers);
    expect(publicQuote.headers.get("cache-control")).toBe("no-store");
    const error = await new ApiClient().get(`${US}/customers`);
    expect(error.status).toBe(401);
    expectSecure(error.headers);
    expect(error.headers.get("strict-transport-security")).toBeNull(); // plain http here
  });

  it("the docs page runs no inline script", async () => {
    const res = await SELF.fetch("http://kontor.test/api/docs");
    const html = await res.text();
    expectSecure(res.headers);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it("HSTS over https", async () => {
    const res = await SELF.fetch("https://kontor.test/api/v1/health");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
  });
});
