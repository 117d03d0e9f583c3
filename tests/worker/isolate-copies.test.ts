// A new quote takes its prices from the isolate's copy (worker/db/isolate-copies.ts): what a copy cannot
// know — the price archived, unarchived, its product renamed, a new workflow — the quote's batch checks, so a quote is
// never created on a stale copy.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const US = "/api/v1/entities/acme-us";
let admin: ApiClient;
let customerId: string;

const rows = () => env.ENTITY_ACME_US.prepare("SELECT (SELECT COUNT(*) FROM quotes) q, (SELECT MAX(seq) FROM events) e").first();

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  customerId = (await admin.post(`${US}/customers`, { legalName: unique("Cache buyer"), email: "cache@example.test", country: "US" })).body.id;
});

async function productWithPrice() {
  const product = (await admin.post(`${US}/products`, { name: unique("Cached product") })).body;
  const price = (await admin.post(`${US}/prices`, { productId: product.id, name: "Monthly", currency: "USD", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: "10.00" } })).body;
  return { product, price };
}

const quoteWith = (priceId: string) => admin.post(`${US}/quotes`, { customerId, title: unique("Cached"), currency: "USD", lines: [{ priceId, quantity: "1" }] });

describe("prices for a new quote", () => {
  it("a price archived after it was copied is refused, and nothing is written", async () => {
    const { price } = await productWithPrice();
    expect((await quoteWith(price.id)).status).toBe(201); // the copy now holds the live price
    expect((await admin.post(`${US}/prices/${price.id}/archive`)).status).toBe(200);
    const before = await rows();
    const refused = await quoteWith(price.id);
    expectError(refused, 422, "price_archived");
    expect(await rows()).toEqual(before);
  });

  it("a price unarchived with its product is quotable again", async () => {
    const { product, price } = await productWithPrice();
    await admin.post(`${US}/products/${product.id}/archive`);
    expectError(await quoteWith(price.id), 422, "price_archived");
    await admin.post(`${US}/products/${product.id}/unarchive`);
    expect((await quoteWith(price.id)).status).toBe(201);
  });

  it("a renamed product shows its new name on the next quote and its event", async () => {
    const { product, price } = await productWithPrice();
    expect((await quoteWith(price.id)).status).toBe(201);
    const renamed = unique("Renamed product");
    const current = (await admin.get(`${US}/products/${product.id}`)).body;
    expect((await admin.patch(`${US}/products/${product.id}`, { name: renamed }, { "if-match": `"${current.rev}"` })).status).toBe(200);
    const from = (await admin.get(`${US}/events/latest`)).body.seq;
    const created = await quoteWith(price.id);
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body.lines[0])).toContain(renamed);
    const event = (await admin.get(`${US}/events?after=${from}&limit=100`)).body.items.find((e: any) => e.kind === "quote.created");
    expect(JSON.stringify(event.data)).toContain(renamed);
  });

  it("a copy from another entity's database never stands in: an unknown price is 404 and writes nothing", async () => {
    const uk = (await admin.get("/api/v1/entities/acme-uk/prices?limit=1")).body.items[0];
    const before = await rows();
    const refused = await quoteWith(uk.id);
    expect(refused.status).toBe(404);
    expect(await rows()).toEqual(before);
  });

  it("a new workflow version applies to the next quote at once (its approvalRequired)", async () => {
    const { price } = await productWithPrice();
    const before = await quoteWith(price.id);
    expect(before.status).toBe(201);
    const current = (await admin.get(`${US}/approval-workflow`)).body;
    const everything = { rules: [{ name: "Everything", conditions: [], steps: [{ approvers: { roles: ["approver"], userIds: [] }, mode: "ANY" }] }] };
    const put = await admin.request("PUT", `${US}/approval-workflow`, everything, { "if-match": `"${current.version}"` });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const after = await quoteWith(price.id);
    expect(after.status).toBe(201);
    expect(after.body.approvalRequired).toBe(true);
    const none = { rules: [{ name: "Default", conditions: [], steps: [] }] };
    expect((await admin.request("PUT", `${US}/approval-workflow`, none, { "if-match": `"${put.body.version}"` })).status).toBe(200);
    expect((await quoteWith(price.id)).body.approvalRequired).toBe(false);
  });
});
