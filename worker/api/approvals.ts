// The approval workflow (API.md "approval workflows", "Approval workflow document"): admins write it,
// every member reads it, and `evaluate` explains which rule a quote hits.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import * as approvals from "../actions/approvals.ts";
import { APPROVAL_MODES, CONDITION_FIELDS, CONDITION_OPS } from "../domain/approval.ts";
import { ROLES } from "../domain/access.ts";
import type { AppEnv } from "../env.ts";
import { requirePermission } from "./middleware.ts";
import { actionContext, read, respond } from "./respond.ts";
import { entityParam, errorResponses, ifMatchHeaders, ifMatchOf, jsonBody, jsonResponse } from "./schemas.ts";

const conditionSchema = z
  .strictObject({
    field: z.enum(CONDITION_FIELDS),
    op: z.enum(CONDITION_OPS),
    value: z.union([z.string().max(200), z.array(z.string().max(200)).max(100)]),
  })
  .openapi("ApprovalCondition");

const stepSchema = z
  .strictObject({
    approvers: z.strictObject({ roles: z.array(z.enum(ROLES)).max(5).default([]), userIds: z.array(z.string().min(1).max(64)).max(50).default([]) }),
    mode: z.enum(APPROVAL_MODES),
  })
  .openapi("ApprovalStep");

const ruleSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    conditions: z.array(conditionSchema).max(20),
    steps: z.array(stepSchema).max(10),
  })
  .openapi("ApprovalRule");

export const workflowBody = z.strictObject({ rules: z.array(ruleSchema).min(1).max(50) }).openapi("ApprovalWorkflowInput");

export const workflowSchema = z
  .object({
    rules: z.array(ruleSchema),
    version: z.number().int().openapi({ description: "0 until an admin writes one (the default: nothing needs approval); If-Match takes it" }),
    updatedAt: z.string().nullable(),
  })
  .openapi("ApprovalWorkflow");

const conditionResult = z.object({ field: z.enum(CONDITION_FIELDS), op: z.enum(CONDITION_OPS), value: z.union([z.string(), z.array(z.string())]), actual: z.union([z.string(), z.array(z.string())]), matched: z.boolean() });
export const evaluationSchema = z
  .object({
    quoteId: z.string(),
    quoteRev: z.number().int(),
    workflowVersion: z.number().int(),
    rule: z.object({ index: z.number().int(), name: z.string() }),
    steps: z.array(stepSchema),
    conditions: z.array(conditionResult),
    considered: z.array(z.object({ index: z.number().int(), name: z.string(), matched: z.boolean(), conditions: z.array(conditionResult) })),
  })
  .openapi("ApprovalEvaluation");

const tags = ["Approvals"];
const routes = {
  get: createRoute({
    method: "get",
    path: "/entities/{entity}/approval-workflow",
    tags,
    summary: "The entity's approval workflow: ordered rules, first match wins, the last is the default",
    request: { params: entityParam },
    responses: { 200: jsonResponse(workflowSchema, "The workflow"), ...errorResponses },
  }),
  put: createRoute({
    method: "put",
    path: "/entities/{entity}/approval-workflow",
    tags,
    summary: 'Replace the workflow (admin) with a new version; If-Match: "<version>" guards against lost updates',
    middleware: requirePermission("approvals:configure"),
    request: { params: entityParam, headers: ifMatchHeaders, ...jsonBody(workflowBody) },
    responses: { 200: jsonResponse(workflowSchema, "The new version"), ...errorResponses },
  }),
  evaluate: createRoute({
    method: "post",
    path: "/entities/{entity}/approval-workflow/evaluate",
    tags,
    summary: "Which rule a quote's current revision would hit, and why, condition by condition",
    request: { params: entityParam, ...jsonBody(z.strictObject({ quoteId: z.string().min(1).max(64) }).openapi("EvaluateApproval")) },
    responses: { 200: jsonResponse(evaluationSchema, "The evaluation"), ...errorResponses },
  }),
};

const controlPlane = (c: Context<AppEnv>) => ({ control: c.env.CONTROL, environment: c.env.ENVIRONMENT });

export const approvalWorkflow = new OpenAPIHono<AppEnv>()
  .openapi(routes.get, (c) => read(c, approvals.get))
  .openapi(routes.put, (c) => respond(c, 200, (ctx) => approvals.replace(controlPlane(c), ctx, c.req.valid("json"), ifMatchOf(c))))
  .openapi(routes.evaluate, async (c) => c.json(await approvals.evaluate(actionContext(c), c.req.valid("json").quoteId), 200));
