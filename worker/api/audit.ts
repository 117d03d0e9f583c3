// GET /audit-log?subjectId= (API.md "audit"): one subject's history, for every member of the entity.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import * as auditActions from "../actions/audit.ts";
import type { AppEnv } from "../env.ts";
import { actionContext } from "./respond.ts";
import { entityParam, errorResponses, jsonResponse, listOf, paginationQuery } from "./schemas.ts";

export const auditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ type: z.enum(["user", "api_key", "system"]), id: z.string(), name: z.string().optional() }),
    action: z.string().openapi({ description: 'The event kind: "quote.published", "customer.updated", …' }),
    subjectType: z.string(),
    subjectId: z.string(),
    before: z.unknown().openapi({ description: "What it was before (null on create)" }),
    after: z.unknown().openapi({ description: "What it was after" }),
  })
  .openapi("AuditEntry");

const listRoute = createRoute({
  method: "get",
  path: "/entities/{entity}/audit-log",
  tags: ["Audit"],
  summary: "The audit rows of one subject (a customer, quote, product, …), newest first",
  request: { params: entityParam, query: paginationQuery.extend({ subjectId: z.string().min(1).max(64) }) },
  responses: { 200: jsonResponse(listOf(auditEntrySchema, "AuditLog"), "A page of audit rows"), ...errorResponses },
});

export const audit = new OpenAPIHono<AppEnv>().openapi(listRoute, async (c) => {
  const page = await auditActions.list(actionContext(c), c.req.valid("query"));
  return c.json({ items: page.items, pagination: { after: page.after } }, 200);
});
