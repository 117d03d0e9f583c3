// Billing schedules (API.md "billing schedules") and executing a quote into one (`POST /quotes/{id}/execute`):
// the schemas and permissions of each operation; the lifecycle is worker/actions/schedules.ts.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import * as scheduleActions from "../actions/schedules.ts";
import { MAX_PAYMENT_TERM_DAYS } from "../domain/invoice.ts";
import { MAX_PHASE_PRICES, MAX_PHASES, SCHEDULE_STATUSES } from "../domain/schedule.ts";
import type { AppEnv } from "../env.ts";
import { requirePermission } from "./middleware.ts";
import { quoteSchema } from "./quotes.ts";
import { actionContext, read, respond } from "./respond.ts";
import { entityParam, errorResponses, idParam, ifMatchHeaders, ifMatchOf, jsonBody, jsonResponse, listOf, paginationQuery } from "./schemas.ts";

// Types only here: the values (dates, decimals, phase boundaries) are the domain's to judge, with paths.
const date = z.string().max(32).openapi({ format: "date", example: "2027-01-31" });
const discountType = z.enum(["PERCENTAGE", "NOMINAL"]);
const priceIds = z.array(z.string().min(1).max(64)).max(MAX_PHASE_PRICES).nullish().openapi({ description: "Only these prices of the phase; absent: all of them" });
const phaseInput = z.strictObject({
  startDate: date.nullish().openapi({ description: "Default: the schedule's start, or where the previous phase ends" }),
  endDate: date.nullish().openapi({ description: "Exclusive. Default: where the next phase starts, or the schedule's end" }),
  prices: z
    .array(
      z.strictObject({
        priceId: z.string().min(1).max(64),
        quantity: z.string().max(40),
        discount: z.strictObject({ type: discountType, value: z.string().max(40) }).nullish(),
      }),
    )
    .max(MAX_PHASE_PRICES),
  discounts: z.array(z.strictObject({ type: discountType, value: z.string().max(40), priceIds })).max(MAX_PHASE_PRICES).nullish(),
  minimum: z.strictObject({ amount: z.string().max(40), priceIds }).nullish().openapi({ description: "A minimum per invoice of the phase (a true-up line)" }),
});

const createBody = z
  .strictObject({
    customerId: z.string().min(1).max(64),
    currency: z.string().max(3),
    startDate: date,
    endDate: date.nullish().openapi({ description: "Exclusive; absent or null: open-ended" }),
    recurrenceDayOfMonth: z.number().int().nullish().openapi({ description: "1–31; default the start's day (a different day makes a prorated first stub)" }),
    defaultDueDateDays: z.number().int().nullish().openapi({ description: `Payment terms of the schedule's invoices in days, 0–${MAX_PAYMENT_TERM_DAYS} (Sequence's defaultDueDateDays); absent or null: the merchant's default, applied at finalize`, example: 14 }),
    phases: z.array(phaseInput).max(MAX_PHASES),
  })
  .openapi("CreateBillingSchedule");

// A DRAFT's change: any field it was created with; phases replace them all.
const patchBody = createBody.partial().strict().openapi("UpdateBillingSchedule");

const period = z.object({ start: z.string(), end: z.string() }).openapi({ description: "[start, end): the end is exclusive" });
const phaseSchema = z.object({
  startDate: z.string(),
  endDate: z.string().nullable(),
  prices: z.array(z.object({ priceId: z.string(), quantity: z.string(), discount: z.object({ type: discountType, value: z.string() }).nullish() })),
  discounts: z.array(z.object({ type: discountType, value: z.string(), priceIds: z.array(z.string()).nullable().optional() })),
  minimum: z.object({ amount: z.string(), priceIds: z.array(z.string()).nullable().optional() }).nullable(),
});

