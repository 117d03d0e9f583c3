// The workflow editor's draft: the document (API.md "Approval workflow document") with a stable key
// on each rule, condition and step for the page's lists, and the moves the editor makes on it. Which
// ops a field takes and whether its value is a list are the domain's rules (worker/domain/approval.ts),
// so the editor offers only what the server accepts. Pure: no Svelte, no DOM.
import { CONDITION_FIELDS, KIND, OPS_OF, type ApprovalRule, type ApprovalStep, type Condition, type ConditionField, type ConditionOp } from "$worker/domain/approval.ts";

export interface DraftCondition extends Condition {
  key: string;
}
export interface DraftStep extends ApprovalStep {
  key: string;
}
export interface DraftRule {
  key: string;
  name: string;
  conditions: DraftCondition[];
  steps: DraftStep[];
}

let counter = 0;
const key = (prefix: string) => `${prefix}${++counter}`;

export const opsFor = (field: ConditionField): readonly ConditionOp[] => OPS_OF[KIND[field]];
export const kindOf = (field: ConditionField) => KIND[field];
/** `in` takes a list, and so does every op on a set; the rest compare one value. */
export const takesList = (field: ConditionField, op: ConditionOp): boolean => op === "in" || KIND[field] === "set";

export function toDraft(rules: readonly ApprovalRule[]): DraftRule[] {
  const draft = rules.map((r) => ({
    key: key("r"),
    name: r.name,
    conditions: r.conditions.map((c) => ({ key: key("c"), field: c.field, op: c.op, value: Array.isArray(c.value) ? [...c.value] : c.value })),
    steps: r.steps.map((s) => ({ key: key("s"), approvers: { roles: [...s.approvers.roles], userIds: [...s.approvers.userIds] }, mode: s.mode })),
  }));
  // A workflow always ends in its default rule (no conditions).
  if (draft.length === 0 || draft[draft.length - 1].conditions.length > 0) draft.push({ key: key("r"), name: "Default", conditions: [], steps: [] });
  return draft;
}

export function fromDraft(draft: readonly DraftRule[]): ApprovalRule[] {
  return draft.map((r) => ({
    name: r.name.trim(),
    conditions: r.conditions.map((c) => ({ field: c.field, op: c.op, value: Array.isArray(c.value) ? c.value.map((v) => v.trim()).filter(Boolean) : c.value.trim() })),
    steps: r.steps.map((s) => ({ approvers: { roles: [...s.approvers.roles], userIds: [...s.approvers.userIds] }, mode: s.mode })),
  }));
}

/** The same document (what saving would write), ignoring keys. */
export const sameWorkflow = (a: readonly DraftRule[], b: readonly DraftRule[]) => JSON.stringify(fromDraft(a)) === JSON.stringify(fromDraft(b));

/** A value of the right shape for the field and op, keeping what it can of the old one. */
export function valueFor(field: ConditionField, op: ConditionOp, old: string | string[] | undefined, defaults: { currency: string }): string | string[] {
  const list = takesList(field, op);
  const fallback = field === "currency" ? defaults.currency : field === "dealType" ? "NEW_BUSINESS" : "";
  if (list) return Array.isArray(old) ? old : old ? [old] : [];
  return Array.isArray(old) ? (old[0] ?? fallback) : (old ?? fallback);
}

export function newCondition(defaults: { currency: string }, field: ConditionField = "maxDiscountPercent"): DraftCondition {
  const op = opsFor(field)[0];
  return { key: key("c"), field, op, value: valueFor(field, op, undefined, defaults) };
}

/** The condition with another field: its first op if the old one does not apply, a value that fits. */
export function withField(c: DraftCondition, field: ConditionField, defaults: { currency: string }): DraftCondition {
  const op = opsFor(field).includes(c.op) ? c.op : opsFor(field)[0];
  const sameKind = KIND[field] === KIND[c.field];
  return { ...c, field, op, value: valueFor(field, op, sameKind ? c.value : undefined, defaults) };
}

export function withOp(c: DraftCondition, op: ConditionOp, defaults: { currency: string }): DraftCondition {
  return { ...c, op, value: valueFor(c.field, op, c.value, defaults) };
}

export function newStep(): DraftStep {
  return { key: key("s"), approvers: { roles: ["approver"], userIds: [] }, mode: "ANY" };
}

export function newRule(defaults: { currency: string }, n: number): DraftRule {
  return { key: key("r"), name: `Rule ${n}`, conditions: [newCondition(defaults)], steps: [newStep()] };
}

/** Add a rule just above the default (which stays last). */
export function addRule(draft: readonly DraftRule[], rule: DraftRule): DraftRule[] {
  return [...draft.slice(0, -1), rule, draft[draft.length - 1]];
}

/** Move a rule up (-1) or down (+1) among the rules above the default. */
export function moveRule(draft: readonly DraftRule[], index: number, direction: -1 | 1): DraftRule[] {
  const j = index + direction;
  const last = draft.length - 1;
  if (index >= last || j < 0 || j >= last) return [...draft];
  const next = [...draft];
  [next[index], next[j]] = [next[j], next[index]];
  return next;
}

export function removeRule(draft: readonly DraftRule[], index: number): DraftRule[] {
  if (index >= draft.length - 1) return [...draft]; // the default stays
  return draft.filter((_, i) => i !== index);
}

/** The error paths the editor shows next to a control; the rest go to the summary. */
const CLAIMED = /^rules\.\d+\.(name|conditions(\.\d+(\.(field|op|value)(\.\d+)?)?)?|steps(\.\d+(\.(approvers(\.(roles|userIds)(\.\d+)?)?|mode))?)?)$/;
export const claimedPath = (path: string) => CLAIMED.test(path);
/** "body.rules.0.name" (zod) and "rules.0.name" (the workflow's own checks) name the same control. */
export const errorPath = (path: string) => path.replace(/^(body|json)\./, "");

export { CONDITION_FIELDS };
