// The approval endpoints (tasks, members, the workflow document), on the shared fetch client.
import { enc, entityPath, newIdempotencyKey, query, request } from "../api.ts";
import type { ApprovalQuote, Evaluation, Member, Task, TaskWithDetail, Workflow } from "./types.ts";
import type { ApprovalRule } from "$worker/domain/approval.ts";

type Fetch = typeof fetch;
const post = { headers: () => ({ "Idempotency-Key": newIdempotencyKey() }) };

export interface TaskFilters {
  status?: "OPEN" | "DONE";
  /** "me" or a user id; left out, an admin sees everyone's. */
  assignee?: string;
  quoteId?: string;
}

export const tasksApi = {
  list: (entity: string, filters: TaskFilters, f?: Fetch) =>
    request<{ items: Task[] }>("GET", `${entityPath(entity)}/tasks${query({ ...filters })}`, { fetch: f }),
  get: (entity: string, id: string, f?: Fetch) => request<TaskWithDetail>("GET", `${entityPath(entity)}/tasks/${enc(id)}`, { fetch: f }),
  approve: (entity: string, id: string, comment: string | null) =>
    request<Task>("POST", `${entityPath(entity)}/tasks/${enc(id)}/approve`, { body: comment ? { comment } : {}, headers: post.headers() }),
  reject: (entity: string, id: string, comment: string) =>
    request<Task>("POST", `${entityPath(entity)}/tasks/${enc(id)}/reject`, { body: { comment }, headers: post.headers() }),
};

export const approvalsApi = {
  members: (entity: string, f?: Fetch) => request<{ items: Member[] }>("GET", `${entityPath(entity)}/members`, { fetch: f }),
  workflow: (entity: string, f?: Fetch) => request<Workflow>("GET", `${entityPath(entity)}/approval-workflow`, { fetch: f }),
  saveWorkflow: (entity: string, rules: ApprovalRule[], version: number) =>
    request<Workflow>("PUT", `${entityPath(entity)}/approval-workflow`, { body: { rules }, headers: { "If-Match": `"${version}"` } }),
  evaluate: (entity: string, quoteId: string) =>
    request<Evaluation>("POST", `${entityPath(entity)}/approval-workflow/evaluate`, { body: { quoteId }, headers: post.headers() }),
  /** POST /quotes/{id}/withdraw: a PENDING quote back to DRAFT, its open tasks cancelled. */
  withdraw: (entity: string, quoteId: string) =>
    request<ApprovalQuote>("POST", `${entityPath(entity)}/quotes/${enc(quoteId)}/withdraw`, { headers: post.headers() }),
};
