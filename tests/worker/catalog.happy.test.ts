import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, unique } from "../support/client.ts";

const BASE = "/api/v1/entities/acme-uk";
let finance: ApiClient;

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
});

describe("catalog — happy paths", () => {
  it("creates a product and a price of every model, lists and gets them", async () => {
    const product = await finance.post(`${BASE}/products`, { name: unique("Widget"), description: "A widget", taxCategory: "standard" });
    expect(product.status).toBe(201);
    const structures = [
      { pricingType: "FIXED", price: "99.00" },
      { pricingType: "LINEAR", pricePerUnit: "0.25" },
      { pricingType: "LINEAR", pricePerUnit: "1.5", isPricePercentage: true, minPrice: "0.20", maxPrice: "5.00" },
      { pricingType: "VOLUME", tiers: [{ upperBound: "100", price: "2" }, { price: "1", fee: "10" }] },
      { pricingType: "GRADUATED", tiers: [{ upperBound: "100", price: "2" }, { price: "1" }] },
      { pricingType: "PACKAGE", packageSize: "10", pricePerPackage: "5" },
      { pricingType: "SEAT_BASED", pricePerSeat: "15", contractedMinimumSeats: 3 },
    ];
    const ids = [];
    for (const structure of structures) {
      const res = await finance.post(`${BASE}/prices`, {
        productId: product.body.id,
        name: structure.pricingType,
        currency: "GBP",
        billingFrequency: "MONTHLY",
        billingType: "IN_ADVANCE",
        structure,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ productId: product.body.id, pricingType: structure.pricingType, structure, archivedAt: null });
      ids.push(res.body.id);
    }
    const oneTime = await finance.post(`${BASE}/prices`, {
      productId: product.body.id, name: "Setup", currency: "GBP", billingFrequency: "ONE_TIME", billingType: "IN_ADVANCE", structure: { pricingType: "ONE_TIME", price: "500" },
    });
    expect(oneTime.status).toBe(201);
    const listed = await finance.get(`${BASE}/prices?productId=${product.body.id}&limit=100`);
    expect(listed.body.items.map((p: any) => p.id).sort()).toEqual([...ids, oneTime.body.id].sort());
    expect((await finance.get(`${BASE}/prices/${ids[0]}`)).body.structure).toEqual(structures[0]);
    const page = await finance.get(`${BASE}/prices?productId=${product.body.id}&limit=3`);
    expect(page.body.items).toHaveLength(3);
    const next = await finance.get(`${BASE}/prices?productId=${product.body.id}&limit=3&after=${page.body.pagination.after}`);
    expect(next.body.items.map((p: any) => p.id)).not.toContain(page.body.items[0].id);
  });

  it("pricing preview prices one quantity exactly", async () => {
    const cases: [unknown, string, string, string][] = [
      [{ pricingType: "GRADUATED", tiers: [{ upperBound: "100", price: "2" }, { price: "1" }] }, "150", "GBP", "250.00"],
      [{ pricingType: "VOLUME", tiers: [{ upperBound: "100", price: "2" }, { price: "1", fee: "10" }] }, "150", "GBP", "160.00"],
      [{ pricingType: "PACKAGE", packageSize: "10", pricePerPackage: "5" }, "21", "JPY", "15"],
      [{ pricingType: "LINEAR", pricePerUnit: "1.005" }, "1", "USD", "1.01"],
      [{ pricingType: "FIXED", price: "0.0005" }, "3", "KWD", "0.002"],
    ];
    for (const [structure, quantity, currency, amount] of cases) {
      const res = await finance.post(`${BASE}/pricing/preview`, { currency, structure, quantity });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({ amount, currency });
    }
  });

  it("archives a price (immutable otherwise) and a product with its prices", async () => {
    const product = await finance.post(`${BASE}/products`, { name: unique("Gadget") });
    const price = await finance.post(`${BASE}/prices`, { productId: product.body.id, name: "p", currency: "GBP", billingFrequency: "YEARLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: "10" } });
    const other = await finance.post(`${BASE}/prices`, { productId: product.body.id, name: "q", currency: "GBP", billingFrequency: "YEARLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: "20" } });
    expect((await finance.post(`${BASE}/prices/${price.body.id}/archive`)).body.archivedAt).toEqual(expect.any(String));
    const archived = await finance.post(`${BASE}/products/${product.body.id}/archive`);
    expect(archived.status).toBe(200);
    expect((await finance.get(`${BASE}/prices/${other.body.id}`)).body.archivedAt).toEqual(expect.any(String));
    const events = await finance.get(`${BASE}/events?after=0&limit=100`);
    expect(events.status).toBe(200);
  });

  it("sales and viewers read the catalog", async () => {
    const sales = await ApiClient.signIn("sales@acme.test");
    expect((await sales.get(`${BASE}/products`)).status).toBe(200);
    expect((await sales.get(`${BASE}/prices`)).status).toBe(200);
    expect((await sales.post(`${BASE}/pricing/preview`, { currency: "GBP", structure: { pricingType: "FIXED", price: "1" }, quantity: "2" })).body.amount).toBe("2.00");
  });
});
