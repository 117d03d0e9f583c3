// The preflight before finalizing: what Xero would refuse, or book differently, read from the
// connected organisation; and the booking it judges is the one the sync sends (NONE for untaxed lines).
import { describe, expect, it } from "vitest";
import { ApiClient, unique } from "../support/client.ts";
import { finalizeWithPdf } from "../support/documents.ts";
import { connectXero, fakeRequests, newTenant } from "../support/xero.ts";
import { connectedEntity, objectOf, UK, untilSettled } from "../support/xero-sync.ts";

const preflightOf = (client: ApiClient, invoiceId: string, entity = UK) => client.get(`${entity}/integrations/xero/preflight/invoices/${invoiceId}`);

async function draft(finance: ApiClient, customerId: string, lines: unknown[]) {
  const res = await finance.post(`${UK}/invoices`, { customerId, currency: "GBP", lines });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe("Xero preflight", () => {
  it("a draft Xero takes as Kontor computed it: ok, from the organisation's own settings, every request valid", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const finance = await ApiClient.signIn("finance@acme.test");
    const s = await connectedEntity(admin, finance, "Preflight Ok Ltd");
    const inv = await draft(finance, s.customerId, [
      { title: "Licence", quantity: "1", rate: "500", taxRateId: s.vat20 },
      { title: "Donation", quantity: "1", rate: "10", taxRateId: null },
    ]);
    const res = await preflightOf(finance, inv.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ connected: true, ok: true, problems: [] });
    const calls = await fakeRequests({ tenant: s.tenant });
    expect(calls.filter((r) => r.method === "GET").map((r) => r.path)).toEqual(expect.arrayContaining(["/api.xro/2.0/Accounts", "/api.xro/2.0/TaxRates", "/api.xro/2.0/Items"]));
    expect(calls.filter((r) => !r.valid)).toEqual([]);
  });

  it("a tax rate with no Xero tax type is named at its line, and an edit that maps it clears the warning", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const finance = await ApiClient.signIn("finance@acme.test");
    const s = await connectedEntity(admin, finance, "Preflight Tax Ltd");
    const reducedName = unique("VAT 5%");
    const reduced = (await finance.post(`${UK}/tax-rates`, { name: reducedName, percentage: "5" })).body.id;
    const inv = await draft(finance, s.customerId, [
      { title: "Licence", quantity: "1", rate: "500", taxRateId: s.vat20 },
      { title: "Energy", quantity: "1", rate: "80", taxRateId: reduced },
    ]);
    const warned = await preflightOf(finance, inv.id);
    expect(warned.body.ok).toBe(false);
    expect(warned.body.problems).toEqual([{ path: "lines.1.taxType", message: expect.stringContaining(`Line 2 (Energy): Kontor's tax rate "${reducedName}" has no Xero tax type mapped`) }]);
    expect(warned.body.problems[0].message).toContain("account 200's default (OUTPUT2)");
    // Mapped to a type whose rate is not 5 %: still a warning, now about the rate.
    expect((await finance.put(`${UK}/integrations/xero/mappings`, { defaultRevenueAccount: "200", taxTypes: { [s.vat20]: "OUTPUT2", [reduced]: "OUTPUT2" } })).status).toBe(200);
    expect((await preflightOf(finance, inv.id)).body.problems).toEqual([{ path: "lines.1.taxType", message: "Line 2 (Energy): Xero's OUTPUT2 is 20 %, Kontor charges 5 % — Xero would book a different tax" }]);
    expect((await finance.put(`${UK}/integrations/xero/mappings`, { defaultRevenueAccount: "200", taxTypes: { [s.vat20]: "OUTPUT2", [reduced]: "RROUTPUT" } })).status).toBe(200);
    expect((await preflightOf(finance, inv.id)).body).toEqual({ connected: true, ok: true, problems: [] });
  });

  it("without Xero nothing is checked; mappings of another organisation are not mappings for this one", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const finance = await ApiClient.signIn("finance@acme.test");
    const us = "/api/v1/entities/acme-us";
    const usCustomer = (await finance.post(`${us}/customers`, { legalName: unique("Hooli"), email: "ap@hooli.test", country: "US" })).body.id;
    const usDraft = (await finance.post(`${us}/invoices`, { customerId: usCustomer, currency: "USD", lines: [{ title: "Licence", quantity: "1", rate: "100" }] })).body;
    expect((await preflightOf(finance, usDraft.id, us)).body).toEqual({ connected: false, ok: true, problems: [] });
    const s = await connectedEntity(admin, finance, "Preflight Before Ltd");
    await connectXero(admin, "acme-uk", await newTenant(unique("Preflight After Ltd")));
    const inv = await draft(finance, s.customerId, [{ title: "Licence", quantity: "1", rate: "500", taxRateId: s.vat20 }]);
    const res = await preflightOf(finance, inv.id);
    expect(res.body.ok).toBe(false);
    expect(res.body.problems.map((p: { path: string }) => p.path)).toEqual(["mappings"]);
  });

  it("an untaxed line goes to Xero as NONE, so Xero's tax is Kontor's (not the account's 20 %)", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const finance = await ApiClient.signIn("finance@acme.test");
    const s = await connectedEntity(admin, finance, "Untaxed Ltd");
    const inv = await draft(finance, s.customerId, [
      { title: "Licence", quantity: "1", rate: "500", taxRateId: s.vat20 },
      { title: "Donation", quantity: "1", rate: "10", taxRateId: null },
    ]);
    const fin = await finalizeWithPdf(finance, `${UK}/invoices/${inv.id}`);
    expect(fin.body).toMatchObject({ subtotal: "510.00", tax: "100.00", total: "610.00" });
    const status = await untilSettled(finance);
    expect(objectOf(status, "invoice", inv.id)).toMatchObject({ state: "SYNCED" });
    const sent = (await fakeRequests({ tenant: s.tenant, path: "/api.xro/2.0/Invoices" })).filter((r) => r.method === "POST" && r.status === 200);
    const lines = sent.flatMap((r) => r.body.Invoices ?? []).find((i: { InvoiceNumber: string }) => i.InvoiceNumber === fin.body.invoiceNumber).LineItems;
    expect(lines.map((l: { TaxType: string }) => l.TaxType)).toEqual(["OUTPUT2", "NONE"]);
  });
});
