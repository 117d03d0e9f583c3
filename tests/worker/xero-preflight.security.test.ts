// The preflight spends the organisation's Xero calls and shows its booking: finance and admins of this
// entity only; another entity's invoice, a non-member and a role that may not finalize get nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError } from "../support/client.ts";
import { fakeRequests } from "../support/xero.ts";
import { connectedEntity, UK, type SyncSetup } from "../support/xero-sync.ts";

let s: SyncSetup;
let ukDraft: string;
let usDraft: string;

beforeAll(async () => {
  const admin = await ApiClient.signIn("admin@acme.test");
  const finance = await ApiClient.signIn("finance@acme.test");
  s = await connectedEntity(admin, finance, "Preflight Guarded Ltd");
  ukDraft = (await finance.post(`${UK}/invoices`, { customerId: s.customerId, currency: "GBP", lines: [{ title: "Licence", quantity: "1", rate: "500", taxRateId: s.vat20 }] })).body.id;
  const us = "/api/v1/entities/acme-us";
  const customer = (await finance.post(`${us}/customers`, { legalName: "Preflight US Inc", email: "ap@pf.test", country: "US" })).body.id;
  usDraft = (await finance.post(`${us}/invoices`, { customerId: customer, currency: "USD", lines: [{ title: "Licence", quantity: "1", rate: "100" }] })).body.id;
});

const path = (invoiceId: string, entity = "acme-uk") => `/api/v1/entities/${entity}/integrations/xero/preflight/invoices/${invoiceId}`;

describe("Xero preflight — security", () => {
  it("another entity's invoice under this entity's path is 404, and Xero is not asked", async () => {
    const finance = await ApiClient.signIn("finance@acme.test");
    const before = (await fakeRequests({ tenant: s.tenant })).length;
    expectError(await finance.get(path(usDraft)), 404, "not_found");
    expectError(await finance.get(path("inv_nope")), 404, "not_found");
    expect((await fakeRequests({ tenant: s.tenant })).length).toBe(before);
  });

  it("a role that may not finalize is refused; a non-member and no session get nothing", async () => {
    const sales = await ApiClient.signIn("sales@acme.test"); // a member of acme-uk, without invoices:write
    expectError(await sales.get(path(ukDraft)), 403, "forbidden");
    const approver = await ApiClient.signIn("approver@acme.test"); // acme-us only
    expectError(await approver.get(path(ukDraft)), 404, "entity_not_found");
    expectError(await new ApiClient().get(path(ukDraft)), 401, "unauthenticated");
  });

  it("an admin and finance of the entity are answered", async () => {
    for (const who of ["admin@acme.test", "finance@acme.test", "uk@acme.test"]) {
      const res = await (await ApiClient.signIn(who)).get(path(ukDraft));
      expect(res.status, who).toBe(200);
      expect(res.body.connected).toBe(true);
    }
  });
});
