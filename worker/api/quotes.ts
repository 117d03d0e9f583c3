// Quotes (API.md "quotes", "public quote"): DRAFT -> PUBLISHED -> ACCEPTED, archive; every change
// one guarded batch with its event; totals by the pricing engine. Live co-editing shares the same
// domain rules (party/quote-editing.ts).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { QuoteOp } from "../../party/protocol.ts";
import { getCustomer } from "../db/customers.ts";
import { findEntity } from "../db/control.ts";
import {
  assertEditable,
  claimQuoteNumber,
  findQuoteByToken,
  insertQuote,
  listQuotes,
  loadQuote,
  nextQuoteNumber,
  pricesForLines,
  publicDocument,
  quoteView,
  updateQuote,
  withTotals,
  type StoredQuote,
} from "../db/quotes.ts";
import { positionsFor } from "../domain/positions.ts";
import {
  applyOps,
  APPROVAL_STATUSES,
  checkCurrency,
  checkDescription,
  checkDiscount,
  checkQuantity,
  DEAL_TYPES,
  MAX_LINES,
  QUOTE_STATUSES,
  QuoteRuleError,
  type QuoteContent,
  type QuoteLine,
  type QuotePrice,
} from "../domain/quote.ts";
import type { AppEnv, EntityRecord } from "../env.ts";
import { newId, randomToken } from "../lib/crypto.ts";
import { commitAndRespond, publishEvents } from "../live.ts";
import { ChangeSet } from "../db/changes.ts";
import { renderDocumentPdf } from "../documents/document.ts";
import { quoteDocument } from "../documents/quote.ts";
import { getMerchant, sellerOf } from "../db/merchant.ts";
import { ApiError, notFound } from "./errors.ts";
import { changeSet, requirePermission, scopeOf } from "./middleware.ts";
import { entityParam, errorResponses, idParam, jsonBody, jsonResponse, listOf, paginationQuery, assertIfMatch } from "./schemas.ts";

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

const originOf = (c: Context) => new URL(c.req.url).origin;

/** A domain refusal as the contract's error: bad values are 400, rule violations 422. */
export function quoteRuleFailure(error: unknown, rename?: (path: string) => string): never {
  if (error instanceof QuoteRuleError) {
    const path = error.path ? (rename ? rename(error.path) : error.path) : null;
    const status = error.code === "invalid_value" || error.code === "invalid_quantity" ? 400 : error.code === "unknown_price" ? 404 : 422;
    throw new ApiError(status === 400 ? "invalid_request" : error.code, error.message, { status, details: path ? [{ path, message: error.message }] : [] });
  }
  throw error;
}

/** REST lines -> insert ops, so REST and co-editing share one set of rules; paths map back to `lines.N`. */
function linesAsOps(lines: z.infer<typeof lineInput>[]): QuoteOp[] {
  let afterId: string | null = null;
  return lines.map((line) => {
    const id = line.id ?? newId("ln");
    const op: QuoteOp = { op: "insertLine", afterId, line: { id, priceId: line.priceId, quantity: line.quantity, discount: line.discount ?? null, description: line.description ?? null } };
    afterId = id;
    return op;
  });
}
const opsPathToLines = (path: string) => path.replace(/^ops\.(\d+)\.line\./, "lines.$1.").replace(/^ops\.(\d+)/, "lines.$1");

async function quoteOr404(db: D1Database, id: string) {
  const quote = await loadQuote(db, id);
  if (!quote) throw notFound("Quote");
  return quote;
}

async function customerFor(db: D1Database, customerId: string, currency: string) {
  const customer = await getCustomer(db, customerId);
  if (!customer) throw new ApiError("not_found", "Customer not found", { details: [{ path: "customerId", message: "No such customer in this entity" }] });
  if (customer.archivedAt) throw new ApiError("customer_archived", "The customer is archived", { status: 422, details: [{ path: "customerId", message: "archived" }] });
  if (customer.currency !== currency) {
    throw new ApiError("currency_mismatch", `The customer is billed in ${customer.currency}, not ${currency}`, { details: [{ path: "currency", message: `must be ${customer.currency}` }] });
  }
  return customer;
}

/**
 * Actions that do not depend on what the caller saw (submit, publish, archive) re-read and retry when
 * a concurrent change (e.g. a co-editing batch) moved the revision between read and write.
 */
async function retryOnRevConflict<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof ApiError && error.code === "rev_conflict") || attempt >= 8) throw error;
      // Live editors commit every few ms: a short, growing, random pause lets this write find a gap.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)));
    }
  }
}

/** Quote numbers are claimed inside the batch; a concurrent claim fails the guard and we retry. */
async function withNumberRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof ApiError && error.code === "number_taken") || attempt >= 8) throw error;
    }
  }
}


