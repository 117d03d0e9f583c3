// Who may start and retry a sync, and what another entity sees of this one's: nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError } from "../support/client.ts";
import { connectedEntity, finalInvoice, objectOf, UK, untilSettled } from "../support/xero-sync.ts";
import { fakeRequests } from "../support/xero.ts";

const US = "/api/v1/entities/acme-us";
let admin: ApiClient;
let finance: ApiClient;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  finance = await ApiClient.signIn("finance@acme.test");
});

describe("Xero sync — security", () => {
  it("finance and admin sync and retry; sales reads the status only; a non-member gets 404", async () => {
    const s = await connectedEntity(admin, finance, "Roles Sync Ltd");
    const inv = await finalInvoice(finance, s);
    await untilSettled(finance);
    const sales = await ApiClient.signIn("sales@acme.test");
    expectError(await sales.post(`${UK}/integrations/xero/sync`, {}), 403, "forbidden");
    expectError(await sales.post(`${UK}/integrations/xero/sync/invoice/${inv.id}/retry`, {}), 403, "forbidden");
    expect((await sales.get(`${UK}/integrations/xero/status`)).status).toBe(200);
    expect((await admin.post(`${UK}/integrations/xero/sync`, {})).status).toBe(202);
    const approver = await ApiClient.signIn("approver@acme.test");
    expectError(await approver.post(`${UK}/integrations/xero/sync`, {}), 404, "entity_not_found");
    expectError(await approver.get(`${UK}/integrations/xero/status`), 404, "entity_not_found");
  });

  it("another entity sees nothing of this entity's sync, and cannot retry its objects", async () => {
    const s = await connectedEntity(admin, finance, "Own Books Ltd");
    const inv = await finalInvoice(finance, s);
    const uk = await untilSettled(finance);
    expect(objectOf(uk, "invoice", inv.id)).toMatchObject({ state: "SYNCED" });
    const us = await admin.get(`${US}/integrations/xero/status`);
    expect(us.status).toBe(200);
    expect(us.body).toMatchObject({ connected: false, pending: 0, failed: 0, objects: [] });
    expectError(await admin.post(`${US}/integrations/xero/sync/invoice/${inv.id}/retry`, {}), 404, "not_found");
    expectError(await admin.post(`${US}/integrations/xero/sync`, {}), 404, "integration_not_connected");
    // Nothing of acme-uk's (its customer, by id as ContactNumber) reached another organisation; every request was valid.
    const calls = await fakeRequests({ tenant: s.tenant });
    expect(calls.filter((r) => !r.valid)).toEqual([]);
    expect(calls.some((r) => JSON.stringify(r.body ?? "").includes(s.customerId))).toBe(true);
    const elsewhere = (await fakeRequests()).filter((r) => r.tenantId && r.tenantId !== s.tenant && JSON.stringify(r.body ?? "").includes(s.customerId));
    expect(elsewhere).toEqual([]);
  });
});
