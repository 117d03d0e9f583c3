import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

let admin: ApiClient;
let usProduct: any;
let usPrice: any;

const snapshot = async () =>
  JSON.stringify(await Promise.all([env.ENTITY_ACME_US, env.ENTITY_ACME_UK, env.ENTITY_ACME_DE].map((db) =>
    db.prepare("SELECT (SELECT COUNT(*) FROM products) p, (SELECT COUNT(*) FROM prices) r, (SELECT MAX(seq) FROM events) e").first())));

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  usProduct = (await admin.post("/api/v1/entities/acme-us/products", { name: unique("US secret product") })).body;
  usPrice = (await admin.post("/api/v1/entities/acme-us/prices", {
    productId: usProduct.id, name: "secret", currency: "USD", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: "777" },
  })).body;
});

describe("catalog — security", () => {
  it("another entity's products and prices are invisible under this entity's path", async () => {
    expectError(await admin.get(`/api/v1/entities/acme-uk/products/${usProduct.id}`), 404, "not_found");
    expectError(await admin.get(`/api/v1/entities/acme-uk/prices/${usPrice.id}`), 404, "not_found");
    expectError(await admin.post(`/api/v1/entities/acme-uk/prices/${usPrice.id}/archive`), 404, "not_found");
    const before = await snapshot();
    const res = await admin.post("/api/v1/entities/acme-uk/prices", {
      productId: usProduct.id, name: "x", currency: "GBP", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: "1" },
    });
    expectError(res, 404, "not_found");
    expect(await snapshot()).toBe(before);
    const list = await admin.get("/api/v1/entities/acme-uk/products?limit=100");
    expect(JSON.stringify(list.body)).not.toContain(usProduct.id);
  });

  it("a non-member gets 404 for every catalog route, nothing written", async () => {
    const uk = await ApiClient.signIn("uk@acme.test");
    const before = await snapshot();
    for (const res of [
      await uk.get("/api/v1/entities/acme-us/products"),
      await uk.get(`/api/v1/entities/acme-us/prices/${usPrice.id}`),
      await uk.post("/api/v1/entities/acme-us/products", { name: "x" }),
      await uk.post(`/api/v1/entities/acme-us/products/${usProduct.id}/archive`),
      await uk.post("/api/v1/entities/acme-us/pricing/preview", { currency: "USD", structure: { pricingType: "FIXED", price: "1" }, quantity: "1" }),
    ]) {
      expectError(res, 404, "entity_not_found");
    }
    expect(await snapshot()).toBe(before);
  });

  it("sales and approvers cannot write the catalog", async () => {
    const before = await snapshot();
    for (const email of ["sales@acme.test", "approver@acme.test"]) {
      const user = await ApiClient.signIn(email);
      expectError(await user.post("/api/v1/entities/acme-us/products", { name: "x" }), 403, "forbidden");
      expectError(await user.patch(`/api/v1/entities/acme-us/products/${usProduct.id}`, { name: "x" }), 403, "forbidden");
      expectError(await user.post(`/api/v1/entities/acme-us/prices/${usPrice.id}/archive`), 403, "forbidden");
      expectError(await user.post("/api/v1/entities/acme-us/prices", { productId: usProduct.id }), 403, "forbidden");
    }
    expect(await snapshot()).toBe(before);
  });
});
