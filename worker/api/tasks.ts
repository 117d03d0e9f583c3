// The approval inbox (API.md "tasks (inbox)", "Quote terms, approvals and tasks"): list and read
// tasks, approve or reject one, and the entity's members (the approvers a workflow can name).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import * as taskActions from "../actions/tasks.ts";
import type { AppEnv } from "../env.ts";
import { scopeOf } from "./middleware.ts";
import { quoteSchema } from "./quotes.ts";
import { actionContext, respond } from "./respond.ts";
import { entityParam, errorResponses, idParam, jsonResponse } from "./schemas.ts";
import { historyEntrySchema, memberSchema, taskSchema, termsChangeSchema, termsSnapshotSchema } from "./task-schemas.ts";

const taskDetailSchema = taskSchema
  .extend({
    detail: z.object({
      quote: quoteSchema.openapi({ description: "The quote (while PENDING it is the revision submitted: it is locked)" }),
      approvedBefore: termsSnapshotSchema.nullable().openapi({ description: "The terms of the quote's last approval before this submission" }),
      changes: z.array(termsChangeSchema).openapi({ description: "What changed from approvedBefore to the submitted terms" }),
      history: z.array(historyEntrySchema).openapi({ description: "Every submission and decision of the quote, oldest first" }),
    }),
  })
  .openapi("TaskDetail");

const comment = z.string().trim().min(1).max(2000);
const tags = ["Approvals"];
const decision = (verb: "approve" | "reject") =>
  createRoute({
    method: "post",
    path: `/entities/{entity}/tasks/{id}/${verb}`,
    tags,
    summary:
      verb === "approve"
        ? "Approve a task (its assignee, or an admin; never the submitter: 403 self_approval). 409 task_not_open once decided"
        : "Reject a task with a comment (required): the quote goes back to DRAFT as REJECTED with the comment",
    request: {
      params: idParam,
      body: {
        content: { "application/json": { schema: z.strictObject(verb === "approve" ? { comment: comment.nullish() } : { comment }).openapi(verb === "approve" ? "ApproveTask" : "RejectTask") } },
        required: verb === "reject",
      },
    },
    responses: { 200: jsonResponse(taskSchema, "The decided task"), ...errorResponses },
  });

const routes = {
  list: createRoute({
    method: "get",
    path: "/entities/{entity}/tasks",
    tags,
    summary: "Approval tasks, newest first. Without assignee an admin sees all, anyone else their own; with quoteId every member sees that quote's tasks",
    request: {
      params: entityParam,
      query: z.object({
        status: z.enum(["OPEN", "DONE"]).optional().openapi({ description: "OPEN, or DONE (every decided, superseded or cancelled task)" }),
        assignee: z.string().min(1).max(64).optional().openapi({ description: '"me" or a user id' }),
        quoteId: z.string().min(1).max(64).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(100),
        after: z.string().max(128).optional(),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ items: z.array(taskSchema), pagination: z.object({ after: z.string().nullable() }) }).openapi("TaskList"), "The tasks"),
      ...errorResponses,
    },
  }),
  get: createRoute({
    method: "get",
    path: "/entities/{entity}/tasks/{id}",
    tags,
    summary: "A task with its detail: the quote, the terms approved before, what changed since, the history of decisions",
    request: { params: idParam },
    responses: { 200: jsonResponse(taskDetailSchema, "The task"), ...errorResponses },
  }),
  approve: decision("approve"),
  reject: decision("reject"),
  members: createRoute({
    method: "get",
    path: "/entities/{entity}/members",
    tags,
    summary: "The entity's members and their roles (any member may read them)",
    request: { params: entityParam },
    responses: { 200: jsonResponse(z.object({ items: z.array(memberSchema) }).openapi("MemberList"), "The members"), ...errorResponses },
  }),
};

const controlPlane = (c: Context<AppEnv>) => ({ control: c.env.CONTROL, environment: c.env.ENVIRONMENT });

export const tasks = new OpenAPIHono<AppEnv>()
  .openapi(routes.list, async (c) => c.json(await taskActions.list(actionContext(c), scopeOf(c).roles, c.req.valid("query")), 200))
  .openapi(routes.get, async (c) => c.json(await taskActions.get(actionContext(c), c.req.valid("param").id), 200))
  .openapi(routes.approve, (c) => {
    const body = (c.req.valid("json") ?? {}) as { comment?: string | null };
    return respond(c, 200, (ctx) => taskActions.decide(ctx, scopeOf(c).roles, c.req.valid("param").id, "APPROVED", body.comment ?? null));
  })
  .openapi(routes.reject, (c) => {
    const body = c.req.valid("json") as { comment: string };
    return respond(c, 200, (ctx) => taskActions.decide(ctx, scopeOf(c).roles, c.req.valid("param").id, "REJECTED", body.comment));
  })
  .openapi(routes.members, async (c) => c.json(await taskActions.members(controlPlane(c), actionContext(c)), 200));
