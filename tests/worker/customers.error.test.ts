// Bad input for every customer route: a 4xx in the error shape, nothing written, server still healthy.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const BASE = "/api/v1/entities/acme-us/customers";
let admin: ApiClient;
let customerId: string;

async function counts() {
  const db = env.ENTITY_ACME_US;
  const row = await db
    .prepare("SELECT (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM audit_log) AS audit")
    .first();
  return row;
}

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  const created = await admin.post(BASE, { legalName: unique("Err Co"), email: "err@co.test", country: "US" });
  customerId = created.body.id;
});

const valid = { legalName: "Valid Co", email: "valid@co.test", country: "US" };

describe("customers — bad input writes nothing", () => {
  const cases: [string, () => Promise<any>, number, string, string?][] = [
    ["malformed JSON", () => admin.request("POST", BASE, '{"legalName": "x",'), 400, "malformed_json"],
    ["wrong content type", () => admin.request("POST", BASE, JSON.stringify(valid), { "content-type": "text/plain" }), 415, "unsupported_media_type"],
    ["missing fields", () => admin.post(BASE, {}), 400, "invalid_request", "legalName"],
    ["wrong types", () => admin.post(BASE, { ...valid, legalName: 42 }), 400, "invalid_request", "legalName"],
    ["empty name", () => admin.post(BASE, { ...valid, legalName: "   " }), 400, "invalid_request", "legalName"],
    ["bad email", () => admin.post(BASE, { ...valid, email: "not-an-email" }), 400, "invalid_request", "email"],
    ["unknown country", () => admin.post(BASE, { ...valid, country: "XX" }), 400, "invalid_request", "country"],
    ["lower-case country", () => admin.post(BASE, { ...valid, country: "us" }), 400, "invalid_request", "country"],
    ["unknown currency", () => admin.post(BASE, { ...valid, currency: "ABC" }), 400, "invalid_request", "currency"],
    ["unknown tax status", () => admin.post(BASE, { ...valid, taxStatus: "MAYBE" }), 400, "invalid_request", "taxStatus"],
    ["reverse charge without tax id", () => admin.post(BASE, { ...valid, taxStatus: "REVERSE_CHARGED" }), 400, "invalid_request", "taxId"],
    ["nested address error", () => admin.post(BASE, { ...valid, address: { line1: "x", city: "y", postalCode: "", country: "US" } }), 400, "invalid_request", "address.postalCode"],
    ["__proto__ key", () => admin.request("POST", BASE, `{"__proto__":{"admin":true},"legalName":"P","email":"p@p.test","country":"US"}`), 400, "invalid_request", "__proto__"],
    ["constructor key", () => admin.post(BASE, { ...valid, constructor: { prototype: {} } }), 400, "invalid_request", "constructor"],
    ["unknown field", () => admin.post(BASE, { ...valid, isAdmin: true }), 400, "invalid_request", "isAdmin"],
    ["array body", () => admin.post(BASE, [valid]), 400, "invalid_request"],
    ["oversize body", () => admin.post(BASE, { ...valid, legalName: "x".repeat(1_100_000) }), 413, "payload_too_large"],
    ["limit out of range", () => admin.get(`${BASE}?limit=101`), 400, "invalid_request", "query.limit"],
    ["unknown customer", () => admin.get(`${BASE}/cus_nope`), 404, "not_found"],
    ["patch unknown customer", () => admin.patch(`${BASE}/cus_nope`, { email: "a@b.test" }), 404, "not_found"],
    ["patch stale If-Match", () => admin.patch(`${BASE}/${customerId}`, { email: "a@b.test" }, { "if-match": '"999"' }), 409, "rev_conflict"],
    ["patch garbage If-Match", () => admin.patch(`${BASE}/${customerId}`, { email: "a@b.test" }, { "if-match": "banana" }), 400, "invalid_request"],
    ["patch bad field", () => admin.patch(`${BASE}/${customerId}`, { country: "ZZ" }), 400, "invalid_request", "country"],
    ["unknown route", () => admin.get("/api/v1/entities/acme-us/nothing-here"), 404, "not_found"],
    ["idempotency key too long", () => admin.post(BASE, valid, { "idempotency-key": "k".repeat(256) }), 400, "invalid_request"],
  ];

  for (const [name, call, status, code, path] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const before = await counts();
      const res = await call();
      expectError(res, status, code);
      if (path) expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
      expect(await counts()).toEqual(before);
    });
  }

  it("stores SQL- and HTML-looking text verbatim", async () => {
    const legalName = `Robert'); DROP TABLE customers;-- <script>alert(1)</script> ${unique("x")}`;
    const res = await admin.post(BASE, { ...valid, legalName });
    expect(res.status).toBe(201);
    const got = await admin.get(`${BASE}/${res.body.id}`);
    expect(got.body.legalName).toBe(legalName);
    const search = await admin.get(`${BASE}?q=${encodeURIComponent("%")}`);
    expect(search.status).toBe(200); // LIKE wildcards in q are literal
    expect((await admin.get("/api/v1/health")).status).toBe(200);
  });

  it("archiving twice is a 409 and patching an archived customer is a 409", async () => {
    const created = await admin.post(BASE, { ...valid, legalName: unique("Arch") });
    expect((await admin.post(`${BASE}/${created.body.id}/archive`)).status).toBe(200);
    expectError(await admin.post(`${BASE}/${created.body.id}/archive`), 409, "invalid_state");
    expectError(await admin.patch(`${BASE}/${created.body.id}`, { email: "x@y.test" }), 409, "invalid_state");
  });

  it("a concurrent update loses cleanly: exactly one of two racing patches at the same rev wins", async () => {
    const created = await admin.post(BASE, { ...valid, legalName: unique("Race") });
    const before = await counts();
    const [a, b] = await Promise.all([
      admin.patch(`${BASE}/${created.body.id}`, { email: "a@race.test" }, { "if-match": '"1"' }),
      admin.patch(`${BASE}/${created.body.id}`, { email: "b@race.test" }, { "if-match": '"1"' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const after = await counts();
    expect(after!.events).toBe((before!.events as number) + 1);
    expect(after!.audit).toBe((before!.audit as number) + 1);
  });
});

describe("idempotency keys", () => {
  it("replays the first response for the same key and body, and refuses another body", async () => {
    const key = unique("idem");
    const body = { ...valid, legalName: unique("Idem Co") };
    const first = await admin.post(BASE, body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    const before = await counts();
    const second = await admin.post(BASE, body, { "idempotency-key": key });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const other = await admin.post(BASE, { ...body, email: "other@co.test" }, { "idempotency-key": key });
    expectError(other, 422, "idempotency_key_reused");
    expect(await counts()).toEqual(before);
  });

  it("two concurrent requests with one key create one customer", async () => {
    const key = unique("idem-race");
    const body = { ...valid, legalName: unique("Idem Race") };
    const before = await counts();
    const [a, b] = await Promise.all([admin.post(BASE, body, { "idempotency-key": key }), admin.post(BASE, body, { "idempotency-key": key })]);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).toBe(b.body.id);
    expect((await counts())!.customers).toBe((before!.customers as number) + 1);
  });
});
