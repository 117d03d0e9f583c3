import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, ORIGIN, unique } from "../support/client.ts";

const BASE = "/api/v1/entities/acme-us";
let sales: ApiClient;
let customerId: string;

beforeAll(async () => {
  sales = await ApiClient.signIn("sales@acme.test");
  customerId = (await sales.post(`${BASE}/customers`, { legalName: unique("Quote customer"), email: "q@q.test", country: "US" })).body.id;
});

export function newQuote(client: ApiClient, lines: unknown[] = [{ priceId: "price_us_platform_monthly", quantity: "1" }], extra: Record<string, unknown> = {}) {
  return client.post(`${BASE}/quotes`, { customerId, title: unique("Deal"), currency: "USD", lines, ...extra });
}

describe("quotes — happy paths", () => {
  it("creates a quote with exact totals, numbered per entity", async () => {
    const res = await newQuote(sales, [
      { priceId: "price_us_platform_monthly", quantity: "1" },
      { priceId: "price_us_seats_monthly", quantity: "12", discount: { type: "PERCENTAGE", value: "10" } },
      { priceId: "price_us_api_graduated", quantity: "25000" },
      { priceId: "price_us_onboarding_once", quantity: "1", discount: { type: "NOMINAL", value: "500.00" } },
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const q = res.body;
    expect(q).toMatchObject({ status: "DRAFT", approvalStatus: "NOT_REQUIRED", rev: 1, currency: "USD" });
    expect(q.quoteNumber).toMatch(/^Q\d{5}$/);
    expect(q.lines.map((l: any) => l.amounts.total)).toEqual(["1250.00", "162.00", "30.00", "4500.00"]);
    expect(q.totals).toMatchObject({ subtotal: "6460.00", discount: "518.00", tax: "0.00", total: "5942.00" });
    expect(q.totals.byFrequency.MONTHLY.total).toBe("1442.00");
    expect(q.totals.byFrequency.ONE_TIME.total).toBe("4500.00");
    const next = await newQuote(sales);
    expect(Number(next.body.quoteNumber.slice(1))).toBe(Number(q.quoteNumber.slice(1)) + 1);
  });

  it("numbers stay gapless and unique under concurrent creation", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => newQuote(sales)));
    const numbers = results.map((r) => Number(r.body.quoteNumber.slice(1))).sort((a, b) => a - b);
    expect(results.every((r) => r.status === 201)).toBe(true);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[i - 1] + 1);
  });

  it("patch with If-Match, publish, revise, public link shows the last published version, accept", async () => {
    const q = (await newQuote(sales)).body;
    const patched = await sales.patch(`${BASE}/quotes/${q.id}`, { title: "Renamed", lines: [{ id: q.lines[0].id, priceId: "price_us_platform_monthly", quantity: "2" }] }, { "if-match": `"${q.rev}"` });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ title: "Renamed", rev: 2 });
    expect(patched.body.lines[0]).toMatchObject({ id: q.lines[0].id, quantity: "2" });
    expect(patched.body.totals.total).toBe("2500.00");
    expectError(await sales.patch(`${BASE}/quotes/${q.id}`, { title: "Stale" }, { "if-match": `"${q.rev}"` }), 409, "rev_conflict");

    const published = await sales.post(`${BASE}/quotes/${q.id}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.status).toBe("PUBLISHED");
    const path = new URL(published.body.publicUrl).pathname;
    expect(path).toMatch(/^\/q\//);
    const token = path.slice(3);
    const anonymous = new ApiClient();
    const view = await anonymous.get(`/api/v1/public/quotes/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ title: "Renamed", acceptable: true, seller: { name: "Acme Inc" } });
    expect(view.body.totals.total).toBe("2500.00");

    // editing the published quote makes a new DRAFT version; the link keeps showing version 1
    const revised = await sales.patch(`${BASE}/quotes/${q.id}`, { lines: [{ id: q.lines[0].id, priceId: "price_us_platform_monthly", quantity: "3" }] });
    expect(revised.body).toMatchObject({ status: "DRAFT", version: 2 });
    expect((await anonymous.get(`/api/v1/public/quotes/${token}`)).body.totals.total).toBe("2500.00");
    expectError(await anonymous.post(`/api/v1/public/quotes/${token}/accept`, { name: "Cy Customer", email: "cy@c.test" }), 409, "quote_being_revised");
    await sales.post(`${BASE}/quotes/${q.id}/publish`);
    expect((await anonymous.get(`/api/v1/public/quotes/${token}`)).body.totals.total).toBe("3750.00");

    const accepted = await anonymous.post(`/api/v1/public/quotes/${token}/accept`, { name: "Cy Customer", email: "cy@c.test" });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: "ACCEPTED", acceptable: false, acceptedBy: { name: "Cy Customer" } });
    const final = await sales.get(`${BASE}/quotes/${q.id}`);
    expect(final.body.status).toBe("ACCEPTED");
    expectError(await sales.patch(`${BASE}/quotes/${q.id}`, { title: "No" }), 409, "quote_not_editable");
    expectError(await anonymous.post(`/api/v1/public/quotes/${token}/accept`, { name: "Again", email: "a@a.test" }), 409, "invalid_state");
  });

  it("submit, archive, list with filters", async () => {
    const q = (await newQuote(sales)).body;
    const submitted = await sales.post(`${BASE}/quotes/${q.id}/submit`);
    expect(submitted.body).toMatchObject({ approvalStatus: "NOT_REQUIRED", rev: 2 });
    const list = await sales.get(`${BASE}/quotes?customerId=${customerId}&status=DRAFT&limit=100`);
    expect(list.body.items.map((x: any) => x.id)).toContain(q.id);
    const archived = await sales.post(`${BASE}/quotes/${q.id}/archive`);
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    expect((await sales.get(`${BASE}/quotes?customerId=${customerId}&limit=100`)).body.items.map((x: any) => x.id)).not.toContain(q.id);
    expectError(await sales.patch(`${BASE}/quotes/${q.id}`, { title: "x" }), 409, "quote_not_editable");
  });

  it("the customer page is served by the web app", async () => {
    const res = await SELF.fetch(`${ORIGIN}/q/anything`);
    expect(res.status).toBeLessThan(500);
  });
});

describe("quote PDF", () => {
  it("renders real PDF bytes with the quote's numbers", async () => {
    const q = (await newQuote(sales, [{ priceId: "price_us_platform_monthly", quantity: "3" }])).body;
    const res = await SELF.fetch(`${ORIGIN}${BASE}/quotes/${q.id}/pdf`, { headers: { cookie: sales.cookie! } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
    const { PDFDocument } = await import("pdf-lib");
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(doc.getTitle()).toContain(q.quoteNumber);
    const uk = await ApiClient.signIn("uk@acme.test");
    expectError(await uk.get(`${BASE}/quotes/${q.id}/pdf`), 404, "entity_not_found");
    expectError(await sales.get(`/api/v1/entities/acme-uk/quotes/${q.id}/pdf`), 404, "not_found");
  });
});
