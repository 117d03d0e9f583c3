// Billing runs (API.md "billing runs", "Billing runs, invoices, credit notes"): start one (202, then
// poll), preview one (dryRun: 200, nothing written), read and list them. Finance and admin start runs
// (`billing:write`); every member reads them. The work is worker/actions/billing-runs.ts.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import * as runActions from "../actions/billing-runs.ts";
import { IdempotencyConflict } from "../db/changes.ts";
import { BILLING_RUN_STATUSES, BILLING_RUN_TRIGGERS } from "../domain/billing-run-plan.ts";
import type { AppEnv } from "../env.ts";
import { replayAfterRace, requirePermission } from "./middleware.ts";
import { actionContext, read } from "./respond.ts";
import { entityParam, errorResponses, idParam, jsonBody, jsonResponse, listOf, paginationQuery } from "./schemas.ts";

const date = z.string().max(32).openapi({ format: "date", example: "2027-01-31" });

const startBody = z
  .strictObject({
    asOf: date.openapi({ description: "Bill every period due on or before this day" }),
    dryRun: z.boolean().optional().openapi({ description: "Preview only: answer 200 with what the run would create and write nothing" }),
  })
  .openapi("StartBillingRun");

const actorSchema = z.object({ type: z.enum(["user", "api_key", "system"]), id: z.string(), name: z.string().optional() });

export const billingRunSchema = z
  .object({
    id: z.string(),
    object: z.literal("billing_run"),
    asOf: z.string().openapi({ format: "date" }),
    status: z.enum(BILLING_RUN_STATUSES),
    trigger: z.enum(BILLING_RUN_TRIGGERS).openapi({ description: "MANUAL (POST /billing-runs) or CRON (the daily run for the entity's local date)" }),
    schedules: z.number().int().openapi({ description: "Billable schedules the run covers" }),
    invoicesCreated: z.number().int().openapi({ description: "Invoices this run created; a repeat for the same asOf creates 0" }),
    chunksTotal: z.number().int().openapi({ description: "Chunks of up to 100 schedules, each one queue message" }),
    chunksDone: z.number().int().openapi({ description: "Chunks finished: the progress bar is chunksDone / chunksTotal" }),
    createdBy: actorSchema,
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    error: z.string().nullable().openapi({ description: "Why a FAILED run stopped" }),
    invoiceIds: z.array(z.string()).optional().openapi({ description: "The invoices the run created, once COMPLETED" }),
  })
  .openapi("BillingRun");

const period = z.object({ start: z.string(), end: z.string() });
const warningSchema = z
  .object({
    code: z.enum(["price_differs_from_quote", "reverse_charge_without_tax_id", "zero_total", "no_tax_rate"]),
    message: z.string(),
    billingScheduleId: z.string(),
    customerId: z.string(),
    billingDate: z.string(),
    priceId: z.string().optional(),
  })
  .openapi("BillingRunWarning");

export const billingRunPreviewSchema = z
  .object({
    asOf: z.string(),
    dryRun: z.literal(true),
    schedules: z.number().int(),
    invoiceCount: z.number().int().openapi({ description: "Invoices the run would create" }),
    invoices: z
      .array(
        z.object({
          customerId: z.string(),
          customerName: z.string(),
          billingScheduleId: z.string(),
          billingDate: z.string(),
          billingPeriod: period,
          currency: z.string(),
          lines: z.array(
            z.object({
              title: z.string(),
              description: z.string().nullable(),
              quantity: z.string(),
              rate: z.string(),
              amount: z.string(),
              taxRateId: z.string().nullable(),
              taxRate: z.string(),
              tax: z.string(),
              priceId: z.string().nullable(),
              servicePeriod: period.nullable(),
            }),
          ),
          subtotal: z.string(),
          tax: z.string(),
          total: z.string(),
          taxSummary: z.array(z.object({ taxRateId: z.string().nullable(), name: z.string(), percentage: z.string(), taxable: z.string(), tax: z.string() })),
          notes: z.array(z.string()),
        }),
      )
      .openapi({ description: `The first ${runActions.PREVIEW_MAX_INVOICES} invoices (truncated says whether there are more)` }),
    truncated: z.boolean(),
    totals: z.array(z.object({ currency: z.string(), invoices: z.number().int(), subtotal: z.string(), tax: z.string(), total: z.string() })),
    warningCount: z.number().int(),
    warnings: z.array(warningSchema),
  })
  .openapi("BillingRunPreview");

const tags = ["Billing runs"];

const routes = {
  start: createRoute({
    method: "post",
    path: "/entities/{entity}/billing-runs",
    tags,
    summary: "Start a billing run (finance, admin): 202, then GET it until COMPLETED; dryRun previews it (200) and writes nothing",
    middleware: requirePermission("billing:write"),
    request: { params: entityParam, ...jsonBody(startBody) },
    responses: {
      200: jsonResponse(billingRunPreviewSchema, "dryRun: the invoices the run would create, their totals and warnings"),
      202: jsonResponse(billingRunSchema, "The run, RUNNING (or COMPLETED when there is nothing to bill)"),
      ...errorResponses,
    },
  }),
  list: createRoute({
    method: "get",
    path: "/entities/{entity}/billing-runs",
    tags,
    summary: "List billing runs, newest first",
    request: { params: entityParam, query: paginationQuery.extend({ asOf: date.optional() }) },
    responses: { 200: jsonResponse(listOf(billingRunSchema, "BillingRunList"), "A page of billing runs"), ...errorResponses },
  }),
  get: createRoute({
    method: "get",
    path: "/entities/{entity}/billing-runs/{id}",
    tags,
    summary: "A billing run and its progress; invoiceIds once COMPLETED",
    request: { params: idParam },
    responses: { 200: jsonResponse(billingRunSchema, "The billing run"), ...errorResponses },
  }),
};

export const billingRuns = new OpenAPIHono<AppEnv>()
  .openapi(routes.start, async (c) => {
    const body = c.req.valid("json");
    if (body.dryRun) return c.json(await runActions.preview(actionContext(c), body), 200);
    try {
      return c.json(await runActions.start(actionContext(c, 202), body, c.env.BILLING_RUNS), 202);
    } catch (error) {
      if (error instanceof IdempotencyConflict) {
        const replayed = await replayAfterRace(c);
        if (replayed) return replayed as never;
      }
      throw error;
    }
  })
  .openapi(routes.list, async (c) => {
    const page = await runActions.list(actionContext(c), c.req.valid("query"));
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(routes.get, (c) => read(c, (ctx) => runActions.get(ctx, c.req.valid("param").id)));
