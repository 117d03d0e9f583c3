// Mappings Xero would refuse are refused here, per field, and nothing is stored.
import { describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";
import { connectXero, newTenant, XERO } from "../support/xero.ts";

const PATH = "/api/v1/entities/acme-uk/integrations/xero/mappings";

describe("Xero mappings: errors", () => {
  it("names each account, tax type or item Xero would refuse, and stores nothing", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await connectXero(admin, "acme-uk", await newTenant("Strict Ltd"));
    const rate = await admin.post("/api/v1/entities/acme-uk/tax-rates", { name: unique("VAT"), percentage: "20" });
    const product = await admin.post("/api/v1/entities/acme-uk/products", { name: unique("Seat") });
    const before = (await admin.get(PATH)).body.rev;
    const cases: [Record<string, unknown>, string, string][] = [
      [{ defaultRevenueAccount: "999" }, "defaultRevenueAccount", "no account 999"],
      [{ defaultRevenueAccount: "250" }, "defaultRevenueAccount", "archived"],
      [{ defaultRevenueAccount: "090" }, "defaultRevenueAccount", "not a revenue account"],
      [{ defaultRevenueAccount: "200", paymentAccount: "200" }, "paymentAccount", "does not take payments"],
      [{ defaultRevenueAccount: "200", taxTypes: { [rate.body.id]: "INPUT2" } }, `taxTypes.${rate.body.id}`, "no active tax type INPUT2"],
      [{ defaultRevenueAccount: "200", taxTypes: { txr_unknown: "OUTPUT2" } }, "taxTypes.txr_unknown", "No tax rate"],
      [{ defaultRevenueAccount: "200", products: { [product.body.id]: { itemCode: "NOPE" } } }, `products.${product.body.id}.itemCode`, "no item NOPE"],
      [{ defaultRevenueAccount: "200", products: { [product.body.id]: { accountCode: "310" } } }, `products.${product.body.id}.accountCode`, "not a revenue account"],
    ];
    for (const [body, path, message] of cases) {
      const res = await admin.put(PATH, body);
      expectError(res, 422, "invalid_mapping");
      const detail = res.body.error.details.find((d: { path: string }) => d.path === path);
      expect(detail?.message, JSON.stringify(res.body)).toContain(message);
    }
    expect((await admin.get(PATH)).body.rev).toBe(before);
  });

  it("refuses malformed bodies with 400 before asking Xero", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    expectError(await admin.put(PATH, {}), 400, "invalid_request");
    expectError(await admin.put(PATH, { defaultRevenueAccount: "200", bogus: 1 }), 400, "invalid_request");
    expectError(await admin.put(PATH, { defaultRevenueAccount: "12345678901" }), 400, "invalid_request");
    expectError(await admin.put(PATH, { defaultRevenueAccount: "200", taxTypes: { x: "" } }), 400, "invalid_request");
  });

  it("needs a connection", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await admin.request("DELETE", "/api/v1/entities/acme-de/integrations/xero");
    expectError(await admin.put("/api/v1/entities/acme-de/integrations/xero/mappings", { defaultRevenueAccount: "200" }), 404, "integration_not_connected");
    expectError(await admin.get("/api/v1/entities/acme-de/integrations/xero/options"), 404, "integration_not_connected");
  });

  it("Xero down or limiting: 503 / 429, nothing stored", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const tenant = await newTenant("Down Ltd");
    await connectXero(admin, "acme-uk", tenant);
    const before = (await admin.get(PATH)).body.rev;
    await fetch(`${XERO}/__fail`, { method: "POST", body: JSON.stringify({ status: 503, count: 1, tenantId: tenant }) });
    expectError(await admin.put(PATH, { defaultRevenueAccount: "200" }), 503, "xero_unavailable");
    await fetch(`${XERO}/__fail`, { method: "POST", body: JSON.stringify({ status: 429, count: 1, retryAfter: 3, tenantId: tenant }) });
    expectError(await admin.put(PATH, { defaultRevenueAccount: "200" }), 429, "rate_limited");
    // The 429's Retry-After holds the organisation's budget: the next call is refused here, without calling Xero.
    expectError(await admin.put(PATH, { defaultRevenueAccount: "200" }), 429, "rate_limited");
    expect((await admin.get(PATH)).body.rev).toBe(before);
  });
});
