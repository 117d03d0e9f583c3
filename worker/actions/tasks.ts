// Approvals of quotes (API.md "Quote terms, approvals and tasks", "tasks (inbox)"): submit runs the
// workflow on the current revision and opens the first step's tasks; approve and reject decide a
// task and, with it, maybe its step, the next step or the quote; withdraw takes the quote back.
// Each is ONE batch with its events. Concurrent decisions are settled in SQL: every row a decision
// depends on is guarded as it was read (a task still OPEN, the submission still at its step, the
// step's open tasks unchanged, the quote's rev); a lost guard retries on a fresh read, which then
// answers the loser exactly (`task_not_open`, `quote_not_pending`) or decides on the new state.
import type { Actor } from "../../party/protocol.ts";
import type { ChangeSet } from "../db/changes.ts";
import { entityMembers } from "../db/control.ts";
import { quoteView, updateQuote, type QuoteView, type StoredQuote } from "../db/quotes.ts";
import type { ResolvedStep } from "../db/schema/entity.ts";
import type { QuotePrice } from "../domain/quote.ts";
import {
  approvalSummary,
  closeTasks,
  decideTaskRow,
  insertSubmission,
  insertTasks,
  listTasks,
  loadTask,
  pendingSubmission,
  quoteSubmissions,
  requireOpenTasks,
  taskView,
  updateSubmission,
  type ApprovalContext,
  type Submission,
  type Task,
  type TaskFilter,
  type TaskView,
} from "../db/tasks.ts";
import { canDecide, type Role } from "../domain/access.ts";
import { evaluateWorkflow, quoteFacts } from "../domain/approval.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { decideStep, resolveApprovers, termsChanges, type TermsSnapshot, type Verdict } from "../domain/tasks.ts";
import { termsFingerprint } from "../domain/terms.ts";
import { newId } from "../lib/crypto.ts";
import type { ControlPlane } from "./access.ts";
import { changeSetOf, commit, retryOn, type ActionContext } from "./context.ts";
import { assertPublishable, loadForView, pendingApproval } from "./quotes.ts";
import * as quotes from "./quotes.ts";

/** Every guard of these batches: a concurrent change; the retry reads again and says what happened. */
const RACE = "rev_conflict";

const nameOf = (actor: Actor) => actor.name ?? actor.id;
const withLatest = (approval: ApprovalContext, quoteId: string, submission: Submission, tasks: Task[]): ApprovalContext => ({
  workflow: approval.workflow,
  latest: new Map([[quoteId, approvalSummary(submission, tasks)]]),
});

function snapshotOf(view: QuoteView): TermsSnapshot {
  return {
    rev: view.rev,
    lines: view.lines.map((l) => ({ id: l.id, label: l.name ?? l.priceId, quantity: l.quantity, unitPrice: l.unitPrice, amount: l.amounts.total, discount: l.discount })),
    totals: view.totals,
    startDate: view.startDate,
    contractLengthMonths: view.contractLengthMonths,
    currency: view.currency,
    dealType: view.dealType,
  };
}

/** The OPEN tasks of a step, one per approver it was resolved to. */
function stepTasksOf(submission: Submission, stepIndex: number, at: string): Task[] {
  return submission.steps[stepIndex].approvers.map((a) => ({
    id: newId("tsk"),
    submissionId: submission.id,
    quoteId: submission.quoteId,
    stepIndex,
    assigneeUserId: a.userId,
    assigneeName: a.name,
    status: "OPEN" as const,
    createdAt: at,
    decidedAt: null,
    decidedBy: null,
    decidedByName: null,
    comment: null,
  }));
}

/** Open a step: its tasks and their task.created events. */
function openStep(changes: ChangeSet, submission: Submission, tasks: Task[], actor?: Actor) {
  insertTasks(changes, tasks);
  for (const task of tasks) changes.record({ kind: "task.created", actor, subject: { type: "task", id: task.id }, data: taskView(task, submission) });
}

const completed = (changes: ChangeSet, task: Task, submission: Submission) =>
  changes.record({ kind: "task.completed", subject: { type: "task", id: task.id }, data: taskView(task, submission) });

/**
 * Fill `changes` with a submission of `before` (viewed as `current`) to these resolved steps: the
 * quote PENDING, the submission, quote.submitted, then the first step's tasks and their task.created.
 * `submitter` is who asks (the seed submits as a demo user).
 */
