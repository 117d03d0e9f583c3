// Mappings checked against the connected organisation's accounts, tax rates and items, read from Xero.
import { describe, expect, it } from "vitest";
import { ApiClient, unique } from "../support/client.ts";
import { connectXero, fakeRequests, newTenant } from "../support/xero.ts";

describe("Xero mappings", () => {
  it("stores mappings Xero would accept, read back as written, with an event", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const finance = await ApiClient.signIn("finance@acme.test");
    const tenant = await newTenant("Mapped Ltd");
    await connectXero(admin, "acme-uk", tenant);
    const rate = await finance.post("/api/v1/entities/acme-uk/tax-rates", { name: unique("UK VAT"), percentage: "20" });
    const product = await finance.post("/api/v1/entities/acme-uk/products", { name: unique("Platform") });
    expect([rate.status, product.status]).toEqual([201, 201]);
    const body = {
      defaultRevenueAccount: "200",
      paymentAccount: "090",
      taxTypes: { [rate.body.id]: "OUTPUT2" },
      products: { [product.body.id]: { accountCode: "210", itemCode: "PLATFORM" } },
    };
    const put = await finance.put("/api/v1/entities/acme-uk/integrations/xero/mappings", body);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ ...body, tenantId: tenant, updatedBy: "usr_finance", stale: false });
    const rev = put.body.rev;
    const got = await admin.get("/api/v1/entities/acme-uk/integrations/xero/mappings");
    expect(got.body).toEqual(put.body);
    // Read from Xero with xero-node's client: accounts, tax rates and items of this organisation, each valid.
    const calls = await fakeRequests({ tenant });
    const reads = calls.filter((r) => r.method === "GET").map((r) => r.path);
    expect(reads).toEqual(expect.arrayContaining(["/api.xro/2.0/Accounts", "/api.xro/2.0/TaxRates", "/api.xro/2.0/Items"]));
    expect(calls.filter((r) => !r.valid)).toEqual([]);
    const events = await admin.get("/api/v1/entities/acme-uk/events?after=0&limit=100");
    expect(events.body.items.some((e: { kind: string; data: { rev: number } }) => e.kind === "integration.mappings_updated" && e.data.rev === rev)).toBe(true);
    // A second PUT replaces them whole.
    const again = await finance.put("/api/v1/entities/acme-uk/integrations/xero/mappings", { defaultRevenueAccount: "220" });
    expect(again.body).toMatchObject({ defaultRevenueAccount: "220", paymentAccount: null, taxTypes: {}, products: {}, rev: rev + 1 });
  });

  it("offers the organisation's revenue and payment accounts, sales tax types and items for the pickers", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await connectXero(admin, "acme-uk", await newTenant("Pickers Ltd"));
    const res = await admin.get("/api/v1/entities/acme-uk/integrations/xero/options");
    expect(res.status).toBe(200);
    expect(res.body.revenueAccounts.map((a: { code: string }) => a.code)).toEqual(["200", "210", "220", "260", "270"]);
    expect(res.body.paymentAccounts.map((a: { code: string }) => a.code)).toEqual(["090", "091"]);
    const taxTypes = res.body.taxTypes.map((t: { taxType: string }) => t.taxType);
    expect(taxTypes).toContain("OUTPUT2");
    expect(taxTypes).not.toContain("INPUT2");
    expect(res.body.taxTypes.find((t: { taxType: string }) => t.taxType === "OUTPUT2")).toMatchObject({ name: "20% (VAT on Income)", rate: "20" });
    expect(res.body.items.map((i: { code: string }) => i.code)).toContain("PLATFORM");
  });

  it("mappings checked against one organisation are stale once another is connected", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    await connectXero(admin, "acme-uk", await newTenant("Before Ltd"));
    expect((await admin.put("/api/v1/entities/acme-uk/integrations/xero/mappings", { defaultRevenueAccount: "200" })).status).toBe(200);
    await connectXero(admin, "acme-uk", await newTenant("After Ltd"));
    expect((await admin.get("/api/v1/entities/acme-uk/integrations/xero/mappings")).body).toMatchObject({ defaultRevenueAccount: "200", stale: true });
  });
});
