// Approval tasks (DESIGN.md §3, API.md "Quote terms, approvals and tasks"): who a step goes to, what a
// decision does to its step, and what changed since the last approval. Pure.
import type { Role } from "./access.ts";
import type { ApprovalMode, ApprovalStep } from "./approval.ts";
import type { Discount, QuoteTotals } from "./quote.ts";

export const TASK_STATUSES = ["OPEN", "APPROVED", "REJECTED", "SUPERSEDED", "CANCELLED"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const SUBMISSION_STATUSES = ["PENDING", "APPROVED", "REJECTED", "WITHDRAWN"] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export interface Member {
  userId: string;
  name: string;
  email: string;
  roles: Role[];
}

/**
 * The approvers of a step: every member holding one of its roles, and its users who are members —
 * each once, in name order. Nobody is left out (the submitter may be among them; they just cannot
 * decide). An empty list means the step cannot be decided by anyone.
 */
export function resolveApprovers(step: ApprovalStep, members: readonly Member[]): { userId: string; name: string }[] {
  const picked = members.filter((m) => step.approvers.userIds.includes(m.userId) || m.roles.some((r) => step.approvers.roles.includes(r)));
  const unique = new Map(picked.map((m) => [m.userId, { userId: m.userId, name: m.name }]));
  return [...unique.values()].sort((a, b) => (a.name === b.name ? (a.userId < b.userId ? -1 : 1) : a.name < b.name ? -1 : 1));
}

export type Verdict = "APPROVED" | "REJECTED";

export interface StepOutcome {
  /** The step is decided: it approved (then the next step opens, or the quote is approved) or it rejected. */
  completes: boolean;
  /** The step's other open tasks that nobody needs to decide any more. */
  superseded: string[];
}

/**
 * What one decision does to its step, given the step's tasks as they are before it. ANY: the first
 * decision decides the step. ALL: every task must approve; one reject decides it.
 */
export function decideStep(mode: ApprovalMode, tasks: readonly { id: string; status: TaskStatus }[], taskId: string, verdict: Verdict): StepOutcome {
  const othersOpen = tasks.filter((t) => t.id !== taskId && t.status === "OPEN").map((t) => t.id);
  if (verdict === "REJECTED" || mode === "ANY") return { completes: true, superseded: othersOpen };
  return { completes: othersOpen.length === 0, superseded: [] };
}

/** The submitted commercial terms, as a reviewer compares them. */
export interface TermsSnapshot {
  rev: number;
  lines: { id: string; label: string; quantity: string; unitPrice: string | null; amount: string; discount: Discount | null }[];
  totals: QuoteTotals;
  startDate: string | null;
  contractLengthMonths: number;
  currency: string;
  dealType: string;
}

export interface TermsChange {
  kind: "term" | "lineAdded" | "lineRemoved" | "lineChanged";
  label: string;
  before: string | null;
  after: string | null;
}

const discountText = (d: Discount | null) => (d ? (d.type === "PERCENTAGE" ? `${d.value}%` : `${d.value} off`) : "none");
const lineText = (l: TermsSnapshot["lines"][number]) => `${l.quantity} × ${l.label}${l.discount ? `, discount ${discountText(l.discount)}` : ""} = ${l.amount}`;

/** What changed from the approved terms to the submitted ones, term by term and line by line (by line id). */
export function termsChanges(before: TermsSnapshot, after: TermsSnapshot): TermsChange[] {
  const changes: TermsChange[] = [];
  const term = (label: string, a: unknown, b: unknown) => {
    if (a !== b) changes.push({ kind: "term", label, before: a === null ? null : String(a), after: b === null ? null : String(b) });
  };
  term("Currency", before.currency, after.currency);
  term("Deal type", before.dealType, after.dealType);
  term("Start date", before.startDate, after.startDate);
  term("Contract length (months)", before.contractLengthMonths, after.contractLengthMonths);
  const old = new Map(before.lines.map((l) => [l.id, l]));
  const now = new Set(after.lines.map((l) => l.id));
  for (const line of after.lines) {
    const was = old.get(line.id);
    if (!was) changes.push({ kind: "lineAdded", label: line.label, before: null, after: lineText(line) });
    else if (was.label !== line.label || was.quantity !== line.quantity || discountText(was.discount) !== discountText(line.discount) || was.amount !== line.amount) {
      changes.push({ kind: "lineChanged", label: line.label, before: lineText(was), after: lineText(line) });
    }
  }
  for (const line of before.lines) if (!now.has(line.id)) changes.push({ kind: "lineRemoved", label: line.label, before: lineText(line), after: null });
  term("Total contract value", before.totals.totalContractValue, after.totals.totalContractValue);
  return changes;
}
