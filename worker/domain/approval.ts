// Approval workflows (DESIGN.md §3, API.md "Approval workflow document"): rules in order, first match
// wins, a rule's conditions are AND-ed, the last rule is the default (no conditions). Pure, no I/O:
// the document's shape, its checks, and which rule a quote's facts hit — and why, condition by condition.
import type { Role } from "./access.ts";
import { readDecimal, type Decimal } from "./decimal.ts";

export const CONDITION_FIELDS = ["totalContractValue", "maxDiscountPercent", "currency", "dealType", "productIds", "pricingTypes"] as const;
export type ConditionField = (typeof CONDITION_FIELDS)[number];
export const CONDITION_OPS = ["gt", "gte", "lt", "lte", "eq", "neq", "in"] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
export const APPROVAL_MODES = ["ANY", "ALL"] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

export interface Condition {
  field: ConditionField;
  op: ConditionOp;
  /** A decimal string for the amounts, a string for currency and deal type, a list for `in` and the sets. */
  value: string | string[];
}

export interface ApprovalStep {
  approvers: { roles: Role[]; userIds: string[] };
  mode: ApprovalMode;
}

export interface ApprovalRule {
  name: string;
  conditions: Condition[];
  steps: ApprovalStep[];
}

export interface ApprovalWorkflow {
  rules: ApprovalRule[];
}

/** What the rules look at, for one revision of a quote. */
export interface QuoteFacts {
  totalContractValue: string;
  maxDiscountPercent: string;
  currency: string;
  dealType: string;
  productIds: string[];
  pricingTypes: string[];
}

/** What the rules look at on a quote's revision (its view: lines with their price facts, and totals). */
export function quoteFacts(quote: {
  totalContractValue: string;
  totals: { maxDiscountPercent: string };
  currency: string;
  dealType: string;
  lines: readonly { productId: string | null; pricingType: string | null }[];
}): QuoteFacts {
  return {
    totalContractValue: quote.totalContractValue,
    maxDiscountPercent: quote.totals.maxDiscountPercent,
    currency: quote.currency,
    dealType: quote.dealType,
    productIds: [...new Set(quote.lines.map((l) => l.productId).filter((id): id is string => id !== null))],
    pricingTypes: [...new Set(quote.lines.map((l) => l.pricingType).filter((t): t is string => t !== null))],
  };
}

/** How each field compares: exact decimals, plain strings, or sets of ids. */
export const KIND: Record<ConditionField, "amount" | "text" | "set"> = {
  totalContractValue: "amount",
  maxDiscountPercent: "amount",
  currency: "text",
  dealType: "text",
  productIds: "set",
  pricingTypes: "set",
};

/** The ops each kind of field takes. */
export const OPS_OF: Record<"amount" | "text" | "set", readonly ConditionOp[]> = {
  amount: ["gt", "gte", "lt", "lte", "eq", "neq", "in"],
  text: ["eq", "neq", "in"],
  set: ["in", "eq", "neq"],
};

export interface WorkflowIssue {
  path: string;
  message: string;
}

/** The workflow every entity has until an admin writes one: nothing needs approval. */
export const DEFAULT_WORKFLOW: ApprovalWorkflow = { rules: [{ name: "Default", conditions: [], steps: [] }] };

/**
 * What is wrong with a workflow whose shape is right (zod checked the shape): ops a field does not
 * take, values of the wrong kind, steps without approvers, and a last rule that is not the default.
 * `members` are the entity's user ids; approvers by user must be among them.
 */