export function submitStep(
  changes: ChangeSet,
  input: { before: StoredQuote; current: QuoteView; prices: Map<string, QuotePrice>; origin: string | null; approval: ApprovalContext; ruleName: string; steps: ResolvedStep[]; customerName: string },
  submitter: Actor,
): { quote: StoredQuote; view: QuoteView } {
  const { before, current } = input;
  const after: StoredQuote = { ...before, approvalStatus: "PENDING", updatedAt: changes.at, rev: before.rev + 1 };
  const submission: Submission = {
    id: newId("sub"),
    quoteId: before.id,
    quoteNumber: before.quoteNumber,
    quoteRev: after.rev,
    status: "PENDING",
    ruleName: input.ruleName,
    steps: input.steps,
    stepIndex: 0,
    terms: termsFingerprint(before),
    snapshot: { ...snapshotOf(current), rev: after.rev },
    quote: {
      title: before.title,
      customerName: input.customerName,
      currency: before.currency,
      total: current.totals.total,
      totalContractValue: current.totalContractValue,
      maxDiscountPercent: current.totals.maxDiscountPercent,
    },
    submittedBy: submitter.id,
    submittedByName: nameOf(submitter),
    submittedAt: changes.at,
    decidedAt: null,
    decidedBy: null,
    decidedByName: null,
    comment: null,
  };
  const tasks = stepTasksOf(submission, 0, changes.at);
  const view = quoteView(after, input.prices, input.origin, withLatest(input.approval, before.id, submission, tasks));
  updateQuote(changes, before, after);
  insertSubmission(changes, submission);
  // The quote's event first, then its tasks': a client sees the lock before the inbox fills.
  changes.record({ kind: "quote.submitted", actor: submitter, subject: { type: "quote", id: before.id }, data: { quote: view }, after: view });
  openStep(changes, submission, tasks, submitter);
  return { quote: after, view };
}

/**
 * Submit the current revision: no steps → NOT_REQUIRED; else PENDING, locked, and the first step's
 * tasks open. Every step must resolve to at least one member, or nothing is submitted.
 */
export function submit(cp: ControlPlane, ctx: ActionContext, id: string): Promise<QuoteView> {
  return retryOn(RACE, async () => {
    // The members (control plane) are read alongside the quote (the entity's D1): most submissions need them.
    const membersRead = ctx.early?.members(ctx.entity.id) ?? entityMembers(cp.control, ctx.entity.id);
    membersRead.catch(() => {}); // awaited below only when a step needs approvers
    const { quote: before, prices, approval, customer } = await loadForView(ctx.db, id, ctx.early);
    if (before.approvalStatus === "PENDING") throw pendingApproval();
    assertPublishable(before, "submitted");
    const current = quoteView(before, prices, ctx.origin, approval);
    if (current.termsApproved) return current; // approved for these very terms already
    const evaluation = evaluateWorkflow(approval.workflow, quoteFacts(current));
    const changes = changeSetOf(ctx);
    if (!evaluation.steps.length) {
      const after: StoredQuote = { ...before, approvalStatus: "NOT_REQUIRED", updatedAt: changes.at, rev: before.rev + 1 };
      const view = quoteView(after, prices, ctx.origin, approval);
      updateQuote(changes, before, after);
      changes.record({ kind: "quote.submitted", subject: { type: "quote", id }, data: { quote: view }, after: view });
      return commit(ctx, changes, view);
    }
    const members = await membersRead;
    const steps = evaluation.steps.map((step) => ({ mode: step.mode, approvers: resolveApprovers(step, members) }));
    const empty = steps.findIndex((s) => s.approvers.length === 0);
    if (empty >= 0) {
      const message = `Step ${empty + 1} of the rule "${evaluation.rule.name}" has no approver among this entity's members`;
      throw new DomainError("no_approvers", message, [{ path: `rules.${evaluation.rule.index}.steps.${empty}.approvers`, message: "no member holds these roles or ids" }]);
    }
    const { view } = submitStep(changes, { before, current, prices, origin: ctx.origin, approval, ruleName: evaluation.rule.name, steps, customerName: customer?.legalName ?? "" }, ctx.actor);
    return commit(ctx, changes, view);
  });
}