export const scheduleSchema = z
  .object({
    id: z.string(),
    status: z.enum(SCHEDULE_STATUSES).openapi({ description: "As of today in the entity's zone: a PENDING schedule is ACTIVE from its start" }),
    customerId: z.string(),
    currency: z.string(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    recurrenceDayOfMonth: z.number().nullable(),
    defaultDueDateDays: z.number().int().nullable().openapi({ description: "Payment terms of its invoices in days; null: the merchant's default" }),
    quoteId: z.string().nullable().openapi({ description: "The executed quote it came from" }),
    phases: z.array(phaseSchema),
    nextInvoiceDate: z.string().nullable().openapi({ description: "The next billing day from today; null when it bills nothing more (or is DRAFT or SUSPENDED)" }),
    upcomingInvoices: z
      .array(z.object({ billingDate: z.string(), billingPeriod: period, total: z.string() }))
      .openapi({ description: "The invoices of the next 12 months from today or the start (at most 12), before tax; for a DRAFT, what it would bill once activated" }),
    activatedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    rev: z.number(),
  })
  .openapi("BillingSchedule");

export const executedQuoteSchema = quoteSchema.extend({ billingSchedule: scheduleSchema }).openapi("ExecutedQuote");

const tags = ["Billing schedules"];
const write = requirePermission("billing:write");
const lifecycle = (verb: string, summary: string) =>
  createRoute({
    method: "post",
    path: `/entities/{entity}/billing-schedules/{id}/${verb}`,
    tags,
    summary,
    middleware: write,
    request: { params: idParam },
    responses: { 200: jsonResponse(scheduleSchema, "The billing schedule"), ...errorResponses },
  });

const cancelBody = z.strictObject({ endDate: date.openapi({ description: "Exclusive: from today (or the start) to the current end" }) }).openapi("CancelBillingSchedule");

const routes = {
  create: createRoute({
    method: "post",
    path: "/entities/{entity}/billing-schedules",
    tags,
    summary: "Create a DRAFT billing schedule (finance, admin); phases are contiguous and start on period boundaries",
    middleware: write,
    request: { params: entityParam, ...jsonBody(createBody) },
    responses: { 201: jsonResponse(scheduleSchema, "The DRAFT schedule"), ...errorResponses },
  }),
  list: createRoute({
    method: "get",
    path: "/entities/{entity}/billing-schedules",
    tags,
    summary: "List billing schedules, newest first",
    request: {
      params: entityParam,
      query: paginationQuery.extend({ status: z.enum(SCHEDULE_STATUSES).optional(), customerId: z.string().max(64).optional() }),
    },
    responses: { 200: jsonResponse(listOf(scheduleSchema, "BillingScheduleList"), "A page of billing schedules"), ...errorResponses },
  }),
  get: createRoute({
    method: "get",
    path: "/entities/{entity}/billing-schedules/{id}",
    tags,
    summary: "A billing schedule with its phases, next invoice date and upcoming invoices",
    request: { params: idParam },
    responses: { 200: jsonResponse(scheduleSchema, "The billing schedule"), ...errorResponses },
  }),
  patch: createRoute({
    method: "patch",
    path: "/entities/{entity}/billing-schedules/{id}",
    tags,
    summary: 'Change a DRAFT schedule (phases replace them all); one that still bills changes defaultDueDateDays only (else 409 schedule_not_draft); with If-Match: "<rev>" a newer revision is a 409 rev_conflict',
    middleware: write,
    request: { params: idParam, headers: ifMatchHeaders, ...jsonBody(patchBody) },
    responses: { 200: jsonResponse(scheduleSchema, "The billing schedule"), ...errorResponses },
  }),
  activate: lifecycle("activate", "Activate a DRAFT: ACTIVE, or PENDING until a future start"),
  suspend: lifecycle("suspend", "Suspend an ACTIVE or PENDING schedule: no invoices until resumed (then it catches up)"),
  resume: lifecycle("resume", "Resume a SUSPENDED schedule"),
  cancel: createRoute({
    method: "post",
    path: "/entities/{entity}/billing-schedules/{id}/cancel",
    tags,
    summary: "Cancel a PENDING, ACTIVE or SUSPENDED schedule: it ends on endDate (exclusive) and bills until then",
    middleware: write,
    request: { params: idParam, ...jsonBody(cancelBody) },
    responses: { 200: jsonResponse(scheduleSchema, "The CANCELLED schedule"), ...errorResponses },
  }),
  execute: createRoute({
    method: "post",
    path: "/entities/{entity}/quotes/{id}/execute",
    tags: ["Quotes"],
    summary: "Execute an ACCEPTED quote (finance, admin): its billing schedule, ACTIVE or PENDING; again: the same schedule",
    middleware: requirePermission("quotes:execute"),
    request: { params: idParam },
    responses: { 200: jsonResponse(executedQuoteSchema, "The EXECUTED quote with billingScheduleId and its schedule"), ...errorResponses },
  }),
};

export const schedules = new OpenAPIHono<AppEnv>()
  .openapi(routes.create, (c) => {
    const body = c.req.valid("json");
    return respond(c, 201, (ctx) => scheduleActions.create(ctx, body));
  })
  .openapi(routes.list, async (c) => {
    const page = await scheduleActions.list(actionContext(c), c.req.valid("query"));
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(routes.get, (c) => read(c, (ctx) => scheduleActions.get(ctx, c.req.valid("param").id)))
  .openapi(routes.patch, (c) => {
    const body = c.req.valid("json");
    return respond(c, 200, (ctx) => scheduleActions.revise(ctx, c.req.valid("param").id, body, ifMatchOf(c)));
  })
  .openapi(routes.activate, (c) => respond(c, 200, (ctx) => scheduleActions.activate(ctx, c.req.valid("param").id)))
  .openapi(routes.suspend, (c) => respond(c, 200, (ctx) => scheduleActions.suspend(ctx, c.req.valid("param").id)))
  .openapi(routes.resume, (c) => respond(c, 200, (ctx) => scheduleActions.resume(ctx, c.req.valid("param").id)))
  .openapi(routes.cancel, (c) => {
    const { endDate } = c.req.valid("json");
    return respond(c, 200, (ctx) => scheduleActions.cancel(ctx, c.req.valid("param").id, endDate));
  })
  .openapi(routes.execute, (c) => respond(c, 200, (ctx) => scheduleActions.executeQuote(ctx, c.req.valid("param").id)));