export const quotes = new OpenAPIHono<AppEnv>()
  .openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    const { db } = scopeOf(c);
    let currency: string;
    try {
      currency = checkCurrency(body.currency);
    } catch (error) {
      quoteRuleFailure(error);
    }
    await customerFor(db, body.customerId, currency);
    const ops = linesAsOps(body.lines);
    const prices = await pricesForLines(db, body.lines.map((l) => l.priceId));
    const empty: QuoteContent = { title: body.title, currency, dealType: body.dealType, expiryDays: body.expiryDays ?? null, notes: body.notes ?? null, lines: [] };
    let content: QuoteContent;
    try {
      content = applyOps(empty, ops, prices).content;
    } catch (error) {
      quoteRuleFailure(error, opsPathToLines);
    }
    return withNumberRetry(async () => {
      const claim = await nextQuoteNumber(db);
      const changes = changeSet(c);
      const id = newId("quo");
      let quote: StoredQuote = {
        ...content,
        id,
        quoteNumber: claim.number,
        customerId: body.customerId,
        status: "DRAFT",
        approvalStatus: "NOT_REQUIRED",
        approvedRev: null,
        version: 1,
        publishedVersion: null,
        publicToken: null,
        publishedAt: null,
        expiresAt: null,
        acceptedAt: null,
        acceptedBy: null,
        archivedAt: null,
        billingScheduleId: null,
        totals: undefined as never,
        createdAt: changes.at,
        updatedAt: changes.at,
        rev: 1,
      };
      try {
        quote = withTotals(quote, prices);
      } catch (error) {
        quoteRuleFailure(error, (p) => p);
      }
      const view = quoteView(quote, prices, originOf(c));
      claimQuoteNumber(changes, claim);
      insertQuote(changes, quote);
      changes.record({ kind: "quote.created", subject: { type: "quote", id }, data: { quote: view }, after: view });
      return commitAndRespond(c, changes, 201, view);
    }) as never;
  })
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { db } = scopeOf(c);
    const page = await listQuotes(db, { limit: q.limit, after: q.after, status: q.status, customerId: q.customerId, includeArchived: q.includeArchived === "true" });
    const prices = await pricesForLines(db, page.items.flatMap((quote) => quote.lines.map((l) => l.priceId)));
    return c.json({ items: page.items.map((quote) => quoteView(quote, prices, originOf(c))), pagination: { after: page.after } }, 200) as never;
  })
  .openapi(routes.get, async (c) => {
    const { db } = scopeOf(c);
    const quote = await quoteOr404(db, c.req.valid("param").id);
    return c.json(quoteView(quote, await pricesForLines(db, quote.lines.map((l) => l.priceId)), originOf(c)), 200) as never;
  })
  .openapi(routes.patch, async (c) => {
    // With If-Match the caller edited one revision, and a newer one is a 409. Without it the fields
    // apply to whatever is latest, so a co-editing batch landing in between is no reason to refuse.
    const patch = async () => {
      const { db } = scopeOf(c);
      const before = await quoteOr404(db, c.req.valid("param").id);
      assertIfMatch(c.req.header("if-match"), before, "Quote");
      assertEditable(before);
      const body = c.req.valid("json");
      const currency = body.currency ?? before.currency;
      try {
        checkCurrency(currency);
      } catch (error) {
        quoteRuleFailure(error);
      }
      const customerId = body.customerId ?? before.customerId;
      if (body.customerId !== undefined || body.currency !== undefined) await customerFor(db, customerId, currency);
      const newLines = body.lines;
      const prices = await pricesForLines(db, [...before.lines.map((l) => l.priceId), ...(newLines ?? []).map((l) => l.priceId)]);
      let lines: QuoteLine[] = before.lines;
      try {
        if (newLines) {
          const positions = positionsFor(newLines.length);
          const seen = new Set<string>();
          lines = newLines.map((l, i) => {
            const id = l.id ?? newId("ln");
            if (seen.has(id)) throw new QuoteRuleError("duplicate_line", `Line id ${id} appears twice`, `lines.${i}.id`);
            seen.add(id);
            return {
              id,
              position: positions[i],
              priceId: l.priceId,
              quantity: checkQuantity(l.quantity, `lines.${i}.quantity`),
              discount: checkDiscount(l.discount, currency, `lines.${i}.discount`),
              description: checkDescription(l.description, `lines.${i}.description`),
            };
          });
        }
        // Prices and currency through the same rules the co-editing ops use.
        applyOps({ ...before, currency, lines: [] }, lines.map((l, i) => ({ op: "insertLine" as const, afterId: i ? lines[i - 1].id : null, line: { ...l } })), prices);
      } catch (error) {
        quoteRuleFailure(error, opsPathToLines);
      }
      const changed = Object.keys(body).filter((k) => (body as Record<string, unknown>)[k] !== undefined);
      const revising = before.status === "PUBLISHED";
      if (changed.length === 0 && !revising) return c.json(quoteView(before, prices, originOf(c)), 200) as never;
      const changes = changeSet(c);
      let after: StoredQuote = {
        ...before,
        customerId,
        title: body.title ?? before.title,
        currency,
        dealType: body.dealType ?? before.dealType,
        expiryDays: body.expiryDays === undefined ? before.expiryDays : body.expiryDays,
        notes: body.notes === undefined ? before.notes : body.notes,
        lines,
        // Editing a published quote makes it a new DRAFT version; the link keeps the published one.
        status: "DRAFT",
        version: revising ? before.version + 1 : before.version,
        approvalStatus: "NOT_REQUIRED",
        approvedRev: null,
        updatedAt: changes.at,
        rev: before.rev + 1,
      };
      try {
        after = withTotals(after, prices);
      } catch (error) {
        quoteRuleFailure(error, (p) => `lines.${p}`);
      }
      const view = quoteView(after, prices, originOf(c));
      updateQuote(changes, before, after);
      changes.record({ kind: "quote.updated", subject: { type: "quote", id: before.id }, data: { quote: view, changed, revised: revising }, before: { rev: before.rev }, after: view });
      return commitAndRespond(c, changes, 200, view) as never;
    };
    return c.req.header("if-match") === undefined ? retryOnRevConflict(patch) : patch();
  })
  .openapi(routes.submit, async (c) => {
    return retryOnRevConflict(async () => {
      const { db } = scopeOf(c);
      const before = await quoteOr404(db, c.req.valid("param").id);
      assertEditable(before);
      if (before.status !== "DRAFT") throw new ApiError("invalid_state", `Only a DRAFT quote can be submitted (it is ${before.status})`);
      if (before.lines.length === 0) throw new ApiError("quote_empty", "A quote needs at least one line", { status: 422, details: [{ path: "lines", message: "empty" }] });
      const prices = await pricesForLines(db, before.lines.map((l) => l.priceId));
      const changes = changeSet(c);
      // No approval workflow is configured yet: every revision is NOT_REQUIRED (approvals plug in here).
      const after: StoredQuote = { ...before, approvalStatus: "NOT_REQUIRED", approvedRev: before.rev + 1, updatedAt: changes.at, rev: before.rev + 1 };
      const view = quoteView(after, prices, originOf(c));
      updateQuote(changes, before, after);
      changes.record({ kind: "quote.submitted", subject: { type: "quote", id: before.id }, data: { quote: view }, after: view });
      return commitAndRespond(c, changes, 200, view) as never;
    });
  })
  .openapi(routes.publish, async (c) => {
    return retryOnRevConflict(async () => {
      const { db, entity } = scopeOf(c);
      const before = await quoteOr404(db, c.req.valid("param").id);
      assertEditable(before);
      if (before.status !== "DRAFT") throw new ApiError("invalid_state", `Only a DRAFT quote can be published (it is ${before.status})`);
      if (before.lines.length === 0) throw new ApiError("quote_empty", "A quote needs at least one line", { status: 422, details: [{ path: "lines", message: "empty" }] });
      if (before.approvalStatus === "PENDING" || before.approvalStatus === "REJECTED") {
        throw new ApiError("approval_required", "This revision needs approval before it can be published", { status: 422 });
      }
      const [customer, seller] = await Promise.all([customerFor(db, before.customerId, before.currency), getMerchant(db, entity)]);
      const prices = await pricesForLines(db, before.lines.map((l) => l.priceId));
      const changes = changeSet(c);
      const publishedAt = changes.at;
      const after: StoredQuote = {
        ...before,
        status: "PUBLISHED",
        publishedVersion: before.version,
        publicToken: before.publicToken ?? `${entity.id}.${randomToken(24)}`,
        publishedAt,
        expiresAt: before.expiryDays ? new Date(Date.parse(publishedAt) + before.expiryDays * 86_400_000).toISOString() : null,
        updatedAt: changes.at,
        rev: before.rev + 1,
      };
      const view = quoteView(after, prices, originOf(c));
      updateQuote(changes, before, after);
      changes.add(
        db
          .prepare("INSERT INTO quote_versions (quote_id, version, document, published_at) VALUES (?, ?, ?, ?)")
          .bind(before.id, after.version, JSON.stringify(publicDocument(view, entity, customer, seller)), publishedAt),
      );
      changes.record({ kind: "quote.published", subject: { type: "quote", id: before.id }, data: { quote: view }, after: view });
      return commitAndRespond(c, changes, 200, view) as never;
    });
  })
  .openapi(routes.archive, async (c) => {
    return retryOnRevConflict(async () => {
      const { db } = scopeOf(c);
      const before = await quoteOr404(db, c.req.valid("param").id);
      if (before.archivedAt) throw new ApiError("invalid_state", "The quote is already archived");
      if (before.status === "EXECUTED") throw new ApiError("invalid_state", "An executed quote cannot be archived");
      const prices = await pricesForLines(db, before.lines.map((l) => l.priceId));
      const changes = changeSet(c);
      const after: StoredQuote = { ...before, archivedAt: changes.at, updatedAt: changes.at, rev: before.rev + 1 };
      const view = quoteView(after, prices, originOf(c));
      updateQuote(changes, before, after);
      changes.record({ kind: "quote.archived", subject: { type: "quote", id: before.id }, data: { quote: view }, after: view });
      return commitAndRespond(c, changes, 200, view) as never;
    });
  });

