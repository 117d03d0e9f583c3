// Approvals in tests: a workflow of the test's own, quotes that hit its rules, and what a change wrote.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { ApiClient, unique } from "./client.ts";

export const US = "/api/v1/entities/acme-us";

/** The workflow the task tests run on (acme-us): each rule is hit by a discount or a deal size. */
export const TEST_WORKFLOW = {
  rules: [
    { name: "Nobody", conditions: [{ field: "dealType", op: "eq", value: "RENEWAL" }], steps: [{ approvers: { roles: ["viewer"], userIds: [] }, mode: "ANY" }] },
    { name: "Any of two", conditions: [{ field: "maxDiscountPercent", op: "gt", value: "20" }], steps: [{ approvers: { roles: ["approver"], userIds: ["usr_finance"] }, mode: "ANY" }] },
    { name: "All of two", conditions: [{ field: "maxDiscountPercent", op: "gt", value: "10" }], steps: [{ approvers: { roles: ["approver"], userIds: ["usr_finance", "usr_approver"] }, mode: "ALL" }] },
    { name: "Big discount", conditions: [{ field: "maxDiscountPercent", op: "gt", value: "5" }], steps: [{ approvers: { roles: ["approver"], userIds: [] }, mode: "ANY" }] },
    {
      name: "Large deal",
      conditions: [{ field: "totalContractValue", op: "gt", value: "100000" }],
      steps: [
        { approvers: { roles: ["approver"], userIds: [] }, mode: "ANY" },
        { approvers: { roles: ["admin"], userIds: [] }, mode: "ALL" },
      ],
    },
    { name: "Default", conditions: [], steps: [] },
  ],
};

export interface Clients {
  admin: ApiClient;
  sales: ApiClient;
  approver: ApiClient;
  finance: ApiClient;
  customerId: string;
}

export async function setUp(): Promise<Clients> {
  const [admin, sales, approver, finance] = await Promise.all(["admin", "sales", "approver", "finance"].map((u) => ApiClient.signIn(`${u}@acme.test`)));
  const put = await admin.put(`${US}/approval-workflow`, TEST_WORKFLOW);
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const customerId = (await sales.post(`${US}/customers`, { legalName: unique("Approvals customer"), email: "ap@example.test", country: "US" })).body.id;
  return { admin, sales, approver, finance, customerId };
}

/** A DRAFT quote: one platform line with this discount (25 → "Any of two", 15 → "All of two", 8 → "Big discount"), or `quantity` platforms. */
export async function draft(c: Clients, o: { discount?: string; quantity?: string; dealType?: string } = {}) {
  const res = await c.sales.post(`${US}/quotes`, {
    customerId: c.customerId,
    title: unique("Needs approval"),
    currency: "USD",
    ...(o.dealType ? { dealType: o.dealType } : {}),
    lines: [{ id: "l1", priceId: "price_us_platform_monthly", quantity: o.quantity ?? "1", ...(o.discount ? { discount: { type: "PERCENTAGE", value: o.discount } } : {}) }],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Submitted by sales; PENDING with its open tasks. */
export async function submitted(c: Clients, o: Parameters<typeof draft>[1] = {}) {
  const quote = await draft(c, o);
  const res = await c.sales.post(`${US}/quotes/${quote.id}/submit`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.approvalStatus).toBe("PENDING");
  const tasks = (await c.admin.get(`${US}/tasks?quoteId=${quote.id}&status=OPEN`)).body.items;
  return { quote: res.body, tasks: tasks as any[] };
}

export const taskOf = (tasks: any[], userId: string) => tasks.find((t) => t.assigneeUserId === userId);

/** What the entity's database holds: to prove a refused request wrote nothing. */
export async function footprint() {
  return env.ENTITY_ACME_US.prepare(
    "SELECT (SELECT MAX(seq) FROM events) e, (SELECT COUNT(*) FROM approval_tasks) t, (SELECT COUNT(*) FROM approval_submissions) s, (SELECT COUNT(*) FROM audit_log) a, (SELECT group_concat(status || approval_status || rev) FROM quotes) q, (SELECT group_concat(status) FROM approval_tasks) ts",
  ).first();
}

export async function latestSeq(client: ApiClient) {
  return (await client.get(`${US}/events/latest`)).body.seq as number;
}

export async function eventsAfter(client: ApiClient, seq: number) {
  return (await client.get(`${US}/events?after=${seq}&limit=100`)).body.items as any[];
}
