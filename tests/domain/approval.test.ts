// Approval workflow evaluation: table tests of each field and op, the document's checks, and
// properties — first match wins, a rule matches only if every condition does, and decimal
// comparisons agree with exact integer arithmetic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_WORKFLOW,
  evaluateCondition,
  evaluateWorkflow,
  workflowIssues,
  type ApprovalStep,
  type ApprovalWorkflow,
  type Condition,
  type QuoteFacts,
} from "../../worker/domain/approval.ts";

const facts = (over: Partial<QuoteFacts> = {}): QuoteFacts => ({
  totalContractValue: "120000.00",
  maxDiscountPercent: "25",
  currency: "USD",
  dealType: "NEW_BUSINESS",
  productIds: ["prod_a", "prod_b"],
  pricingTypes: ["FIXED", "SEAT_BASED"],
  ...over,
});

/** API.md's demo workflow for acme-us. */
const DEMO: ApprovalWorkflow = {
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

describe("conditions", () => {
  it.each<[Condition, Partial<QuoteFacts>, boolean]>([
    [{ field: "totalContractValue", op: "gt", value: "100000" }, {}, true],
    [{ field: "totalContractValue", op: "gt", value: "120000" }, {}, false],
    [{ field: "totalContractValue", op: "gte", value: "120000.000" }, {}, true],
    [{ field: "totalContractValue", op: "lt", value: "120000.01" }, {}, true],
    [{ field: "totalContractValue", op: "lte", value: "119999.99" }, {}, false],
    [{ field: "totalContractValue", op: "eq", value: "120000" }, {}, true], // 120000.00 = 120000 exactly
    [{ field: "totalContractValue", op: "neq", value: "120000" }, {}, false],
    [{ field: "totalContractValue", op: "in", value: ["1", "120000.0"] }, {}, true],
    [{ field: "maxDiscountPercent", op: "gt", value: "20" }, { maxDiscountPercent: "20.0001" }, true],
    [{ field: "maxDiscountPercent", op: "gt", value: "20" }, { maxDiscountPercent: "20" }, false],
    // The float trap: 0.1 + 0.2 vs 0.3 — exact decimals say equal.
    [{ field: "maxDiscountPercent", op: "eq", value: "0.3" }, { maxDiscountPercent: "0.30" }, true],
    [{ field: "currency", op: "eq", value: "USD" }, {}, true],
    [{ field: "currency", op: "neq", value: "USD" }, {}, false],
    [{ field: "currency", op: "in", value: ["EUR", "GBP"] }, {}, false],
    [{ field: "dealType", op: "eq", value: "RENEWAL" }, {}, false],
    [{ field: "productIds", op: "in", value: ["prod_b", "prod_z"] }, {}, true],
    [{ field: "productIds", op: "in", value: ["prod_z"] }, {}, false],
    [{ field: "productIds", op: "eq", value: ["prod_b", "prod_a"] }, {}, true],
    [{ field: "pricingTypes", op: "neq", value: ["FIXED"] }, {}, true],
    [{ field: "pricingTypes", op: "in", value: ["SEAT_BASED"] }, {}, true],
  ])("%j on %j is %s", (condition, over, expected) => {
    const result = evaluateCondition(condition, facts(over));
    expect(result.matched).toBe(expected);
    expect(result.actual).toEqual(facts(over)[condition.field]);
  });
});

describe("rules", () => {
  it("the demo workflow: a big discount goes to the approver, first match wins over the large deal", () => {
    const result = evaluateWorkflow(DEMO, facts());
    expect(result.rule).toEqual({ index: 0, name: "Big discount" });
    expect(result.steps).toHaveLength(1);
    expect(result.conditions).toEqual([{ field: "maxDiscountPercent", op: "gt", value: "20", actual: "25", matched: true }]);
  });

  it("a large deal without a big discount takes two steps; a small one needs none", () => {
    expect(evaluateWorkflow(DEMO, facts({ maxDiscountPercent: "5" })).rule.name).toBe("Large deal");
    const small = evaluateWorkflow(DEMO, facts({ maxDiscountPercent: "5", totalContractValue: "5000" }));
    expect(small.rule.name).toBe("Default");
    expect(small.steps).toEqual([]);
    expect(small.considered.map((c) => c.matched)).toEqual([false, false, true]);
  });

  it("with no workflow written, nothing needs approval", () => {
    expect(evaluateWorkflow(DEFAULT_WORKFLOW, facts()).steps).toEqual([]);
  });
});

describe("the document's checks", () => {
  const members = new Set(["usr_approver", "usr_admin"]);
  it("the demo workflow is valid", () => expect(workflowIssues(DEMO, members)).toEqual([]));

  it.each<[ApprovalWorkflow, string[]]>([
    [{ rules: [{ name: "Only", conditions: [{ field: "currency", op: "eq", value: "USD" }], steps: [] }] }, ["rules.0.conditions"]],
    [{ rules: [{ name: "Open", conditions: [], steps: [] }, { name: "Default", conditions: [], steps: [] }] }, ["rules.0.conditions"]],
    [{ rules: [{ name: "Bad op", conditions: [{ field: "currency", op: "gt", value: "USD" }], steps: [] }, DEMO.rules[2]] }, ["rules.0.conditions.0.op"]],
    [{ rules: [{ name: "Bad amount", conditions: [{ field: "totalContractValue", op: "gt", value: "1e5" }], steps: [] }, DEMO.rules[2]] }, ["rules.0.conditions.0.value"]],
    [{ rules: [{ name: "List", conditions: [{ field: "currency", op: "in", value: "USD" }], steps: [] }, DEMO.rules[2]] }, ["rules.0.conditions.0.value"]],
    [{ rules: [{ name: "Stranger", conditions: [{ field: "currency", op: "eq", value: "USD" }], steps: [{ approvers: { roles: [], userIds: ["usr_nobody"] }, mode: "ANY" }] }, DEMO.rules[2]] }, ["rules.0.steps.0.approvers.userIds.0"]],
    [{ rules: [{ name: "Nobody", conditions: [{ field: "currency", op: "eq", value: "USD" }], steps: [{ approvers: { roles: [], userIds: [] }, mode: "ALL" }] }, DEMO.rules[2]] }, ["rules.0.steps.0.approvers"]],
    [{ rules: [] }, ["rules"]],
  ])("%j", (workflow, paths) => expect(workflowIssues(workflow, members).map((i) => i.path)).toEqual(paths));
});

// ---- properties ----
/** A decimal string with up to 4 places, and its value × 10^4 as an exact integer. */
const scaled = fc.tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 4 })).map(([n, places]) => {
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(places + 1, "0");
  const text = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return { text: negative && n !== 0n ? `-${text}` : text, exact: n * 10n ** BigInt(4 - places) };
});

