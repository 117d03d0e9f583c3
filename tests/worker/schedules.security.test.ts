// Billing schedules never leak across entities, and only finance and admin change them or execute quotes.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError } from "../support/client.ts";
import { acceptedQuote, scheduleBody, snapshot, UK, US, usCustomer } from "../support/schedules.ts";

let admin: ApiClient;
let customerId: string;
let draft: any;
let active: any;
let quoteId: string;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  customerId = await usCustomer(admin);
  draft = (await admin.post(`${US}/billing-schedules`, scheduleBody(customerId))).body;
  active = (await admin.post(`${US}/billing-schedules`, scheduleBody(customerId, { startDate: "2020-03-01", endDate: null }))).body;
  expect((await admin.post(`${US}/billing-schedules/${active.id}/activate`)).body.status).toBe("ACTIVE");
  quoteId = await acceptedQuote(await ApiClient.signIn("sales@acme.test"), customerId);
});

/** Every schedule route (and execute) under `base` for the US records. */
const everyRoute = (client: ApiClient, base: string) => [
  client.get(`${base}/billing-schedules`),
  client.get(`${base}/billing-schedules/${draft.id}`),
  client.post(`${base}/billing-schedules`, scheduleBody(customerId)),
  client.patch(`${base}/billing-schedules/${draft.id}`, { defaultDueDateDays: 7 }),
  client.post(`${base}/billing-schedules/${draft.id}/activate`),
  client.post(`${base}/billing-schedules/${active.id}/suspend`),
  client.post(`${base}/billing-schedules/${active.id}/resume`),
  client.post(`${base}/billing-schedules/${active.id}/cancel`, { endDate: "2099-01-01" }),
  client.post(`${base}/quotes/${quoteId}/execute`),
];

describe("billing schedules — security", () => {
  it("another entity's schedules and quotes are 404 under this entity's path, and its list does not show them", async () => {
    const before = await snapshot();
    const [list, ...rest] = await Promise.all(everyRoute(admin, UK).filter((_, i) => i !== 2));
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(draft.id);
    expect(JSON.stringify(list.body)).not.toContain(customerId);
    for (const res of rest) {
      expectError(res, 404);
      expect(JSON.stringify(res.body)).not.toContain(customerId);
    }
    // A US customer or price cannot be scheduled in the UK.
    expectError(await admin.post(`${UK}/billing-schedules`, scheduleBody(customerId, { currency: "GBP", phases: [{ prices: [{ priceId: "price_uk_platform_monthly", quantity: "1" }] }] })), 404, "not_found");
    const ukCustomer = (await admin.get(`${UK}/customers?limit=100`)).body.items.find((c: any) => c.currency === "GBP");
    expectError(await admin.post(`${UK}/billing-schedules`, scheduleBody(ukCustomer.id, { currency: "GBP" })), 400, "invalid_request");
    expect((await admin.get(`${UK}/billing-schedules?customerId=${customerId}`)).body.items).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it("a non-member and another entity's API key get entity_not_found on every route", async () => {
    const uk = await ApiClient.signIn("uk@acme.test");
    const key = ApiClient.withKey((await uk.post(`${UK}/api-keys`, { name: "k", role: "admin" })).body.key);
    const before = await snapshot();
    for (const client of [uk, key]) {
      for (const res of await Promise.all(everyRoute(client, US))) expectError(res, 404, "entity_not_found");
    }
    expect(await snapshot()).toBe(before);
  });

  it("an anonymous caller is 401", async () => {
    const before = await snapshot();
    for (const res of await Promise.all(everyRoute(new ApiClient(), US))) expectError(res, 401);
    expect(await snapshot()).toBe(before);
  });

  it("sales, approvers and viewers read schedules but cannot change them or execute a quote", async () => {
    const viewerKey = ApiClient.withKey((await admin.post(`${US}/api-keys`, { name: "viewer", role: "viewer" })).body.key);
    const clients = [await ApiClient.signIn("sales@acme.test"), await ApiClient.signIn("approver@acme.test"), viewerKey];
    const before = await snapshot();
    for (const client of clients) {
      const [list, get, ...writes] = await Promise.all(everyRoute(client, US));
      expect(list.status).toBe(200);
      expect(get.status).toBe(200);
      expect(get.body.id).toBe(draft.id);
      for (const res of writes) expectError(res, 403, "forbidden");
    }
    expect(await snapshot()).toBe(before);
  });

  it("finance and an admin API key may write and execute", async () => {
    const finance = await ApiClient.signIn("finance@acme.test");
    expect((await finance.post(`${US}/billing-schedules`, scheduleBody(customerId))).status).toBe(201);
    const adminKey = ApiClient.withKey((await admin.post(`${US}/api-keys`, { name: "admin", role: "admin" })).body.key);
    expect((await finance.patch(`${US}/billing-schedules/${draft.id}`, { defaultDueDateDays: 7 })).body.defaultDueDateDays).toBe(7);
    expect((await adminKey.post(`${US}/billing-schedules/${draft.id}/activate`)).status).toBe(200);
    expect((await adminKey.post(`${US}/quotes/${quoteId}/execute`)).body.status).toBe("EXECUTED");
    expect((await finance.post(`${US}/billing-schedules/${active.id}/suspend`)).body.status).toBe("SUSPENDED");
  });
});
