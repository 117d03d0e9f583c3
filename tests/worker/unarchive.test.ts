// Archive can be undone (issue 9 item 11): customers, products (with the prices archived with them) and quotes.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const US = "/api/v1/entities/acme-us";
let admin: ApiClient;
let sales: ApiClient;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  sales = await ApiClient.signIn("sales@acme.test");
});

describe("unarchive", () => {
  it("a customer comes back with its next revision and a customer.unarchived event", async () => {
    const customer = (await admin.post(`${US}/customers`, { legalName: unique("Undo"), email: "undo@example.test", country: "US" })).body;
    const from = (await admin.get(`${US}/events/latest`)).body.seq;
    const archived = (await admin.post(`${US}/customers/${customer.id}/archive`)).body;
    const back = await admin.post(`${US}/customers/${customer.id}/unarchive`);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ archivedAt: null, rev: archived.rev + 1 });
    expectError(await admin.post(`${US}/customers/${customer.id}/unarchive`), 409, "invalid_state");
    const events = (await admin.get(`${US}/events?after=${from}&limit=100`)).body.items.filter((e: any) => e.subject.id === customer.id);
    expect(events.map((e: any) => e.kind)).toEqual(["customer.archived", "customer.unarchived"]);
    expect(events[1].data.customer).toMatchObject({ id: customer.id, archivedAt: null });
  });

  it("a product comes back with the prices archived with it, not one archived before", async () => {
    const product = (await admin.post(`${US}/products`, { name: unique("Undo product") })).body;
    const price = (body: object) => admin.post(`${US}/prices`, { productId: product.id, currency: "USD", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", ...body });
    const kept = (await price({ name: "Kept", structure: { pricingType: "FIXED", price: "10.00" } })).body;
    const retired = (await price({ name: "Retired", structure: { pricingType: "FIXED", price: "9.00" } })).body;
    await admin.post(`${US}/prices/${retired.id}/archive`);
    await admin.post(`${US}/products/${product.id}/archive`);
    expectError(await sales.post(`${US}/products/${product.id}/unarchive`), 403, "forbidden");
    const back = await admin.post(`${US}/products/${product.id}/unarchive`);
    expect(back.status).toBe(200);
    expect(back.body.archivedAt).toBeNull();
    expect((await admin.get(`${US}/prices/${kept.id}`)).body.archivedAt).toBeNull();
    expect((await admin.get(`${US}/prices/${retired.id}`)).body.archivedAt).not.toBeNull();
  });

  it("a quote comes back as it was", async () => {
    const customer = (await sales.post(`${US}/customers`, { legalName: unique("Undo quote"), email: "uq@example.test", country: "US" })).body;
    const quote = (await sales.post(`${US}/quotes`, { customerId: customer.id, title: "Undo", currency: "USD", lines: [{ priceId: "price_us_platform_monthly", quantity: "1" }] })).body;
    await sales.post(`${US}/quotes/${quote.id}/archive`);
    const back = await sales.post(`${US}/quotes/${quote.id}/unarchive`);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ archivedAt: null, status: "DRAFT", rev: quote.rev + 2 });
    const other = await ApiClient.signIn("uk@acme.test");
    expectError(await other.post(`${US}/quotes/${quote.id}/unarchive`), 404, "entity_not_found");
  });
});
