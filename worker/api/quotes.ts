// Quotes (API.md "quotes", "public quote"): the schemas and permission of each operation; the
// lifecycle itself is worker/actions/quotes.ts, which the co-editing room shares.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Actor } from "../../party/protocol.ts";
import type { ActionContext } from "../actions/context.ts";
import * as quoteActions from "../actions/quotes.ts";
import * as taskActions from "../actions/tasks.ts";
import { approvalSummarySchema } from "./task-schemas.ts";
import { findEntity } from "../db/control.ts";
import { APPROVAL_STATUSES, DEAL_TYPES, MAX_LINES, QUOTE_STATUSES } from "../domain/quote.ts";
import { BILLING_FREQUENCIES } from "../domain/billing.ts";
import { DEFAULT_CONTRACT_LENGTH_MONTHS, MAX_CONTRACT_LENGTH_MONTHS } from "../domain/contract.ts";
import { isValidDate } from "../domain/dates.ts";
import type { AppEnv } from "../env.ts";
import { renderDocumentPdf } from "../documents/document.ts";
import { addressSchema } from "./customers.ts";
import { notFound } from "./errors.ts";
import { idempotencyWith, requirePermission } from "./middleware.ts";
import { actionContext, originOf, publisher, read, respond, respondIn } from "./respond.ts";
import { entityParam, errorResponses, idParam, ifMatchHeaders, ifMatchOf, jsonBody, jsonResponse, listOf, paginationQuery } from "./schemas.ts";

const discountSchema = z.object({ type: z.enum(["PERCENTAGE", "NOMINAL"]), value: z.string() }).nullable().openapi("Discount");
const lineInput = z.strictObject({
  id: z.string().min(1).max(64).optional().openapi({ description: "Stable line id; generated when omitted" }),
  priceId: z.string().min(1).max(64),
  quantity: z.string().max(40),
  discount: discountSchema.optional(),
  description: z.string().max(2000).nullish(),
});

const startDate = z
  .string()
  .refine(isValidDate, "startDate must be a date (YYYY-MM-DD)")
  .nullable()
  .openapi({ format: "date", description: "The contract's first day; null: the day the customer accepts" });
const contractLengthMonths = z.number().int().min(1).max(MAX_CONTRACT_LENGTH_MONTHS).openapi({ description: `Months; default ${DEFAULT_CONTRACT_LENGTH_MONTHS}` });

const createBody = z
  .strictObject({
    customerId: z.string().min(1).max(64),
    title: z.string().trim().min(1).max(200),
    currency: z.string().max(3),
    dealType: z.enum(DEAL_TYPES).default("NEW_BUSINESS"),
    expiryDays: z.number().int().min(1).max(365).nullish(),
    notes: z.string().max(5000).nullish(),
    startDate: startDate.optional(),
    contractLengthMonths: contractLengthMonths.optional(),
    lines: z.array(lineInput).max(MAX_LINES).default([]),
  })
  .openapi("CreateQuote");

const patchBody = z
  .strictObject({
    customerId: z.string().min(1).max(64).optional(),
    title: z.string().trim().min(1).max(200).optional(),
    currency: z.string().max(3).optional(),
    dealType: z.enum(DEAL_TYPES).optional(),
    expiryDays: z.number().int().min(1).max(365).nullish(),
    notes: z.string().max(5000).nullish(),
    startDate: startDate.optional(),
    contractLengthMonths: contractLengthMonths.optional(),
    lines: z.array(lineInput).max(MAX_LINES).optional().openapi({ description: "Replaces all lines, in this order; existing ids keep their identity" }),
  })
  .openapi("UpdateQuote");

const amountsSchema = z.object({ subtotal: z.string(), discount: z.string(), total: z.string(), discountPercent: z.string() });
const RECURRING = BILLING_FREQUENCIES.filter((f) => f !== "ONE_TIME") as ["MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY"];
export const quoteTotalsSchema = z
  .object({
    subtotal: z.string().openapi({ description: "Every line's one period added up, one-time and recurring alike (see the contract figures below)" }),
    discount: z.string(),
    tax: z.string(),
    total: z.string().openapi({ description: "subtotal − discount: neither the first invoice nor the contract's value" }),
    maxDiscountPercent: z.string(),
    byFrequency: z.record(z.string(), z.object({ subtotal: z.string(), discount: z.string(), total: z.string() })),
    recurring: z.partialRecord(z.enum(RECURRING), z.string()).openapi({ description: "Per recurring billing frequency: the amount billed each period" }),
    oneTime: z.string().openapi({ description: "The one-time lines, billed once" }),
    firstInvoice: z.string().openapi({ description: "The one-time lines plus one period of every IN_ADVANCE recurring line" }),
    totalContractValue: z.string().openapi({ description: "One-time lines once, each recurring line × its billing periods in contractLengthMonths (a started period counts whole)" }),
    annualRecurringRevenue: z.string().openapi({ description: "The recurring lines over twelve months" }),
  })
  .openapi("QuoteTotals");
