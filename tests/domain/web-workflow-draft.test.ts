// The workflow editor's draft (web/src/lib/approvals/workflow-draft.ts): what it offers is what the
// server accepts (the domain's ops per field, list values where a list is due, the default rule
// last), and a draft written back is the document it came from.
import { describe, expect, it } from "vitest";
import { CONDITION_FIELDS, workflowIssues, type ApprovalWorkflow } from "../../worker/domain/approval.ts";
import {
  addRule,
  claimedPath,
  errorPath,
  fromDraft,
  moveRule,
  newCondition,
  newRule,
  opsFor,
  removeRule,
  sameWorkflow,
  takesList,
  toDraft,
  withField,
  withOp,
} from "../../web/src/lib/approvals/workflow-draft.ts";

const USD = { currency: "USD" };
const demo: ApprovalWorkflow = {
  rules: [
    { name: "Big discount", conditions: [{ field: "maxDiscountPercent", op: "gt", value: "20" }], steps: [{ approvers: { roles: ["approver"], userIds: [] }, mode: "ANY" }] },
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

describe("workflow draft", () => {
  it("writes back exactly the document it was made from", () => {
    expect(fromDraft(toDraft(demo.rules))).toEqual(demo.rules);
    expect(sameWorkflow(toDraft(demo.rules), toDraft(demo.rules))).toBe(true);
  });

  it("always ends in a default rule", () => {
    expect(fromDraft(toDraft([]))).toEqual([{ name: "Default", conditions: [], steps: [] }]);
    const withoutDefault = toDraft([demo.rules[0]]);
    expect(withoutDefault).toHaveLength(2);
    expect(withoutDefault[1].conditions).toEqual([]);
  });

  it("adds above the default, never moves or removes the default", () => {
    let d = toDraft(demo.rules);
    d = addRule(d, newRule(USD, 3));
    expect(d.map((r) => r.name)).toEqual(["Big discount", "Large deal", "Rule 3", "Default"]);
    expect(moveRule(d, 2, 1).map((r) => r.name)).toEqual(d.map((r) => r.name)); // not below the default
    expect(moveRule(d, 3, -1).map((r) => r.name)).toEqual(d.map((r) => r.name)); // the default stays
    expect(moveRule(d, 1, -1).map((r) => r.name)).toEqual(["Large deal", "Big discount", "Rule 3", "Default"]);
    expect(removeRule(d, 3)).toHaveLength(4);
    expect(removeRule(d, 0).map((r) => r.name)).toEqual(["Large deal", "Rule 3", "Default"]);
  });

  it("offers per field only the ops the server takes, with a value of the right shape", () => {
    for (const field of CONDITION_FIELDS) {
      for (const op of opsFor(field)) {
        let c = withOp(withField(newCondition(USD), field, USD), op, USD);
        // Fill what the person would type or tick.
        if (Array.isArray(c.value)) c = { ...c, value: field === "currency" ? ["USD"] : field === "dealType" ? ["RENEWAL"] : field === "productIds" ? ["prod_x"] : field === "pricingTypes" ? ["FIXED"] : ["10"] };
        else if (c.value === "") c = { ...c, value: "10" };
        expect(Array.isArray(c.value), `${field} ${op}`).toBe(takesList(field, op));
        const draft = toDraft([{ name: "R", conditions: [c], steps: [{ approvers: { roles: ["admin"], userIds: [] }, mode: "ANY" }] }]);
        expect(workflowIssues({ rules: fromDraft(draft) }, new Set()), `${field} ${op}`).toEqual([]);
      }
    }
  });

  it("keeps what it can when the field or op changes", () => {
    const c = { ...newCondition(USD, "totalContractValue"), value: "5000" };
    expect(withField(c, "maxDiscountPercent", USD).value).toBe("5000"); // both amounts
    expect(withOp(c, "in", USD).value).toEqual(["5000"]);
    expect(withOp(withOp(c, "in", USD), "gte", USD).value).toBe("5000");
    const currency = withField(c, "currency", USD);
    expect(currency.op).toBe("eq"); // gt does not apply to a currency
    expect(currency.value).toBe("USD");
  });

  it("names the controls of the server's error paths; the rest go to the summary", () => {
    expect(errorPath("body.rules.0.name")).toBe("rules.0.name");
    for (const p of ["rules.0.name", "rules.1.conditions", "rules.1.conditions.0.op", "rules.0.conditions.2.value.1", "rules.0.steps.0.approvers", "rules.0.steps.1.approvers.userIds.0", "rules.2.steps.0.mode"]) {
      expect(claimedPath(p), p).toBe(true);
    }
    for (const p of ["rules", "(root)", "rules.0.steps.0.approvers.other"]) expect(claimedPath(p), p).toBe(false);
  });
});