describe("properties", () => {
  it("amount comparisons agree with exact integer arithmetic", () => {
    fc.assert(
      fc.property(scaled, scaled, fc.constantFrom("gt", "gte", "lt", "lte", "eq", "neq" as const), (actual, value, op) => {
        const expected = { gt: actual.exact > value.exact, gte: actual.exact >= value.exact, lt: actual.exact < value.exact, lte: actual.exact <= value.exact, eq: actual.exact === value.exact, neq: actual.exact !== value.exact }[op];
        const result = evaluateCondition({ field: "totalContractValue", op, value: value.text }, facts({ totalContractValue: actual.text }));
        return result.matched === expected;
      }),
    );
  });

  const condition = fc.oneof(
    scaled.map((v): Condition => ({ field: "totalContractValue", op: "gte", value: v.text })),
    fc.constantFrom<Condition>({ field: "currency", op: "eq", value: "USD" }, { field: "currency", op: "neq", value: "USD" }, { field: "dealType", op: "in", value: ["RENEWAL"] }, { field: "productIds", op: "in", value: ["prod_a"] }),
  );
  const rule = fc.record({ name: fc.string({ maxLength: 8 }), conditions: fc.array(condition, { minLength: 1, maxLength: 3 }), steps: fc.constant<ApprovalStep[]>([]) });

  it("the first rule whose every condition holds wins; no earlier rule fully holds", () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 6 }), scaled, fc.constantFrom("USD", "EUR"), (rules, tcv, currency) => {
        const workflow: ApprovalWorkflow = { rules: [...rules, { name: "Default", conditions: [], steps: [] }] };
        const f = facts({ totalContractValue: tcv.text, currency });
        const result = evaluateWorkflow(workflow, f);
        const holds = (r: (typeof workflow.rules)[number]) => r.conditions.every((c) => evaluateCondition(c, f).matched);
        return holds(workflow.rules[result.rule.index]) && workflow.rules.slice(0, result.rule.index).every((r) => !holds(r)) && result.conditions.every((c) => c.matched);
      }),
    );
  });
});