/** Take a PENDING quote back to DRAFT: its open tasks are cancelled, no approval on record for these terms. */
export function withdraw(ctx: ActionContext, id: string): Promise<QuoteView> {
  return retryOn(RACE, async () => {
    const [{ quote: before, prices, approval }, pending] = await Promise.all([loadForView(ctx.db, id, ctx.early), pendingSubmission(ctx.db, id)]);
    if (before.approvalStatus !== "PENDING" || !pending) throw new DomainError("quote_not_pending", "Only a quote waiting for approval can be withdrawn");
    const changes = changeSetOf(ctx);
    const { submission } = pending;
    const open = pending.tasks.filter((t) => t.status === "OPEN");
    const ended: Submission = { ...submission, status: "WITHDRAWN", decidedAt: changes.at, decidedBy: ctx.actor.id, decidedByName: nameOf(ctx.actor) };
    updateSubmission(changes, submission, { status: "WITHDRAWN", decidedAt: changes.at, decidedBy: ctx.actor.id, decidedByName: nameOf(ctx.actor) }, RACE);
    closeTasks(changes, { submissionId: submission.id }, open.length, "CANCELLED", RACE);
    for (const task of open) completed(changes, { ...task, status: "CANCELLED", decidedAt: changes.at }, ended);
    const after: StoredQuote = { ...before, status: "DRAFT", approvalStatus: "NOT_REQUIRED", updatedAt: changes.at, rev: before.rev + 1 };
    updateQuote(changes, before, after);
    const view = quoteView(after, prices, ctx.origin, withLatest(approval, id, ended, []));
    changes.record({ kind: "quote.updated", subject: { type: "quote", id }, data: { quote: view, withdrawn: true }, before: { rev: before.rev }, after: view });
    return commit(ctx, changes, view);
  });
}

/** Approve or reject a task (a reject carries its comment). See the header for how races end. */
export function decide(ctx: ActionContext, roles: readonly Role[], taskId: string, verdict: Verdict, comment: string | null): Promise<TaskView> {
  return retryOn(RACE, async () => {
    const found = await loadTask(ctx.db, taskId);
    if (!found) throw notFound("Task");
    const { task, submission, tasks } = found;
    const me = ctx.actor.id;
    if (!canDecide(roles, ctx.actor.type === "user" && task.assigneeUserId === me)) {
      throw new DomainError("forbidden", "Only the task's assignee or an admin may decide it");
    }
    if (submission.submittedBy === me) throw new DomainError("self_approval", "You submitted this quote; someone else must decide it");
    if (task.status !== "OPEN") throw new DomainError("task_not_open", `The task is ${task.status}, no longer open`);
    const { quote: before, prices, approval } = await loadForView(ctx.db, task.quoteId);
    if (before.approvalStatus !== "PENDING") throw new DomainError("quote_not_pending", "The quote is no longer waiting for approval");

    const changes = changeSetOf(ctx);
    const at = changes.at;
    const decided: Task = { ...task, status: verdict, decidedAt: at, decidedBy: me, decidedByName: nameOf(ctx.actor), comment };
    const stepTasks = tasks.filter((t) => t.stepIndex === task.stepIndex);
    const outcome = decideStep(submission.steps[task.stepIndex].mode, stepTasks, task.id, verdict);
    decideTaskRow(changes, task, { status: verdict, decidedAt: at, decidedBy: me, decidedByName: nameOf(ctx.actor), comment }, RACE);
    if (!outcome.completes) {
      // ALL, others still to decide: they must still be open as read, or a concurrent approval completed the step.
      requireOpenTasks(changes, submission.id, task.stepIndex, stepTasks.filter((t) => t.status === "OPEN").length - 1, RACE);
      completed(changes, decided, submission);
      return commit(ctx, changes, taskView(decided, submission));
    }
    closeTasks(changes, { submissionId: submission.id, stepIndex: task.stepIndex, except: task.id }, outcome.superseded.length, "SUPERSEDED", RACE);
    const last = task.stepIndex === submission.steps.length - 1;
    if (verdict === "APPROVED" && !last) {
      const next: Submission = { ...submission, stepIndex: task.stepIndex + 1 };
      updateSubmission(changes, submission, { stepIndex: next.stepIndex }, RACE);
      completed(changes, decided, next);
      for (const id of outcome.superseded) completed(changes, { ...stepTasks.find((t) => t.id === id)!, status: "SUPERSEDED", decidedAt: at }, next);
      const opened = stepTasksOf(next, next.stepIndex, at);
      openStep(changes, next, opened);
      // The quote row stays as it is (locked), but who must decide changed: open editors say so live.
      const view = quoteView(before, prices, ctx.origin, withLatest(approval, before.id, next, opened));
      changes.record({ kind: "quote.updated", subject: { type: "quote", id: before.id }, data: { quote: view, approvalStep: next.stepIndex }, after: view });
      return commit(ctx, changes, taskView(decided, next));
    }
    const ended: Submission = { ...submission, status: verdict, decidedAt: at, decidedBy: me, decidedByName: nameOf(ctx.actor), comment: verdict === "REJECTED" ? comment : null };
    updateSubmission(changes, submission, { status: ended.status, decidedAt: at, decidedBy: me, decidedByName: ended.decidedByName, comment: ended.comment }, RACE);
    completed(changes, decided, ended);
    for (const id of outcome.superseded) completed(changes, { ...stepTasks.find((t) => t.id === id)!, status: "SUPERSEDED", decidedAt: at }, ended);
    // The approval belongs to the terms submitted (the quote was locked since): their fingerprint is kept.
    const after: StoredQuote =
      verdict === "APPROVED"
        ? { ...before, approvalStatus: "APPROVED", approvedRev: submission.quoteRev, approvedTerms: submission.terms, updatedAt: at, rev: before.rev + 1 }
        : { ...before, status: "DRAFT", approvalStatus: "REJECTED", updatedAt: at, rev: before.rev + 1 };
    updateQuote(changes, before, after);
    const view = quoteView(after, prices, ctx.origin, withLatest(approval, before.id, ended, []));
    const kind = verdict === "APPROVED" ? "quote.approved" : "quote.rejected";
    changes.record({ kind, subject: { type: "quote", id: before.id }, data: { quote: view, comment: ended.comment }, before: { rev: before.rev }, after: view });
    return commit(ctx, changes, taskView(decided, ended));
  });
}

