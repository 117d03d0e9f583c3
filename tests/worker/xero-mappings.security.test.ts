// Who may see and change an entity's Xero mappings; another entity's records cannot be mapped.
import { describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";
import { connectXero, newTenant } from "../support/xero.ts";

const PATH = "/api/v1/entities/acme-uk/integrations/xero/mappings";

describe("Xero mappings: security", () => {
  it("finance and admin change them; sales reads; non-members get 404", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await connectXero(admin, "acme-uk", await newTenant("Roles Ltd"));
    const sales = await ApiClient.signIn("sales@acme.test");
    expectError(await sales.put(PATH, { defaultRevenueAccount: "200" }), 403, "forbidden");
    expectError(await sales.get("/api/v1/entities/acme-uk/integrations/xero/options"), 403, "forbidden");
    expect((await sales.get(PATH)).status).toBe(200);
    const finance = await ApiClient.signIn("finance@acme.test");
    expect((await finance.put(PATH, { defaultRevenueAccount: "200" })).status).toBe(200);
    const approver = await ApiClient.signIn("approver@acme.test");
    expectError(await approver.get(PATH), 404, "entity_not_found");
    expectError(await approver.put(PATH, { defaultRevenueAccount: "200" }), 404, "entity_not_found");
  });

  it("another entity's tax rates and products cannot be mapped, and its own mappings stay apart", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await connectXero(admin, "acme-uk", await newTenant("Apart Ltd"));
    const usRate = await admin.post("/api/v1/entities/acme-us/tax-rates", { name: unique("US tax"), percentage: "8" });
    const usProduct = await admin.post("/api/v1/entities/acme-us/products", { name: unique("US product") });
    const res = await admin.put(PATH, { defaultRevenueAccount: "200", taxTypes: { [usRate.body.id]: "OUTPUT2" }, products: { [usProduct.body.id]: { accountCode: "200" } } });
    expectError(res, 422, "invalid_mapping");
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([`products.${usProduct.body.id}`, `taxTypes.${usRate.body.id}`].sort());
    expect((await admin.put(PATH, { defaultRevenueAccount: "260" })).status).toBe(200);
    expect((await admin.get("/api/v1/entities/acme-us/integrations/xero/mappings")).body).toMatchObject({ defaultRevenueAccount: "", rev: 0, tenantId: null });
  });
});
