// Approval submissions and their tasks: reads, the API's task view, and the guarded rows of each change.
import { and, desc, eq, inArray, lt, ne, sql } from "drizzle-orm";
import type { ChangeSet } from "./changes.ts";
import { allOf, orm } from "./orm.ts";
import { approvalSubmissions, approvalTasks, approvalWorkflows } from "./schema/entity.ts";
import { DEFAULT_WORKFLOW, type ApprovalWorkflow } from "../domain/approval.ts";
import type { SubmissionStatus, TaskStatus } from "../domain/tasks.ts";

export type Submission = typeof approvalSubmissions.$inferSelect;
export type Task = typeof approvalTasks.$inferSelect;

/** The task as the API shows it (API.md "A task" and the pinned display names). */
export function taskView(task: Task, submission: Submission) {
  return {
    id: task.id,
    object: "task" as const,
    status: task.status,
    quoteId: task.quoteId,
    quoteNumber: submission.quoteNumber,
    quoteRev: submission.quoteRev,
    stepIndex: task.stepIndex,
    stepCount: submission.steps.length,
    mode: submission.steps[task.stepIndex]?.mode ?? "ANY",
    assigneeUserId: task.assigneeUserId,
    assigneeName: task.assigneeName,
    requestedBy: submission.submittedBy,
    requestedByName: submission.submittedByName,
    createdAt: task.createdAt,
    decidedAt: task.decidedAt,
    decidedBy: task.decidedBy,
    comment: task.comment,
    quote: submission.quote,
    rule: { name: submission.ruleName },
  };
}
export type TaskView = ReturnType<typeof taskView>;

/** A quote's latest submission as its view shows it; a withdrawn one is no approval on record (null). */
export function approvalSummary(submission: Submission | undefined, openTasks: readonly Task[]) {
  if (!submission || submission.status === "WITHDRAWN") return null;
  return {
    rev: submission.quoteRev,
    status: submission.status as Exclude<SubmissionStatus, "WITHDRAWN">,
    ruleName: submission.ruleName,
    stepIndex: submission.stepIndex,
    stepCount: submission.steps.length,
    submittedBy: submission.submittedBy,
    submittedByName: submission.submittedByName,
    submittedAt: submission.submittedAt,
    decidedAt: submission.decidedAt,
    comment: submission.comment,
    pendingApprovers:
      submission.status === "PENDING"
        ? openTasks
            .filter((t) => t.submissionId === submission.id)
            .map((t) => ({ userId: t.assigneeUserId, name: t.assigneeName }))
            .sort((a, b) => (a.name === b.name ? (a.userId < b.userId ? -1 : 1) : a.name < b.name ? -1 : 1))
        : [],
  };
}
export type ApprovalSummary = ReturnType<typeof approvalSummary>;

/** What quote views need beyond the quote: the workflow (does its rule need approval?) and each quote's latest submission. */
export interface ApprovalContext {
  workflow: ApprovalWorkflow;
  latest: Map<string, ApprovalSummary>;
}

/** The workflow and the latest submission (with its open tasks) of each quote, in one round trip. */
export async function approvalContext(db: D1Database, quoteIds: string[]): Promise<ApprovalContext> {
  const d = orm(db);
  const ids = [...new Set(quoteIds)];
  const workflow = d.select().from(approvalWorkflows).orderBy(desc(approvalWorkflows.version)).limit(1);
  if (!ids.length) {
    const [row] = await workflow;
    return { workflow: row?.document ?? DEFAULT_WORKFLOW, latest: new Map() };
  }
  const [[row], submissions, open] = await d.batch([
    workflow,
    d
      .select()
      .from(approvalSubmissions)
      .where(and(inArray(approvalSubmissions.quoteId, ids), eq(approvalSubmissions.id, sql`(SELECT MAX(s.id) FROM approval_submissions s WHERE s.quote_id = ${approvalSubmissions.quoteId})`))),
    // 'OPEN' inline: a page of 100 quotes already takes D1's 100 bound parameters.
    d.select().from(approvalTasks).where(and(inArray(approvalTasks.quoteId, ids), sql`${approvalTasks.status} = 'OPEN'`)),
  ]);
  return { workflow: row?.document ?? DEFAULT_WORKFLOW, latest: new Map(submissions.map((s) => [s.quoteId, approvalSummary(s, open)])) };
}

/** The quote's PENDING submission with its tasks, or null. */
export async function pendingSubmission(db: D1Database, quoteId: string): Promise<{ submission: Submission; tasks: Task[] } | null> {
  const d = orm(db);
  const submission = await d
    .select()
    .from(approvalSubmissions)
    .where(and(eq(approvalSubmissions.quoteId, quoteId), eq(approvalSubmissions.status, "PENDING")))
    .orderBy(desc(approvalSubmissions.id))
    .get();
  if (!submission) return null;
  return { submission, tasks: await d.select().from(approvalTasks).where(eq(approvalTasks.submissionId, submission.id)) };
}

/** A task with its submission and every task of that submission, in one round trip. */
export async function loadTask(db: D1Database, id: string): Promise<{ task: Task; submission: Submission; tasks: Task[] } | null> {
  const d = orm(db);
  const [[task], submissions, tasks] = await d.batch([
    d.select().from(approvalTasks).where(eq(approvalTasks.id, id)),
    d.select().from(approvalSubmissions).where(eq(approvalSubmissions.id, sql`(SELECT submission_id FROM approval_tasks WHERE id = ${id})`)),
    d.select().from(approvalTasks).where(eq(approvalTasks.submissionId, sql`(SELECT submission_id FROM approval_tasks WHERE id = ${id})`)),
  ]);
  return task && submissions[0] ? { task, submission: submissions[0], tasks } : null;
}

