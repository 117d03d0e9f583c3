import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const BASE = "/api/v1/entities/acme-uk";
let finance: ApiClient;
let productId: string;

const counts = () =>
  env.ENTITY_ACME_UK.prepare("SELECT (SELECT COUNT(*) FROM products) p, (SELECT COUNT(*) FROM prices) r, (SELECT COUNT(*) FROM events) e").first();

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
  productId = (await finance.post(`${BASE}/products`, { name: unique("Err product") })).body.id;
});

const price = (structure: unknown, extra: Record<string, unknown> = {}) => ({
  productId, name: "x", currency: "GBP", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", structure, ...extra,
});

describe("catalog — bad input writes nothing", () => {
  const cases: [string, () => Record<string, unknown>, string][] = [
    ["tiers out of order", () => price({ pricingType: "GRADUATED", tiers: [{ upperBound: "100", price: "1" }, { upperBound: "50", price: "1" }, { price: "1" }] }), "structure.tiers.1.upperBound"],
    ["equal bounds", () => price({ pricingType: "VOLUME", tiers: [{ upperBound: "100", price: "1" }, { upperBound: "100", price: "1" }, { price: "1" }] }), "structure.tiers.1.upperBound"],
    ["closed last tier", () => price({ pricingType: "GRADUATED", tiers: [{ upperBound: "100", price: "1" }] }), "structure.tiers.0.upperBound"],
    ["negative price", () => price({ pricingType: "FIXED", price: "-5" }), "structure.price"],
    ["non-numeric price", () => price({ pricingType: "FIXED", price: "ten" }), "structure.price"],
    ["float price", () => price({ pricingType: "FIXED", price: 10 }), "structure.price"],
    ["exponent price", () => price({ pricingType: "FIXED", price: "1e3" }), "structure.price"],
    ["unknown model", () => price({ pricingType: "MAGIC", price: "1" }), "structure.pricingType"],
    ["LINEAR with price instead of pricePerUnit", () => price({ pricingType: "LINEAR", price: "1" }), "structure.pricePerUnit"],
    ["package size zero", () => price({ pricingType: "PACKAGE", packageSize: "0", pricePerPackage: "5" }), "structure.packageSize"],
    ["unknown currency", () => price({ pricingType: "FIXED", price: "1" }, { currency: "XYZ" }), "currency"],
    ["one-time model on a monthly price", () => price({ pricingType: "ONE_TIME", price: "1" }), "billingFrequency"],
    ["unknown frequency", () => price({ pricingType: "FIXED", price: "1" }, { billingFrequency: "WEEKLY" }), "billingFrequency"],
    ["unknown field in structure", () => price({ pricingType: "FIXED", price: "1", discount: "5" }), "structure.discount"],
  ];
  for (const [name, body, path] of cases) {
    it(`${name} → 400 at ${path}`, async () => {
      const before = await counts();
      const res = await finance.post(`${BASE}/prices`, body());
      expectError(res, 400, "invalid_request");
      expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
      expect(await counts()).toEqual(before);
    });
  }

  it("unknown product → 404 at productId; archived product → 409", async () => {
    const before = await counts();
    const res = await finance.post(`${BASE}/prices`, price({ pricingType: "FIXED", price: "1" }, { productId: "prod_nope" }));
    expectError(res, 404, "not_found");
    expect(res.body.error.details[0].path).toBe("productId");
    expect(await counts()).toEqual(before);
    const archived = (await finance.post(`${BASE}/products`, { name: unique("Old") })).body.id;
    await finance.post(`${BASE}/products/${archived}/archive`);
    expectError(await finance.post(`${BASE}/prices`, price({ pricingType: "FIXED", price: "1" }, { productId: archived })), 409, "invalid_state");
  });

  it("preview: negative quantity, fractional seats, bad structure → 400 with paths", async () => {
    const bad: [unknown, string][] = [
      [{ currency: "GBP", structure: { pricingType: "FIXED", price: "1" }, quantity: "-1" }, "quantity"],
      [{ currency: "GBP", structure: { pricingType: "SEAT_BASED", pricePerSeat: "1" }, quantity: "1.5" }, "quantity"],
      [{ currency: "GBP", structure: { pricingType: "GRADUATED", tiers: [] }, quantity: "1" }, "structure.tiers"],
      [{ currency: "ZZZ", structure: { pricingType: "FIXED", price: "1" }, quantity: "1" }, "currency"],
    ];
    for (const [body, path] of bad) {
      const res = await finance.post(`${BASE}/pricing/preview`, body);
      expectError(res, 400);
      expect(res.body.error.details.map((d: any) => d.path).some((p: string) => p.startsWith(path))).toBe(true);
    }
  });

  it("prices cannot be changed in place", async () => {
    const created = await finance.post(`${BASE}/prices`, price({ pricingType: "FIXED", price: "1" }));
    expectError(await finance.patch(`${BASE}/prices/${created.body.id}`, { name: "y" }), 404, "not_found");
    expectError(await finance.post(`${BASE}/prices/${created.body.id}/archive`).then(() => finance.post(`${BASE}/prices/${created.body.id}/archive`)), 409, "invalid_state");
  });
});
