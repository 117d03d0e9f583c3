// The approval shapes the web reads, in one place: the API's own (worker/api/types.ts, inferred
// from the routes' zod schemas) and the workflow document's parts from the domain.
import type { Quote } from "$worker/api/types.ts";

export type {
  ApprovalEvaluation as Evaluation,
  ApprovalWorkflowView as Workflow,
  ApprovedTerms,
  ConditionResult,
  HistoryAction,
  HistoryEntry,
  Member,
  QuoteApproval,
  Task,
  TaskChange,
  TaskDetail,
  TaskStatus,
  TaskWithDetail,
} from "$worker/api/types.ts";
export type { ApprovalRule, ApprovalStep, Condition, ConditionField, ConditionOp } from "$worker/domain/approval.ts";

/** The quote carries its approval (approval, approvalRequired, termsApproved) in the API's view. */
export type ApprovalQuote = Quote;