/** Every submission of a quote and their tasks, oldest first (the detail's history and the last approval). */
export async function quoteSubmissions(db: D1Database, quoteId: string): Promise<{ submissions: Submission[]; tasks: Task[] }> {
  const d = orm(db);
  const [submissions, tasks] = await d.batch([
    d.select().from(approvalSubmissions).where(eq(approvalSubmissions.quoteId, quoteId)).orderBy(approvalSubmissions.id),
    d.select().from(approvalTasks).where(eq(approvalTasks.quoteId, quoteId)).orderBy(approvalTasks.id),
  ]);
  return { submissions, tasks };
}

export interface TaskFilter {
  status?: "OPEN" | "DONE";
  assignee?: string;
  quoteId?: string;
  limit: number;
  after?: string;
}

/** Tasks newest first (ids sort by creation time), with their submissions. */
export async function listTasks(db: D1Database, filter: TaskFilter): Promise<{ items: { task: Task; submission: Submission }[]; after: string | null }> {
  const rows = await orm(db)
    .select({ task: approvalTasks, submission: approvalSubmissions })
    .from(approvalTasks)
    .innerJoin(approvalSubmissions, eq(approvalSubmissions.id, approvalTasks.submissionId))
    .where(
      allOf(
        filter.after && lt(approvalTasks.id, filter.after),
        filter.status === "OPEN" && eq(approvalTasks.status, "OPEN"),
        filter.status === "DONE" && ne(approvalTasks.status, "OPEN"),
        filter.assignee && eq(approvalTasks.assigneeUserId, filter.assignee),
        filter.quoteId && eq(approvalTasks.quoteId, filter.quoteId),
      ),
    )
    .orderBy(desc(approvalTasks.id))
    .limit(filter.limit + 1);
  const items = rows.slice(0, filter.limit);
  return { items, after: rows.length > filter.limit ? items[items.length - 1].task.id : null };
}

// ---- writes ----

export function insertSubmission(changes: ChangeSet, submission: Submission) {
  changes.add(changes.orm.insert(approvalSubmissions).values(submission));
}

/** New OPEN tasks; the unique (submission, step, assignee) index makes a second copy fail the batch. */
export function insertTasks(changes: ChangeSet, tasks: Task[]) {
  // One statement per task: a step of many approvers would pass D1's 100 bound parameters in one.
  for (const task of tasks) changes.add(changes.orm.insert(approvalTasks).values(task));
}

/** A decision on one task, guarded on it still being OPEN. */
export function decideTaskRow(changes: ChangeSet, task: Task, set: Pick<Task, "status" | "decidedAt" | "decidedBy" | "decidedByName" | "comment">, code: string) {
  changes.guard(
    changes.orm.update(approvalTasks).set(set).where(and(eq(approvalTasks.id, task.id), eq(approvalTasks.status, "OPEN"))),
    code,
    "The task was decided meanwhile",
  );
}

/**
 * Close the OPEN tasks of a submission (of one step, but for one task) as superseded or cancelled; the
 * batch holds only if they are exactly the `expected` ones read (no id list: a step may have many approvers).
 */
export function closeTasks(
  changes: ChangeSet,
  scope: { submissionId: string; stepIndex?: number; except?: string },
  expected: number,
  status: Extract<TaskStatus, "SUPERSEDED" | "CANCELLED">,
  code: string,
) {
  if (!expected) return;
  changes.add(
    changes.orm
      .update(approvalTasks)
      .set({ status, decidedAt: changes.at })
      .where(
        allOf(
          eq(approvalTasks.submissionId, scope.submissionId),
          scope.stepIndex !== undefined && eq(approvalTasks.stepIndex, scope.stepIndex),
          scope.except !== undefined && ne(approvalTasks.id, scope.except),
          sql`${approvalTasks.status} = 'OPEN'`,
        ),
      ),
  );
  changes.require("SELECT changes() = ?", [expected], code, "The tasks changed meanwhile");
}

/** Abort unless the submission's step has exactly `open` OPEN tasks now (a concurrent decision changed them). */
export function requireOpenTasks(changes: ChangeSet, submissionId: string, stepIndex: number | null, open: number, code: string) {
  const step = stepIndex === null ? "" : " AND step_index = ?";
  changes.require(
    `SELECT COUNT(*) = ? FROM approval_tasks WHERE submission_id = ? AND status = 'OPEN'${step}`,
    stepIndex === null ? [open, submissionId] : [open, submissionId, stepIndex],
    code,
    "The step's tasks changed meanwhile",
  );
}

/** Move a PENDING submission on, guarded on its status and step as they were read. */
export function updateSubmission(changes: ChangeSet, before: Submission, set: Partial<Submission>, code: string) {
  changes.guard(
    changes.orm
      .update(approvalSubmissions)
      .set(set)
      .where(and(eq(approvalSubmissions.id, before.id), eq(approvalSubmissions.status, "PENDING"), eq(approvalSubmissions.stepIndex, before.stepIndex))),
    code,
    "The submission changed meanwhile",
  );
}
