// The optional tracking category of the mappings: offered from the organisation's active categories,
// checked before it is stored, and every line the sync sends is tagged with it (the fake refuses an
// unknown or archived category or option as Xero does).
import { describe, expect, it } from "vitest";
import { ApiClient, expectError } from "../support/client.ts";
import { fakeRequests } from "../support/xero.ts";
import { connectedEntity, finalInvoice, objectOf, UK, untilSettled } from "../support/xero-sync.ts";

describe("Xero tracking category", () => {
  it("offered, stored, and on every line sent; an archived option is refused with its path and nothing changes", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const finance = await ApiClient.signIn("finance@acme.test");
    const s = await connectedEntity(admin, finance, "Tracked Ltd");
    const options = await finance.get(`${UK}/integrations/xero/options`);
    expect(options.body.trackingCategories).toEqual([
      { name: "Region", options: ["UK", "Europe", "North America"] },
      { name: "Department", options: ["Sales", "Services"] },
    ]);
    const mappings = { defaultRevenueAccount: "200", paymentAccount: "090", taxTypes: { [s.vat20]: "OUTPUT2" } };
    const before = (await finance.get(`${UK}/integrations/xero/mappings`)).body;
    for (const tracking of [{ category: "Region", option: "Legacy" }, { category: "Old Projects", option: "Apollo" }]) {
      const refused = await finance.put(`${UK}/integrations/xero/mappings`, { ...mappings, tracking });
      expectError(refused, 422, "invalid_mapping");
      expect(refused.body.error.details.map((d: { path: string }) => d.path)).toEqual(["tracking"]);
    }
    expect((await finance.get(`${UK}/integrations/xero/mappings`)).body).toEqual(before);
    expectError(await finance.put(`${UK}/integrations/xero/mappings`, { ...mappings, tracking: { category: "Region" } }), 400, "invalid_request");

    const put = await finance.put(`${UK}/integrations/xero/mappings`, { ...mappings, tracking: { category: "Region", option: "UK" } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.tracking).toEqual({ category: "Region", option: "UK" });

    const invoice = await finalInvoice(finance, s);
    const status = await untilSettled(finance);
    expect(objectOf(status, "invoice", invoice.id)).toMatchObject({ state: "SYNCED" });
    const sent = (await fakeRequests({ tenant: s.tenant, path: "/api.xro/2.0/Invoices" })).filter((r) => r.method === "POST");
    expect(sent.every((r) => r.valid && r.status === 200)).toBe(true);
    const lines = sent.flatMap((r) => r.body.Invoices ?? []).find((i: { InvoiceNumber: string }) => i.InvoiceNumber === invoice.invoiceNumber).LineItems;
    expect(lines.map((l: { Tracking: unknown }) => l.Tracking)).toEqual([
      [{ Name: "Region", Option: "UK" }],
      [{ Name: "Region", Option: "UK" }],
    ]);
    // Taken off again: lines go untagged.
    const cleared = await finance.put(`${UK}/integrations/xero/mappings`, { ...mappings, tracking: null });
    expect(cleared.body.tracking).toBeNull();
  });
});
