// Bad workflow documents: a precise 400 path, and nothing written.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError } from "../support/client.ts";

const DE = "/api/v1/entities/acme-de";
let admin: ApiClient;
const DEFAULT = { name: "Default", conditions: [], steps: [] };
const rule = (over: Record<string, unknown>) => ({ name: "R", conditions: [{ field: "currency", op: "eq", value: "EUR" }], steps: [{ approvers: { roles: ["admin"], userIds: [] }, mode: "ANY" }], ...over });

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
});

describe("approval workflow — bad documents write nothing", () => {
  const cases: [string, unknown, string][] = [
    ["unknown field in a rule", { rules: [rule({ colour: "red" }), DEFAULT] }, "rules.0.colour"],
    ["unknown condition field", { rules: [rule({ conditions: [{ field: "mood", op: "eq", value: "x" }] }), DEFAULT] }, "rules.0.conditions.0.field"],
    ["unknown op", { rules: [rule({ conditions: [{ field: "currency", op: "like", value: "E%" }] }), DEFAULT] }, "rules.0.conditions.0.op"],
    ["an op the field does not take", { rules: [rule({ conditions: [{ field: "currency", op: "gt", value: "EUR" }] }), DEFAULT] }, "rules.0.conditions.0.op"],
    ["a value of the wrong type", { rules: [rule({ conditions: [{ field: "totalContractValue", op: "gt", value: 100000 }] }), DEFAULT] }, "rules.0.conditions.0.value"],
    ["an amount that is not a decimal", { rules: [rule({ conditions: [{ field: "totalContractValue", op: "gt", value: "1e5" }] }), DEFAULT] }, "rules.0.conditions.0.value"],
    ["an approver who is not a member", { rules: [rule({ steps: [{ approvers: { roles: [], userIds: ["usr_approver"] }, mode: "ANY" }] }), DEFAULT] }, "rules.0.steps.0.approvers.userIds.0"],
    ["a role that does not exist", { rules: [rule({ steps: [{ approvers: { roles: ["boss"], userIds: [] }, mode: "ANY" }] }), DEFAULT] }, "rules.0.steps.0.approvers.roles.0"],
    ["a last rule that is not the default", { rules: [rule({})] }, "rules.0.conditions"],
    ["no rules", { rules: [] }, "rules"],
  ];
  it.each(cases)("%s", async (_, body, path) => {
    const before = await env.ENTITY_ACME_DE.prepare("SELECT (SELECT COUNT(*) FROM approval_workflows) w, (SELECT COUNT(*) FROM events) e").first();
    const res = await admin.put(`${DE}/approval-workflow`, body);
    expectError(res, 400, "invalid_request");
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await env.ENTITY_ACME_DE.prepare("SELECT (SELECT COUNT(*) FROM approval_workflows) w, (SELECT COUNT(*) FROM events) e").first()).toEqual(before);
  });

  it("a stale If-Match is a 409; evaluate of an unknown quote is a 404", async () => {
    expectError(await admin.put(`${DE}/approval-workflow`, { rules: [DEFAULT] }, { "if-match": '"999"' }), 409, "rev_conflict");
    expectError(await admin.post(`${DE}/approval-workflow/evaluate`, { quoteId: "quo_missing" }), 404, "not_found");
  });
});
