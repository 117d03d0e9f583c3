// The approval workflow document: the default, a PUT as a new version with its event, and evaluate.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, unique } from "../support/client.ts";

const UK = "/api/v1/entities/acme-uk";
let admin: ApiClient;
let sales: ApiClient;

const workflow = {
  rules: [
    { name: "Big discount", conditions: [{ field: "maxDiscountPercent", op: "gt", value: "20" }], steps: [{ approvers: { roles: ["admin"], userIds: [] }, mode: "ANY" }] },
    {
      name: "Large deal",
      conditions: [{ field: "totalContractValue", op: "gt", value: "100000" }],
      steps: [
        { approvers: { roles: ["finance"], userIds: [] }, mode: "ANY" },
        { approvers: { roles: [], userIds: ["usr_uk"] }, mode: "ALL" },
      ],
    },
    { name: "Default", conditions: [], steps: [] },
  ],
};

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  sales = await ApiClient.signIn("sales@acme.test");
});

describe("approval workflow", () => {
  it("is the default until written; a PUT is a new version with an approval_workflow.updated event; everyone reads it", async () => {
    const before = await sales.get(`${UK}/approval-workflow`);
    expect(before.status).toBe(200);
    const from = (await admin.get(`${UK}/events/latest`)).body.seq;
    const put = await admin.put(`${UK}/approval-workflow`, workflow, { "if-match": `"${before.body.version}"` });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ version: before.body.version + 1, rules: workflow.rules });
    expect((await sales.get(`${UK}/approval-workflow`)).body.version).toBe(put.body.version);
    const events = (await admin.get(`${UK}/events?after=${from}`)).body.items;
    expect(events.map((e: any) => e.kind)).toEqual(["approval_workflow.updated"]);
    expect(events[0].data.workflow.version).toBe(put.body.version);
  });

  it("evaluate explains the rule a quote hits, condition by condition", async () => {
    await admin.put(`${UK}/approval-workflow`, workflow);
    const customer = (await sales.post(`${UK}/customers`, { legalName: unique("Approvals"), email: "a@example.test", country: "GB" })).body;
    // 12 months of £1,250 with a 25 % discount: the first rule matches before the second is looked at.
    const quote = (await sales.post(`${UK}/quotes`, { customerId: customer.id, title: "Discounted", currency: "GBP", lines: [{ priceId: "price_uk_platform_monthly", quantity: "1", discount: { type: "PERCENTAGE", value: "25" } }] })).body;
    const evaluated = await sales.post(`${UK}/approval-workflow/evaluate`, { quoteId: quote.id });
    expect(evaluated.status, JSON.stringify(evaluated.body)).toBe(200);
    expect(evaluated.body).toMatchObject({ quoteId: quote.id, quoteRev: quote.rev, rule: { index: 0, name: "Big discount" } });
    expect(evaluated.body.conditions).toEqual([{ field: "maxDiscountPercent", op: "gt", value: "20", actual: "25", matched: true }]);

    const plain = (await sales.post(`${UK}/quotes`, { customerId: customer.id, title: "Plain", currency: "GBP", lines: [{ priceId: "price_uk_platform_monthly", quantity: "1" }] })).body;
    const small = (await sales.post(`${UK}/approval-workflow/evaluate`, { quoteId: plain.id })).body;
    expect(small.rule.name).toBe("Default");
    expect(small.steps).toEqual([]);
    expect(small.considered.map((c: any) => c.matched)).toEqual([false, false, true]);
    expect(small.considered[1].conditions[0]).toMatchObject({ field: "totalContractValue", actual: plain.totalContractValue, matched: false });
  });
});
