// Approval workflows (API.md "approval workflows", "Approval workflow document"): the entity's rules,
// written by an admin, read by everyone, and explained against a quote.
import { currentWorkflow, insertWorkflowVersion, type StoredWorkflow } from "../db/approvals.ts";
import { memberUserIds } from "../db/control.ts";
import type { QuoteView } from "../db/quotes.ts";
import { evaluateWorkflow, quoteFacts, workflowIssues, type ApprovalWorkflow, type Evaluation, type QuoteFacts } from "../domain/approval.ts";
import { DomainError } from "../domain/errors.ts";
import type { ControlPlane } from "./access.ts";
import { assertRev, changeSetOf, commit, type ActionContext } from "./context.ts";
import * as quotes from "./quotes.ts";

export const get = (ctx: ActionContext): Promise<StoredWorkflow> => currentWorkflow(ctx.db);

/**
 * Replace the workflow with a new version, after the checks zod cannot make (ops per field, the
 * default rule last, approvers who are members). `expectedVersion` guards against a lost update.
 */
export async function replace(cp: ControlPlane, ctx: ActionContext, document: ApprovalWorkflow, expectedVersion?: number): Promise<StoredWorkflow> {
  const [before, members] = await Promise.all([currentWorkflow(ctx.db), memberUserIds(cp.control, ctx.entity.id)]);
  assertRev({ rev: before.version }, expectedVersion, "The approval workflow");
  const issues = workflowIssues(document, members);
  if (issues.length) throw new DomainError("invalid_request", `Invalid workflow at ${issues[0].path}: ${issues[0].message}`, issues);
  const changes = changeSetOf(ctx);
  return commit(ctx, changes, insertWorkflowVersion(changes, before, document));
}

/** What the rules look at on a quote's current revision. */
export const factsOf = (quote: QuoteView): QuoteFacts => quoteFacts(quote);

/** Which rule the quote's current revision hits, and why, condition by condition. */
export async function evaluate(ctx: ActionContext, quoteId: string): Promise<Evaluation & { quoteId: string; quoteRev: number; workflowVersion: number }> {
  const [workflow, quote] = await Promise.all([currentWorkflow(ctx.db), quotes.get(ctx, quoteId)]);
  return { quoteId, quoteRev: quote.rev, workflowVersion: workflow.version, ...evaluateWorkflow(workflow, factsOf(quote)) };
}
