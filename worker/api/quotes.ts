// Quotes (API.md "quotes", "public quote"): the schemas and permission of each operation; the
// lifecycle itself is worker/actions/quotes.ts, which the co-editing room shares.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Actor } from "../../party/protocol.ts";
import type { ActionContext } from "../actions/context.ts";
import * as quoteActions from "../actions/quotes.ts";
import { findEntity } from "../db/control.ts";
import { APPROVAL_STATUSES, DEAL_TYPES, MAX_LINES, QUOTE_STATUSES } from "../domain/quote.ts";
import type { AppEnv } from "../env.ts";
import { renderDocumentPdf } from "../documents/document.ts";
import { notFound } from "./errors.ts";
import { requirePermission } from "./middleware.ts";
import { actionContext, originOf, publisher, read, respond } from "./respond.ts";
import { entityParam, errorResponses, idParam, ifMatchOf, jsonBody, jsonResponse, listOf, paginationQuery } from "./schemas.ts";

const discountSchema = z.object({ type: z.enum(["PERCENTAGE", "NOMINAL"]), value: z.string() }).nullable().openapi("Discount");
const lineInput = z.strictObject({
  id: z.string().min(1).max(64).optional().openapi({ description: "Stable line id; generated when omitted" }),
  priceId: z.string().min(1).max(64),
  quantity: z.string().max(40),
  discount: discountSchema.optional(),
  description: z.string().max(2000).nullish(),
});

const createBody = z
  .strictObject({
    customerId: z.string().min(1).max(64),
    title: z.string().trim().min(1).max(200),
    currency: z.string().max(3),
    dealType: z.enum(DEAL_TYPES).default("NEW_BUSINESS"),
    expiryDays: z.number().int().min(1).max(365).nullish(),
    notes: z.string().max(5000).nullish(),
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
    lines: z.array(lineInput).max(MAX_LINES).optional().openapi({ description: "Replaces all lines, in this order; existing ids keep their identity" }),
  })
  .openapi("UpdateQuote");

const amountsSchema = z.object({ subtotal: z.string(), discount: z.string(), total: z.string(), discountPercent: z.string() });
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
        name: z.string().nullable(),
        pricingType: z.string().nullable(),
        billingFrequency: z.string().nullable(),
        quantity: z.string(),
        discount: discountSchema,
        description: z.string().nullable(),
        amounts: amountsSchema,
      }),
    ),
    totals: z.object({
      subtotal: z.string(),
      discount: z.string(),
      tax: z.string(),
      total: z.string(),
      maxDiscountPercent: z.string(),
      byFrequency: z.record(z.string(), z.object({ subtotal: z.string(), discount: z.string(), total: z.string() })),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Quote");

const tags = ["Quotes"];
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
    request: { params: idParam, headers: z.object({ "if-match": z.string().optional() }), ...jsonBody(patchBody) },
    responses: { 200: jsonResponse(quoteSchema, "The quote"), ...errorResponses },
  }),
  submit: action("submit", "Submit the current revision for approval (runs the approval workflow)"),
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

const publicRoutes = {
  get: createRoute({
    method: "get",
    path: "/public/quotes/{token}",
    tags: ["Public quote"],
    summary: "The latest published version of a quote (no login)",
    request: { params: z.object({ token: z.string().min(1).max(200) }) },
    responses: { 200: jsonResponse(z.record(z.string(), z.unknown()).openapi("PublicQuote"), "The published quote"), ...errorResponses },
  }),
  accept: createRoute({
    method: "post",
    path: "/public/quotes/{token}/accept",
    tags: ["Public quote"],
    summary: "Accept the published quote (no login)",
    request: {
      params: z.object({ token: z.string().min(1).max(200) }),
      ...jsonBody(z.strictObject({ name: z.string().trim().min(1).max(200), email: z.email().max(254) }).openapi("AcceptQuote")),
    },
    responses: { 200: jsonResponse(z.record(z.string(), z.unknown()), "The accepted quote"), ...errorResponses },
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
  .openapi(routes.submit, (c) => respond(c, 200, (ctx) => quoteActions.submit(ctx, c.req.valid("param").id)))
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
  const entityId = token.split(".")[0];
  const entity = entityId ? await findEntity(c.env.CONTROL, entityId, c.env.ENVIRONMENT) : null;
  const db = entity ? (c.env[entity.binding] as D1Database | undefined) : undefined;
  if (!entity || !db) throw notFound("Quote");
  return { entity, db, actor, requestId: c.get("requestId"), origin: originOf(c), publish: publisher(c, c.env, entity) };
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
    return c.json(await quoteActions.accept(ctx, token, acceptedBy), 200);
  });