export function workflowIssues(workflow: ApprovalWorkflow, members: ReadonlySet<string>): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  const last = workflow.rules.length - 1;
  workflow.rules.forEach((rule, r) => {
    rule.conditions.forEach((condition, c) => {
      const at = `rules.${r}.conditions.${c}`;
      const kind = KIND[condition.field];
      if (!OPS_OF[kind].includes(condition.op)) {
        issues.push({ path: `${at}.op`, message: `${condition.field} takes ${OPS_OF[kind].join(", ")}, not ${condition.op}` });
        return;
      }
      // `in` takes a list, and so does every op on a set; the rest compare one value.
      const list = condition.op === "in" || kind === "set";
      if (list !== Array.isArray(condition.value)) {
        issues.push({ path: `${at}.value`, message: list ? "must be a list of values" : "must be a single value, not a list" });
        return;
      }
      if (kind === "amount") {
        for (const [i, v] of (Array.isArray(condition.value) ? condition.value : [condition.value]).entries()) {
          const read = readDecimal(v);
          if (typeof read === "string") issues.push({ path: Array.isArray(condition.value) ? `${at}.value.${i}` : `${at}.value`, message: read });
        }
      }
      if (Array.isArray(condition.value) && condition.value.length === 0) issues.push({ path: `${at}.value`, message: "must list at least one value" });
    });
    rule.steps.forEach((step, s) => {
      const at = `rules.${r}.steps.${s}.approvers`;
      if (step.approvers.roles.length === 0 && step.approvers.userIds.length === 0) issues.push({ path: at, message: "a step needs at least one role or user" });
      step.approvers.userIds.forEach((id, u) => {
        if (!members.has(id)) issues.push({ path: `${at}.userIds.${u}`, message: `${id} is not a member of this entity` });
      });
    });
    if (r === last && rule.conditions.length > 0) issues.push({ path: `rules.${r}.conditions`, message: "the last rule is the default: it has no conditions" });
    if (r < last && rule.conditions.length === 0) issues.push({ path: `rules.${r}.conditions`, message: "only the last rule may have no conditions (it would hide every rule after it)" });
  });
  if (workflow.rules.length === 0) issues.push({ path: "rules", message: "a workflow has at least its default rule" });
  return issues;
}

export interface ConditionResult {
  field: ConditionField;
  op: ConditionOp;
  value: string | string[];
  actual: string | string[];
  matched: boolean;
}

export interface Evaluation {
  /** The rule that matched: its position and name. */
  rule: { index: number; name: string };
  steps: ApprovalStep[];
  /** The matched rule's conditions, each with the quote's actual value. */
  conditions: ConditionResult[];
  /** Every rule tried, in order, up to the one that matched. */
  considered: { index: number; name: string; matched: boolean; conditions: ConditionResult[] }[];
}

// Unbounded: a quote's figures may pass the engine's cap on inputs (a contract value over 10^15).
const decimal = (v: string): Decimal => {
  const read = readDecimal(v, { unbounded: true });
  if (typeof read === "string") throw new Error(`not a decimal: ${v} (${read})`);
  return read;
};

function compareAmounts(op: ConditionOp, actual: Decimal, value: string | string[]): boolean {
  if (op === "in") return (value as string[]).some((v) => actual.eq(decimal(v)));
  const v = decimal(value as string);
  switch (op) {
    case "gt": return actual.gt(v);
    case "gte": return actual.gte(v);
    case "lt": return actual.lt(v);
    case "lte": return actual.lte(v);
    case "eq": return actual.eq(v);
    case "neq": return !actual.eq(v);
  }
  return false;
}

/** One condition against the facts. Sets: `in` = shares at least one value; `eq`/`neq` = the same set or not. */
export function evaluateCondition(condition: Condition, facts: QuoteFacts): ConditionResult {
  const actual = facts[condition.field];
  let matched: boolean;
  switch (KIND[condition.field]) {
    case "amount":
      matched = compareAmounts(condition.op, decimal(actual as string), condition.value);
      break;
    case "text":
      matched = condition.op === "in" ? (condition.value as string[]).includes(actual as string) : (condition.value === actual) === (condition.op === "eq");
      break;
    case "set": {
      const have = new Set(actual as string[]);
      const want = new Set(condition.value as string[]);
      if (condition.op === "in") matched = [...want].some((v) => have.has(v));
      else {
        const same = have.size === want.size && [...want].every((v) => have.has(v));
        matched = condition.op === "eq" ? same : !same;
      }
      break;
    }
  }
  return { field: condition.field, op: condition.op, value: condition.value, actual, matched };
}

/** Rules in order; the first whose every condition holds wins. A valid workflow always ends in its default. */
export function evaluateWorkflow(workflow: ApprovalWorkflow, facts: QuoteFacts): Evaluation {
  const considered: Evaluation["considered"] = [];
  for (const [index, rule] of workflow.rules.entries()) {
    const conditions = rule.conditions.map((c) => evaluateCondition(c, facts));
    const matched = conditions.every((c) => c.matched);
    considered.push({ index, name: rule.name, matched, conditions });
    if (matched) return { rule: { index, name: rule.name }, steps: rule.steps, conditions, considered };
  }
  throw new Error("no rule matched: a workflow must end in its default rule");
}
