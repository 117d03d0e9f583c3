// Bad input on the quote routes: a 4xx in the error shape, nothing written.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const BASE = "/api/v1/entities/acme-us";
let sales: ApiClient;
let customerId: string;
let eurCustomerId: string;
let archivedCustomerId: string;
let quote: any;

const counts = () =>
  env.ENTITY_ACME_US.prepare("SELECT (SELECT COUNT(*) FROM quotes) q, (SELECT COUNT(*) FROM quote_lines) l, (SELECT MAX(seq) FROM events) e, (SELECT value FROM counters WHERE name = 'quote_number') n").first();

beforeAll(async () => {
  sales = await ApiClient.signIn("sales@acme.test");
  customerId = (await sales.post(`${BASE}/customers`, { legalName: unique("QE"), email: "qe@q.test", country: "US" })).body.id;
  eurCustomerId = (await sales.post(`${BASE}/customers`, { legalName: unique("QE EUR"), email: "qe@q.test", country: "DE", currency: "EUR" })).body.id;
  archivedCustomerId = (await sales.post(`${BASE}/customers`, { legalName: unique("QE old"), email: "qe@q.test", country: "US" })).body.id;
  await sales.post(`${BASE}/customers/${archivedCustomerId}/archive`);
  quote = (await sales.post(`${BASE}/quotes`, { customerId, title: "Err", currency: "USD", lines: [{ id: "a", priceId: "price_us_platform_monthly", quantity: "1" }] })).body;
});

const body = (extra: Record<string, unknown> = {}) => ({ customerId, title: "T", currency: "USD", lines: [{ priceId: "price_us_platform_monthly", quantity: "1" }], ...extra });

describe("quotes — bad input writes nothing", () => {
  const cases: [string, () => Promise<any>, number, string, string?][] = [
    ["malformed JSON", () => sales.request("POST", `${BASE}/quotes`, "{"), 400, "malformed_json"],
    ["missing customer", () => sales.post(`${BASE}/quotes`, { title: "x", currency: "USD" }), 400, "invalid_request", "customerId"],
    ["unknown customer", () => sales.post(`${BASE}/quotes`, body({ customerId: "cus_nope" })), 404, "not_found", "customerId"],
    ["archived customer", () => sales.post(`${BASE}/quotes`, body({ customerId: archivedCustomerId })), 422, "customer_archived"],
    ["currency differs from the customer's", () => sales.post(`${BASE}/quotes`, body({ customerId: eurCustomerId })), 422, "currency_mismatch", "currency"],
    ["unknown currency", () => sales.post(`${BASE}/quotes`, body({ currency: "ABC" })), 400, "invalid_request", "currency"],
    ["price in another currency", () => sales.post(`${BASE}/quotes`, body({ customerId: eurCustomerId, currency: "EUR" })), 422, "currency_mismatch", "lines.0.priceId"],
    ["another entity's price", () => sales.post(`${BASE}/quotes`, body({ lines: [{ priceId: "price_uk_platform_monthly", quantity: "1" }] })), 404, "unknown_price", "lines.0.priceId"],
    ["negative quantity", () => sales.post(`${BASE}/quotes`, body({ lines: [{ priceId: "price_us_platform_monthly", quantity: "-1" }] })), 400, "invalid_request", "lines.0.quantity"],
    ["float quantity", () => sales.post(`${BASE}/quotes`, body({ lines: [{ priceId: "price_us_platform_monthly", quantity: 1 }] })), 400, "invalid_request", "lines.0.quantity"],
    ["percentage over 100", () => sales.post(`${BASE}/quotes`, body({ lines: [{ priceId: "price_us_platform_monthly", quantity: "1", discount: { type: "PERCENTAGE", value: "101" } }] })), 400, "invalid_request"],
    ["nominal discount with too many decimals", () => sales.post(`${BASE}/quotes`, body({ lines: [{ priceId: "price_us_platform_monthly", quantity: "1", discount: { type: "NOMINAL", value: "1.005" } }] })), 400, "invalid_request"],
    ["fractional seats", () => sales.post(`${BASE}/quotes`, body({ lines: [{ priceId: "price_us_seats_monthly", quantity: "2.5" }] })), 400, "invalid_request"],
    ["duplicate line ids", () => sales.post(`${BASE}/quotes`, body({ lines: [{ id: "x", priceId: "price_us_platform_monthly", quantity: "1" }, { id: "x", priceId: "price_us_platform_monthly", quantity: "1" }] })), 422, "duplicate_line"],
    ["unknown field", () => sales.post(`${BASE}/quotes`, body({ status: "ACCEPTED" })), 400, "invalid_request", "status"],
    ["stale If-Match", () => sales.patch(`${BASE}/quotes/${quote.id}`, { title: "x" }, { "if-match": '"99"' }), 409, "rev_conflict"],
    ["patch bad line", () => sales.patch(`${BASE}/quotes/${quote.id}`, { lines: [{ priceId: "price_us_platform_monthly", quantity: "abc" }] }), 400, "invalid_request", "lines.0.quantity"],
    ["unknown quote", () => sales.get(`${BASE}/quotes/quo_nope`), 404, "not_found"],
    ["publish unknown quote", () => sales.post(`${BASE}/quotes/quo_nope/publish`), 404, "not_found"],
    ["public link with a forged token", () => new ApiClient().get("/api/v1/public/quotes/ent_acme_us.forged"), 404, "not_found"],
    ["public link of an unknown entity", () => new ApiClient().get("/api/v1/public/quotes/ent_nope.x"), 404, "not_found"],
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

  it("an empty quote cannot be submitted or published", async () => {
    const empty = (await sales.post(`${BASE}/quotes`, { customerId, title: "Empty", currency: "USD" })).body;
    expectError(await sales.post(`${BASE}/quotes/${empty.id}/publish`), 422, "quote_empty");
    expectError(await sales.post(`${BASE}/quotes/${empty.id}/submit`), 422, "quote_empty");
  });

  it("an expired quote cannot be accepted", async () => {
    const q = (await sales.post(`${BASE}/quotes`, body({ expiryDays: 1 }))).body;
    const published = (await sales.post(`${BASE}/quotes/${q.id}/publish`)).body;
    await env.ENTITY_ACME_US.prepare("UPDATE quotes SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = ?").bind(q.id).run();
    const token = new URL(published.publicUrl).pathname.slice(3);
    expect((await new ApiClient().get(`/api/v1/public/quotes/${token}`)).body).toMatchObject({ expired: true, acceptable: false });
    expectError(await new ApiClient().post(`/api/v1/public/quotes/${token}/accept`, { name: "Late", email: "late@l.test" }), 422, "quote_expired");
    expectError(await new ApiClient().post(`/api/v1/public/quotes/${token}/accept`, { name: "", email: "nope" }), 400, "invalid_request");
  });
});
