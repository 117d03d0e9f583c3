// Who may submit, withdraw, decide and read approvals: every route as another entity's member, a
// non-member, another entity's API key and a role that may not act — refused, and nothing written.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError } from "../support/client.ts";
import { footprint, setUp, submitted, taskOf, US, type Clients } from "../support/tasks.ts";

const UK = "/api/v1/entities/acme-uk";
let c: Clients;
let quoteId: string;
let taskId: string;
let ukTaskId: string;
let ukQuoteId: string;

beforeAll(async () => {
  c = await setUp();
  const pending = await submitted(c, { discount: "25" });
  quoteId = pending.quote.id;
  taskId = taskOf(pending.tasks, "usr_approver").id;
  // A task of another entity: acme-uk's own workflow and quote.
  const uk = await ApiClient.signIn("uk@acme.test");
  await uk.put(`${UK}/approval-workflow`, {
    rules: [
      { name: "Any discount", conditions: [{ field: "maxDiscountPercent", op: "gt", value: "0" }], steps: [{ approvers: { roles: ["admin"], userIds: [] }, mode: "ANY" }] },
      { name: "Default", conditions: [], steps: [] },
    ],
  });
  const customer = (await c.sales.post(`${UK}/customers`, { legalName: "UK buyer", email: "uk@example.test", country: "GB" })).body;
  const ukQuote = (await c.sales.post(`${UK}/quotes`, { customerId: customer.id, title: "UK", currency: "GBP", lines: [{ priceId: "price_uk_platform_monthly", quantity: "1", discount: { type: "PERCENTAGE", value: "5" } }] })).body;
  ukQuoteId = ukQuote.id;
  expect((await c.sales.post(`${UK}/quotes/${ukQuote.id}/submit`)).body.approvalStatus).toBe("PENDING");
  ukTaskId = (await uk.get(`${UK}/tasks?quoteId=${ukQuote.id}`)).body.items[0].id;
});

const routes = () => [
  { method: "POST", path: `${US}/quotes/${quoteId}/submit` },
  { method: "POST", path: `${US}/quotes/${quoteId}/withdraw` },
  { method: "GET", path: `${US}/tasks` },
  { method: "GET", path: `${US}/tasks/${taskId}` },
  { method: "POST", path: `${US}/tasks/${taskId}/approve`, body: {} },
  { method: "POST", path: `${US}/tasks/${taskId}/reject`, body: { comment: "no" } },
  { method: "GET", path: `${US}/members` },
];

async function refusedEverywhere(client: ApiClient, status: number, code: string) {
  const before = await footprint();
  for (const r of routes()) expectError(await client.request(r.method, r.path, r.method === "POST" ? (r.body ?? {}) : undefined), status, code);
  expect(await footprint()).toEqual(before);
}

describe("approvals — security", () => {
  it("another entity's member gets 404 on every route, and nothing changes", async () => {
    await refusedEverywhere(await ApiClient.signIn("uk@acme.test"), 404, "entity_not_found");
  });

  it("no credential: 401 on every route", async () => {
    await refusedEverywhere(new ApiClient(), 401, "unauthenticated");
  });

  it("another entity's API key: 404 on every route", async () => {
    const key = (await c.admin.post("/api/v1/entities/acme-de/api-keys", { name: "de", role: "admin" })).body.key;
    await refusedEverywhere(ApiClient.withKey(key), 404, "entity_not_found");
  });

  it("another entity's task under this entity's path is 404, and deciding it there writes nothing", async () => {
    const before = await footprint();
    expectError(await c.admin.get(`${US}/tasks/${ukTaskId}`), 404, "not_found");
    expectError(await c.admin.post(`${US}/tasks/${ukTaskId}/approve`, {}), 404, "not_found");
    expectError(await c.admin.post(`${US}/tasks/${ukTaskId}/reject`, { comment: "x" }), 404, "not_found");
    expectError(await c.admin.post(`${US}/quotes/${ukQuoteId}/withdraw`), 404, "not_found");
    expect((await c.admin.get(`${US}/tasks?quoteId=${ukQuoteId}`)).body.items).toEqual([]);
    expect(await footprint()).toEqual(before);
  });

  it("roles that may not act: finance without the task, sales, an approver on someone else's task, a viewer key", async () => {
    const viewer = ApiClient.withKey((await c.admin.post(`${US}/api-keys`, { name: "viewer", role: "viewer" })).body.key);
    const before = await footprint();
    expectError(await c.finance.post(`${US}/tasks/${taskId}/approve`, {}), 403, "forbidden");
    expectError(await c.sales.post(`${US}/tasks/${taskId}/approve`, {}), 403, "forbidden");
    expectError(await c.sales.post(`${US}/tasks/${taskId}/reject`, { comment: "mine now" }), 403, "forbidden");
    const financeTask = (await c.admin.get(`${US}/tasks?quoteId=${quoteId}&assignee=usr_finance`)).body.items[0];
    expectError(await c.approver.post(`${US}/tasks/${financeTask.id}/approve`, {}), 403, "forbidden");
    // Submitting and withdrawing need quotes:write.
    expectError(await c.approver.post(`${US}/quotes/${quoteId}/withdraw`), 403, "forbidden");
    expectError(await c.finance.post(`${US}/quotes/${quoteId}/submit`), 403, "forbidden");
    expectError(await viewer.post(`${US}/tasks/${taskId}/approve`, {}), 403, "forbidden");
    expectError(await viewer.post(`${US}/quotes/${quoteId}/withdraw`), 403, "forbidden");
    expectError(await viewer.post(`${US}/quotes/${quoteId}/submit`), 403, "forbidden");
    // Others' inboxes are an admin's to see.
    expectError(await c.sales.get(`${US}/tasks?assignee=usr_approver`), 403, "forbidden");
    expect((await viewer.get(`${US}/tasks`)).body.items).toEqual([]);
    expect(await footprint()).toEqual(before);
    expect((await c.sales.get(`${US}/quotes/${quoteId}`)).body.approvalStatus).toBe("PENDING");
  });

  it("an admin may decide any task but their own submission; an admin API key too", async () => {
    const key = (await c.admin.post(`${US}/api-keys`, { name: "admin", role: "admin" })).body.key;
    const res = await ApiClient.withKey(key).post(`${US}/tasks/${taskId}/approve`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: "APPROVED", assigneeUserId: "usr_approver" });
    expect(res.body.decidedBy).toMatch(/^key_/);
  });
});