/**
 * The inbox. Without `assignee` an admin sees every task; anyone else sees their own — except for
 * one quote (`quoteId`), whose tasks every member may see (who must decide).
 */
export async function list(ctx: ActionContext, roles: readonly Role[], query: Omit<TaskFilter, "assignee"> & { assignee?: string }) {
  const me = ctx.actor.id;
  let assignee = query.assignee === "me" ? me : query.assignee;
  if (!query.quoteId && !roles.includes("admin")) {
    if (assignee !== undefined && assignee !== me) throw new DomainError("forbidden", "Only an admin sees other people's tasks");
    assignee = me;
  }
  const page = await listTasks(ctx.db, { ...query, assignee });
  return { items: page.items.map(({ task, submission }) => taskView(task, submission)), pagination: { after: page.after } };
}

/** A task with what a reviewer needs: the quote, the terms approved before, what changed since, and the history. */
export async function get(ctx: ActionContext, id: string) {
  const found = await loadTask(ctx.db, id);
  if (!found) throw notFound("Task");
  const { task, submission } = found;
  const [quote, history] = await Promise.all([quotes.get(ctx, task.quoteId), quoteSubmissions(ctx.db, task.quoteId)]);
  const approvedBefore = history.submissions.filter((s) => s.status === "APPROVED" && s.id < submission.id).at(-1)?.snapshot ?? null;
  const events: { at: string; userId: string; name: string; action: "SUBMITTED" | "APPROVED" | "REJECTED" | "WITHDRAWN" | "SUPERSEDED" | "CANCELLED"; comment: string | null }[] = [];
  for (const s of history.submissions) {
    events.push({ at: s.submittedAt, userId: s.submittedBy, name: s.submittedByName, action: "SUBMITTED", comment: null });
    for (const t of history.tasks.filter((t) => t.submissionId === s.id && t.status !== "OPEN")) {
      events.push({ at: t.decidedAt ?? t.createdAt, userId: t.decidedBy ?? t.assigneeUserId, name: t.decidedByName ?? t.assigneeName, action: t.status as "APPROVED", comment: t.comment });
    }
    if (s.status === "WITHDRAWN") events.push({ at: s.decidedAt ?? s.submittedAt, userId: s.decidedBy ?? "", name: s.decidedByName ?? "", action: "WITHDRAWN", comment: null });
  }
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return {
    ...taskView(task, submission),
    detail: { quote, approvedBefore, changes: approvedBefore ? termsChanges(approvedBefore, submission.snapshot) : [], history: events },
  };
}

/** The entity's members (any member may read them: the workflow editor picks approvers from them). */
export async function members(cp: ControlPlane, ctx: ActionContext) {
  return { items: await entityMembers(cp.control, ctx.entity.id) };
}