quotes.openapi(routes.pdf, async (c) => {
  const { db, entity } = scopeOf(c);
  const quote = await quoteOr404(db, c.req.valid("param").id);
  const [prices, customer, seller] = await Promise.all([
    pricesForLines(db, quote.lines.map((l) => l.priceId)),
    getCustomer(db, quote.customerId),
    getMerchant(db, entity),
  ]);
  if (!customer) throw notFound("Customer");
  const pdf = await renderDocumentPdf(quoteDocument(quoteView(quote, prices, originOf(c)), sellerOf(seller), customer));
  return new Response(pdf as unknown as BodyInit, {
    status: 200,
    headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="${quote.quoteNumber}.pdf"`, "cache-control": "private, no-store" },
  }) as never;
});

// ---- the customer link: no login; the token names the entity and the quote ----
async function publicQuote(c: Context<AppEnv>, token: string) {
  const entityId = token.split(".")[0];
  const entity = entityId ? await findEntity(c.env.CONTROL, entityId, c.env.ENVIRONMENT) : null;
  const db = entity ? (c.env[entity.binding] as D1Database | undefined) : undefined;
  const quote = db ? await findQuoteByToken(db, token) : null;
  if (!entity || !db || !quote || quote.archivedAt || quote.publishedVersion === null) throw notFound("Quote");
  const version = await db
    .prepare("SELECT document FROM quote_versions WHERE quote_id = ? AND version = ?")
    .bind(quote.id, quote.publishedVersion)
    .first<{ document: string }>();
  if (!version) throw notFound("Quote");
  return { entity, db, quote, document: JSON.parse(version.document) as Record<string, unknown> };
}

function publicView(quote: StoredQuote, document: Record<string, unknown>) {
  const expired = quote.expiresAt !== null && Date.parse(quote.expiresAt) < Date.now();
  return {
    ...document,
    status: quote.status === "DRAFT" ? "PUBLISHED" : quote.status,
    revising: quote.status === "DRAFT",
    expired,
    acceptable: quote.status === "PUBLISHED" && !expired,
    acceptedAt: quote.acceptedAt,
    acceptedBy: quote.acceptedBy,
  };
}

export const publicQuotes = new OpenAPIHono<AppEnv>()
  .openapi(publicRoutes.get, async (c) => {
    const { quote, document } = await publicQuote(c, c.req.valid("param").token);
    return c.json(publicView(quote, document), 200);
  })
  .openapi(publicRoutes.accept, async (c) => {
    const { entity, db, quote: before, document } = await publicQuote(c, c.req.valid("param").token);
    if (before.status === "ACCEPTED" || before.status === "EXECUTED") throw new ApiError("invalid_state", "This quote has already been accepted");
    if (before.status === "DRAFT") throw new ApiError("quote_being_revised", "The seller is revising this quote; accept the new version once it is sent", { status: 409 });
    if (before.expiresAt && Date.parse(before.expiresAt) < Date.now()) throw new ApiError("quote_expired", "This quote has expired", { status: 422 });
    const { name, email } = c.req.valid("json");
    const prices = await pricesForLines(db, before.lines.map((l) => l.priceId));
    const changes = new ChangeSet(db, { type: "system", id: "customer", name: `${name} <${email}>` }, c.get("requestId"));
    const after: StoredQuote = { ...before, status: "ACCEPTED", acceptedAt: changes.at, acceptedBy: { name, email }, updatedAt: changes.at, rev: before.rev + 1 };
    updateQuote(changes, before, after, "invalid_state");
    changes.record({ kind: "quote.accepted", subject: { type: "quote", id: before.id }, data: { quote: quoteView(after, prices, originOf(c)), acceptedBy: { name, email } } });
    const events = await changes.commit();
    c.executionCtx.waitUntil(publishEvents(c.env, entity, events));
    return c.json(publicView(after, document), 200);
  });
