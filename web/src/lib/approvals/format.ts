// Words for the approval screens: task outcomes, history actions, condition fields and ops, and
// "how long ago". Pure (no Svelte, no DOM).
import type { ConditionField, ConditionOp } from "$worker/domain/approval.ts";
import type { HistoryAction, TaskStatus } from "./types.ts";

export const TASK_STATUS_LABEL: Record<TaskStatus, string> = {
  OPEN: "Waiting for you",
  APPROVED: "Approved",
  REJECTED: "Rejected",
  SUPERSEDED: "Superseded",
  CANCELLED: "Cancelled",
};

export const TASK_STATUS_BADGE: Record<TaskStatus, string> = {
  OPEN: "badge-amber",
  APPROVED: "badge-green",
  REJECTED: "badge-red",
  SUPERSEDED: "badge-gray",
  CANCELLED: "badge-gray",
};

export const HISTORY_LABEL: Record<HistoryAction, string> = {
  SUBMITTED: "submitted for approval",
  APPROVED: "approved",
  REJECTED: "rejected",
  WITHDRAWN: "withdrew the request",
  // Said of the task's assignee: "Avery Approver's task was cancelled".
  SUPERSEDED: "task was no longer needed",
  CANCELLED: "task was cancelled",
};

export const FIELD_LABEL: Record<ConditionField, string> = {
  totalContractValue: "Contract value",
  maxDiscountPercent: "Max discount %",
  currency: "Currency",
  dealType: "Deal type",
  productIds: "Products",
  pricingTypes: "Pricing models",
};

export const OP_LABEL: Record<ConditionOp, string> = {
  gt: "is more than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  eq: "is",
  neq: "is not",
  in: "is one of",
};

/** The words a set field's ops read as ("contains any of"). */
export const SET_OP_LABEL: Partial<Record<ConditionOp, string>> = { in: "include any of", eq: "are exactly", neq: "are not exactly" };

/** "just now", "5 min ago", "3 h ago", "2 d ago": for cards that say how long a request has waited. */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  return `${d} d ago`;
}