export const quoteSchema = z
  .object({
    id: z.string(),
    object: z.literal("quote"),
    quoteNumber: z.string(),
    customerId: z.string(),
    title: z.string(),
    currency: z.string(),
    dealType: z.enum(DEAL_TYPES),
    expiryDays: z.number().nullable(),
    expiresAt: z.string().nullable(),
    notes: z.string().nullable(),
    startDate: z.string().nullable().openapi({ format: "date" }),
    contractLengthMonths: z.number().int(),
    totalContractValue: z.string(),
    status: z.enum(QUOTE_STATUSES),
    approvalStatus: z.enum(APPROVAL_STATUSES),
    version: z.number(),
    publishedVersion: z.number().nullable(),
    publishedAt: z.string().nullable(),
    publicUrl: z.string().nullable(),
    acceptedAt: z.string().nullable(),
    acceptedBy: z.object({ name: z.string(), email: z.string() }).nullable(),
    archivedAt: z.string().nullable(),
    billingScheduleId: z.string().nullable(),
    rev: z.number(),
    lines: z.array(
      z.object({
        id: z.string(),
        position: z.string(),
        priceId: z.string(),
        productId: z.string().nullable(),
        name: z.string().nullable().openapi({ description: "Product — price, for staff" }),
        productName: z.string().nullable(),
        priceName: z.string().nullable(),
        pricingType: z.string().nullable(),
        billingFrequency: z.string().nullable(),
        billingType: z.string().nullable(),
        unitPrice: z.string().nullable().openapi({ description: "The price of one unit, package or seat; null for tiered and percentage prices" }),
        unitLabel: z.string().nullable().openapi({ description: '"per unit", "per seat", "per 100 units"' }),
        detail: z.string().nullable().openapi({ description: 'The price\'s model and period: "Flat fee · billed monthly in advance"' }),
        quantity: z.string(),
        discount: discountSchema,
        description: z.string().nullable(),
        amounts: amountsSchema,
      }),
    ),
    totals: quoteTotalsSchema,
    approvedRev: z.number().int().nullable().openapi({ description: "The revision whose commercial terms were approved, while the current terms are those" }),
    termsApproved: z.boolean().openapi({ description: "The current commercial terms are the approved ones" }),
    approvalRequired: z.boolean().openapi({ description: "The approval workflow's rule for the current revision has steps" }),
    approval: approvalSummarySchema.nullable().openapi({ description: "The latest submission of this quote (null if none, or it was withdrawn)" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Quote");

/** GET /public/quotes/{token}: the document frozen at publish (worker/db/quotes.ts publicDocument) and where the quote stands now. */
export const publicQuoteSchema = z
  .object({
    quoteNumber: z.string(),
    title: z.string(),
    currency: z.string(),
    dealType: z.enum(DEAL_TYPES),
    version: z.number(),
    publishedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    notes: z.string().nullable(),
    startDate: z.string().nullable().openapi({ format: "date", description: "null: the contract starts the day the customer accepts" }),
    contractLengthMonths: z.number().int(),
    totalContractValue: z.string(),
    seller: z.object({
      name: z.string(),
      legalName: z.string(),
      country: z.string(),
      address: addressSchema.nullable(),
      addressLines: z.array(z.string()).openapi({ description: "The address in its country's order, the country last" }),
      taxIds: z.array(z.string()).openapi({ description: '"VAT GB123456789"' }),
      email: z.string().nullable(),
    }),
    customer: z.object({ legalName: z.string(), email: z.string() }),
    lines: z.array(
      z.object({
        id: z.string(),
        name: z.string().nullable(),
        title: z.string().nullable().openapi({ description: "The product's name" }),
        detail: z.string().nullable(),
        productName: z.string().nullable(),
        priceName: z.string().nullable(),
        description: z.string().nullable(),
        pricingType: z.string().nullable(),
        billingFrequency: z.string().nullable(),
        billingType: z.string().nullable(),
        unitPrice: z.string().nullable(),
        unitLabel: z.string().nullable(),
        quantity: z.string(),
        discount: discountSchema,
        amounts: amountsSchema,
      }),
    ),
    totals: quoteTotalsSchema,
    status: z.enum(QUOTE_STATUSES).exclude(["DRAFT"]),
    revising: z.boolean().openapi({ description: "The seller is preparing a new version; this one cannot be accepted meanwhile" }),
    expired: z.boolean(),
    acceptable: z.boolean(),
    acceptedAt: z.string().nullable(),
    acceptedBy: z.object({ name: z.string(), email: z.string() }).nullable(),
  })
  .openapi("PublicQuote");

const tags = ["Quotes"];
const controlPlane = (c: Context<AppEnv>) => ({ control: c.env.CONTROL, environment: c.env.ENVIRONMENT });
const write = requirePermission("quotes:write");
const action = (path: string, summary: string) =>
  createRoute({
    method: "post",
    path: `/entities/{entity}/quotes/{id}/${path}`,
    tags,
    summary,
    middleware: write,
    request: { params: idParam },
    responses: { 200: jsonResponse(quoteSchema, "The quote"), ...errorResponses },
  });

const routes = {
  create: createRoute({
    method: "post",
    path: "/entities/{entity}/quotes",
    tags,
    summary: "Create a DRAFT quote",
    middleware: write,
    request: { params: entityParam, ...jsonBody(createBody) },
    responses: { 201: jsonResponse(quoteSchema, "The quote"), ...errorResponses },
  }),
  list: createRoute({
    method: "get",
    path: "/entities/{entity}/quotes",
    tags,
    summary: "List quotes, newest first",
    request: {
      params: entityParam,
      query: paginationQuery.extend({
        status: z.enum(QUOTE_STATUSES).optional(),
        customerId: z.string().max(64).optional(),
        includeArchived: z.enum(["true", "false"]).optional(),
      }),
    },
    responses: { 200: jsonResponse(listOf(quoteSchema, "QuoteList"), "A page of quotes"), ...errorResponses },
  }),
  get: createRoute({
    method: "get",
    path: "/entities/{entity}/quotes/{id}",
    tags,
    summary: "Get a quote",
    request: { params: idParam },
    responses: { 200: jsonResponse(quoteSchema, "The quote"), ...errorResponses },
  }),
  patch: createRoute({
    method: "patch",
    path: "/entities/{entity}/quotes/{id}",
    tags,
    summary: 'Change a quote. With If-Match: "<rev>" a newer revision is a 409 rev_conflict; without it the fields apply to the latest revision. Changing a PUBLISHED quote makes it a new DRAFT version',
    middleware: write,
    request: { params: idParam, headers: ifMatchHeaders, ...jsonBody(patchBody) },
    responses: { 200: jsonResponse(quoteSchema, "The quote"), ...errorResponses },
  }),
  submit: action("submit", "Submit the current revision for approval: no steps → NOT_REQUIRED; else PENDING (locked) with the first step's tasks open. 422 no_approvers if a step resolves to nobody"),
  withdraw: action("withdraw", "Withdraw a PENDING quote: back to DRAFT, its open tasks CANCELLED (409 quote_not_pending otherwise)"),
  publish: createRoute({
    method: "post",
    path: "/entities/{entity}/quotes/{id}/publish",
    tags,
    summary: "Publish: the customer link (publicUrl) shows this version",
    middleware: write,
    request: { params: idParam },
    responses: { 200: jsonResponse(quoteSchema, "The quote, with publicUrl"), ...errorResponses },
  }),
  archive: action("archive", "Archive a quote"),
  unarchive: action("unarchive", "Unarchive a quote (undo an archive)"),
  pdf: createRoute({
    method: "get",
    path: "/entities/{entity}/quotes/{id}/pdf",
    tags,
    summary: "The quote as a PDF, with the entity's branding",
    request: { params: idParam },
    responses: { 200: { description: "application/pdf", content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } }, ...errorResponses },
  }),
};

/** The entity a public token names (its id before the dot), with its database; null when unknown here. */
export async function publicEntity(c: Context<AppEnv>, token: string) {
  const entityId = token.split(".")[0];
  const entity = entityId ? await findEntity(c.env.CONTROL, entityId, c.env.ENVIRONMENT) : null;
  const db = entity ? (c.env[entity.binding] as D1Database | undefined) : undefined;
  return entity && db ? { entity, db } : null;
}

/** Accepting twice with one Idempotency-Key answers the first acceptance: the keys are the link's. */
const publicIdempotency = idempotencyWith(async (c) => {
  const token = c.req.param("token") ?? "";
  const found = await publicEntity(c, token);
  return found ? { db: found.db, principal: `public:${token}` } : null;
});

const publicRoutes = {
  get: createRoute({
    method: "get",
    path: "/public/quotes/{token}",
    tags: ["Public quote"],
    summary: "The latest published version of a quote (no login)",
    request: { params: z.object({ token: z.string().min(1).max(200) }) },
    responses: { 200: jsonResponse(publicQuoteSchema, "The published quote"), ...errorResponses },
  }),
  accept: createRoute({
    method: "post",
    path: "/public/quotes/{token}/accept",
    tags: ["Public quote"],
    summary: "Accept the published quote (no login); an Idempotency-Key makes a retry answer the first acceptance",
    middleware: [publicIdempotency] as const,
    request: {
      params: z.object({ token: z.string().min(1).max(200) }),
      ...jsonBody(z.strictObject({ name: z.string().trim().min(1).max(200), email: z.email().max(254) }).openapi("AcceptQuote")),
    },
    responses: { 200: jsonResponse(publicQuoteSchema, "The accepted quote"), ...errorResponses },
  }),
};

export const quotes = new OpenAPIHono<AppEnv>()
  .openapi(routes.create, (c) => {
    const body = c.req.valid("json");
    return respond(c, 201, (ctx) => quoteActions.create(ctx, body));
  })
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const page = await quoteActions.list(actionContext(c), { ...q, includeArchived: q.includeArchived === "true" });
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(routes.get, (c) => read(c, (ctx) => quoteActions.get(ctx, c.req.valid("param").id)))
  // With If-Match the caller edited one revision, and a newer one is a 409. Without it the fields
  // apply to whatever is latest, so a co-editing batch landing in between is no reason to refuse.
  .openapi(routes.patch, (c) => respond(c, 200, (ctx) => quoteActions.revise(ctx, c.req.valid("param").id, c.req.valid("json"), ifMatchOf(c))))
  .openapi(routes.submit, (c) => respond(c, 200, (ctx) => taskActions.submit(controlPlane(c), ctx, c.req.valid("param").id)))
  .openapi(routes.withdraw, (c) => respond(c, 200, (ctx) => taskActions.withdraw(ctx, c.req.valid("param").id)))
  .openapi(routes.publish, (c) => respond(c, 200, (ctx) => quoteActions.publish(ctx, c.req.valid("param").id)))
  .openapi(routes.archive, (c) => respond(c, 200, (ctx) => quoteActions.archive(ctx, c.req.valid("param").id)))
  .openapi(routes.unarchive, (c) => respond(c, 200, (ctx) => quoteActions.unarchive(ctx, c.req.valid("param").id)))
  .openapi(routes.pdf, async (c) => {
    const { quote, document } = await quoteActions.document(actionContext(c), c.req.valid("param").id);
    const pdf = await renderDocumentPdf(document);
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="${quote.quoteNumber}.pdf"`,
      "cache-control": "private, no-store",
    });
  });

// ---- the customer link: no login; the token's entity part routes it to that entity's database ----
async function publicContext(c: Context<AppEnv>, token: string, actor: Actor = { type: "system", id: "customer" }): Promise<ActionContext> {
  const found = await publicEntity(c, token);
  if (!found) throw notFound("Quote");
  return { ...found, actor, requestId: c.get("requestId"), origin: originOf(c), publish: publisher(c, c.env, found.entity) };
}


export const publicQuotes = new OpenAPIHono<AppEnv>()
  .openapi(publicRoutes.get, async (c) => {
    const token = c.req.valid("param").token;
    const found = await quoteActions.findPublished((await publicContext(c, token)).db, token);
    if (!found) throw notFound("Quote");
    return c.json(quoteActions.publicView(found.quote, found.document), 200);
  })
  .openapi(publicRoutes.accept, async (c) => {
    const token = c.req.valid("param").token;
    const acceptedBy = c.req.valid("json");
    const ctx = await publicContext(c, token, quoteActions.customerActor(acceptedBy));
    return respondIn(c, 200, ctx, (ctx) => quoteActions.accept(ctx, token, acceptedBy));
  });
