// The approval shapes the web reads (API.md "Quote terms, approvals and tasks", "Approval workflow
// document", and the pinned additions in the approvals contract). One place for them: the workflow
// document comes from the route's schema (worker/api/types.ts); tasks, members and a quote's
// approval are written here to the contract until their routes' types exist.
import type { Quote } from "$worker/api/types.ts";
import type { ApprovalRule, ApprovalStep, Condition, ConditionField, ConditionOp } from "$worker/domain/approval.ts";

export type { ApprovalRule, ApprovalStep, Condition, ConditionField, ConditionOp };

export type TaskStatus = "OPEN" | "APPROVED" | "REJECTED" | "SUPERSEDED" | "CANCELLED";

export interface Task {
  id: string;
  status: TaskStatus;
  quoteId: string;
  quoteNumber: string;
  quoteRev: number;
  stepIndex: number;
  stepCount: number;
  mode: "ANY" | "ALL";
  assigneeUserId: string;
  assigneeName: string | null;
  requestedBy: string;
  requestedByName: string | null;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  comment: string | null;
  quote: { title: string; customerName: string; currency: string; total: string; totalContractValue: string; maxDiscountPercent: string };
  rule: { name: string };
}

export interface ApprovedLine {
  id: string;
  label: string;
  quantity: string;
  unitPrice?: string | null;
  amount: string;
  discount: { type: string; value: string } | null;
}

export interface TaskChange {
  kind: "term" | "lineAdded" | "lineRemoved" | "lineChanged";
  label: string;
  before: string | null;
  after: string | null;
}

export type HistoryAction = "SUBMITTED" | "APPROVED" | "REJECTED" | "WITHDRAWN" | "SUPERSEDED" | "CANCELLED";

export interface HistoryEntry {
  at: string;
  userId: string | null;
  name: string | null;
  action: HistoryAction;
  comment: string | null;
}

export interface TaskDetail {
  quote: Quote;
  approvedBefore: null | {
    rev: number;
    lines: ApprovedLine[];
    totals: Partial<Quote["totals"]>;
    startDate: string | null;
    contractLengthMonths: number;
    currency: string;
    dealType: string;
  };
  changes: TaskChange[];
  history: HistoryEntry[];
}

export type TaskWithDetail = Task & { detail: TaskDetail };

export interface Member {
  userId: string;
  name: string;
  email: string;
  roles: string[];
}

/** A quote's latest submission (QuoteView.approval). */
export interface QuoteApproval {
  rev: number;
  status: "PENDING" | "APPROVED" | "REJECTED";
  ruleName: string | null;
  stepIndex: number;
  stepCount: number;
  submittedBy: string | null;
  submittedByName: string | null;
  submittedAt: string | null;
  decidedAt: string | null;
  comment: string | null;
  pendingApprovers: { userId: string; name: string }[];
}

/** The quote as the approvals contract extends it; the fields are optional until the API has them. */
export type ApprovalQuote = Quote & {
  approval?: QuoteApproval | null;
  approvalRequired?: boolean;
  termsApproved?: boolean;
};

export interface Workflow {
  rules: ApprovalRule[];
  version: number;
  updatedAt: string | null;
}

export interface ConditionResult {
  field: ConditionField;
  op: ConditionOp;
  value: string | string[];
  actual: string | string[];
  matched: boolean;
}

export interface Evaluation {
  quoteId: string;
  quoteRev: number;
  workflowVersion: number;
  rule: { index: number; name: string };
  steps: ApprovalStep[];
  conditions: ConditionResult[];
  considered: { index: number; name: string; matched: boolean; conditions: ConditionResult[] }[];
}
