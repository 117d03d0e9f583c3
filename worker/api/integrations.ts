// Integrations (API.md "integrations", "Xero"): list, connect (302 to Xero's consent), the callback,
// status and disconnect, mappings, and the sync (queue it, retry all FAILED, retry one).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { actorOf } from "../actions/context.ts";
import { resolveEntityAccess } from "../db/control.ts";
import { can } from "../domain/access.ts";
import { DomainError } from "../domain/errors.ts";
import { presentedCredential } from "../credentials.ts";
import type { AppEnv } from "../env.ts";
import { disconnect, establish, integrationOf, parseState, startConnect, status, takeState } from "../integrations/xero/connect.ts";
import { getMappings, mappingOptions, putMappings } from "../integrations/xero/mappings.ts";
import { backfill, requeue } from "../integrations/xero/sync.ts";
import { requestSync } from "../integrations/xero/sync-queue.ts";
import { invoicePreflight } from "../integrations/xero/preflight.ts";
import { findConnection } from "../db/integrations.ts";
import { ApiError, validationError } from "./errors.ts";
import { requirePermission, scopeOf } from "./middleware.ts";
import { actionContext, originOf, respond } from "./respond.ts";
import { entityParam, errorResponses, jsonBody, jsonResponse } from "./schemas.ts";

const connectionState = z.enum(["CONNECTED", "RECONNECT_REQUIRED"]);

export const integrationSchema = z
  .object({
    provider: z.literal("xero"),
    name: z.string(),
    connected: z.boolean(),
    state: connectionState.nullable(),
    tenantId: z.string().nullable().openapi({ description: "The Xero organisation (tenant) id" }),
    tenantName: z.string().nullable(),
    connectedAt: z.string().nullable(),
    connectedBy: z.string().nullable().openapi({ description: "User id of the admin who connected it" }),
    lastError: z.string().nullable(),
  })
  .openapi("Integration");

const syncObjectSchema = z.object({
  type: z.string(),
  id: z.string(),
  label: z.string().nullable().openapi({ description: "The customer's name, or the invoice's (a payment's invoice's) or credit note's number" }),
  xeroId: z.string().nullable(),
  state: z.enum(["PENDING", "SYNCED", "FAILED"]),
  error: z.string().nullable(),
  syncedAt: z.string().nullable(),
});

export const xeroStatusSchema = z
  .object({
    connected: z.boolean(),
    state: connectionState.nullable(),
    tenantId: z.string().nullable(),
    tenantName: z.string().nullable(),
    lastSyncAt: z.string().nullable(),
    pending: z.number().int(),
    failed: z.number().int(),
    objects: z.array(syncObjectSchema).openapi({ description: "The most recently changed objects (up to 100)" }),
  })
  .openapi("XeroStatus");

const syncBody = z
  .object({
    retryFailed: z.boolean().optional().openapi({ description: "Put every FAILED object back to PENDING first" }),
    includeExisting: z.boolean().optional().openapi({ description: "Also send the final invoices and credit notes from before Xero was connected" }),
  })
  .strict();
const syncAccepted = z
  .object({
    queued: z.literal(true),
    requeued: z.number().int().openapi({ description: "FAILED objects put back to PENDING by this call" }),
    added: z.number().int().openapi({ description: "Final invoices and credit notes from before Xero was connected, put in line by this call" }),
  })
  .openapi("XeroSyncAccepted");

const accountCode = z.string().trim().min(1).max(10).openapi({ description: "A Xero account code", example: "200" });
const MAX_ENTRIES = 500;
const entries = <T extends z.ZodType>(value: T, what: string) =>
  z.record(z.string().min(1).max(64), value).refine((r) => Object.keys(r).length <= MAX_ENTRIES, `At most ${MAX_ENTRIES} ${what}`);

const mappingsBody = z
  .strictObject({
    defaultRevenueAccount: accountCode.openapi({ description: "Revenue account for lines whose product has none of its own" }),
    paymentAccount: accountCode.nullish().openapi({ description: "The bank account (or one that takes payments) Kontor's payments are recorded against" }),
    taxTypes: entries(z.string().trim().min(1).max(50), "tax types").optional().openapi({ description: "Kontor tax rate id → Xero TaxType", example: { txr_0000000000example0000: "OUTPUT2" } }),
    products: entries(z.strictObject({ accountCode: accountCode.optional(), itemCode: z.string().trim().min(1).max(30).optional() }), "products").optional().openapi({ description: "Kontor product id → Xero account and item codes" }),
    tracking: z
      .strictObject({ category: z.string().trim().min(1).max(100), option: z.string().trim().min(1).max(100) })
      .nullish()
      .openapi({ description: "Optional: a tracking category option (by name) every line sent to Xero is tagged with", example: { category: "Region", option: "UK" } }),
  })
  .openapi("PutXeroMappings");

export const mappingsSchema = z
  .object({
    defaultRevenueAccount: z.string(),
    paymentAccount: z.string().nullable(),
    taxTypes: z.record(z.string(), z.string()),
    products: z.record(z.string(), z.object({ accountCode: z.string().optional(), itemCode: z.string().optional() })),
    tracking: z.object({ category: z.string(), option: z.string() }).nullable(),
    tenantId: z.string().nullable(),
    rev: z.number().int(),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
    stale: z.boolean().openapi({ description: "Checked against another Xero organisation than the one connected now" }),
  })
  .openapi("XeroMappings");

const optionSchema = z.object({ code: z.string(), name: z.string(), type: z.string() });
const optionsSchema = z
  .object({
    revenueAccounts: z.array(optionSchema),
    paymentAccounts: z.array(optionSchema),
    taxTypes: z.array(z.object({ taxType: z.string(), name: z.string(), rate: z.string() })),
    items: z.array(z.object({ code: z.string(), name: z.string() })),
    trackingCategories: z.array(z.object({ name: z.string(), options: z.array(z.string()) })).openapi({ description: "Active tracking categories and their active options" }),
  })
  .openapi("XeroMappingOptions");

export const preflightSchema = z
  .object({
    connected: z.boolean().openapi({ description: "False when the entity has no Xero connection here: nothing was checked" }),
    ok: z.boolean().openapi({ description: "Nothing Xero would refuse or book differently" }),
    problems: z.array(z.object({ path: z.string(), message: z.string() })),
  })
  .openapi("XeroPreflight");

const tags = ["Integrations"];
const routes = {
  list: createRoute({
    method: "get",
    path: "/entities/{entity}/integrations",
    tags,
    summary: "The entity's integrations and their state",
    request: { params: entityParam },
    responses: { 200: jsonResponse(z.object({ items: z.array(integrationSchema) }).openapi("IntegrationList"), "Integrations"), ...errorResponses },
  }),
  connect: createRoute({
    method: "get",
    path: "/entities/{entity}/integrations/xero/connect",
    tags,
    summary: "Start connecting Xero (signed-in admin): 302 to Xero's consent page with state and PKCE",
    middleware: requirePermission("integrations:connect"),
    request: { params: entityParam },
    responses: { 302: { description: "Redirect to Xero's consent page", headers: z.object({ location: z.string() }) }, ...errorResponses },
  }),
  status: createRoute({
    method: "get",
    path: "/entities/{entity}/integrations/xero/status",
    tags,
    summary: "The Xero connection and its sync state",
    request: { params: entityParam },
    responses: { 200: jsonResponse(xeroStatusSchema, "Status"), ...errorResponses },
  }),
  disconnect: createRoute({
    method: "delete",
    path: "/entities/{entity}/integrations/xero",
    tags,
    summary: "Disconnect Xero (admin): revokes the tokens at Xero and forgets them",
    middleware: requirePermission("integrations:connect"),
    request: { params: entityParam },
    responses: { 200: jsonResponse(integrationSchema, "The integration, now disconnected"), ...errorResponses },
  }),
  getMappings: createRoute({
    method: "get",
    path: "/entities/{entity}/integrations/xero/mappings",
    tags,
    summary: "How Kontor books into Xero: accounts, tax types, items",
    request: { params: entityParam },
    responses: { 200: jsonResponse(mappingsSchema, "The mappings (empty before the first PUT)"), ...errorResponses },
  }),
  putMappings: createRoute({
    method: "put",
    path: "/entities/{entity}/integrations/xero/mappings",
    tags,
    summary: "Replace the mappings (finance, admin), checked against the organisation's accounts, tax rates and items in Xero",
    middleware: requirePermission("integrations:manage"),
    request: { params: entityParam, ...jsonBody(mappingsBody) },
    responses: { 200: jsonResponse(mappingsSchema, "The stored mappings"), ...errorResponses },
  }),
  options: createRoute({
    method: "get",
    path: "/entities/{entity}/integrations/xero/options",
    tags,
    summary: "What the mappings may name (finance, admin): the organisation's revenue and payment accounts, sales tax types and items",
    middleware: requirePermission("integrations:manage"),
    request: { params: entityParam },
    responses: { 200: jsonResponse(optionsSchema, "Choices read from Xero"), ...errorResponses },
  }),
  sync: createRoute({
    method: "post",
    path: "/entities/{entity}/integrations/xero/sync",
    tags,
    summary: "Send the entity's PENDING objects to Xero now, through the sync queue (finance, admin); retryFailed: true puts every FAILED object back in line first; includeExisting: true adds the final invoices and credit notes from before Xero was connected",
    middleware: requirePermission("integrations:manage"),
    request: { params: entityParam, body: { content: { "application/json": { schema: syncBody } }, required: false } },
    responses: { 202: jsonResponse(syncAccepted, "Queued; GET …/status and the live sync.completed / sync.failed events tell how it went"), ...errorResponses },
  }),
  retryOne: createRoute({
    method: "post",
    path: "/entities/{entity}/integrations/xero/sync/{type}/{id}/retry",
    tags,
    summary: "Send one object to Xero again (finance, admin): a FAILED one after fixing its cause, or a SYNCED one as an update",
    middleware: requirePermission("integrations:manage"),
    request: { params: entityParam.extend({ type: z.enum(["contact", "invoice", "credit_note", "payment"]), id: z.string().min(1).max(64) }) },
    responses: { 202: jsonResponse(syncAccepted, "Queued"), ...errorResponses },
  }),
  preflight: createRoute({
    method: "get",
    path: "/entities/{entity}/integrations/xero/preflight/invoices/{id}",
    tags,
    summary: "Before finalizing (finance, admin): would Xero refuse this invoice, or book it differently (accounts, items, tax types and their rates, read from the organisation)? It warns; it never blocks a finalize",
    middleware: requirePermission("invoices:write"),
    request: { params: entityParam.extend({ id: z.string().min(1).max(64) }) },
    responses: { 200: jsonResponse(preflightSchema, "What Xero would refuse or book differently, per line (paths lines.<i>.accountCode|itemCode|taxType)"), ...errorResponses },
  }),
  callback: createRoute({
    method: "get",
    path: "/integrations/xero/callback",
    tags,
    summary: "Where Xero returns the browser after consent; redirects to the entity's integrations page",
    request: {
      query: z.object({
        code: z.string().max(2048).optional(),
        state: z.string().max(256),
        error: z.string().max(256).optional(),
        error_description: z.string().max(1024).optional(),
        scope: z.string().max(2048).optional(),
      }),
    },
    responses: { 302: { description: "To /<entity>/integrations?xero=connected (or xero=error&code=…)", headers: z.object({ location: z.string() }) }, ...errorResponses },
  }),
};

const badState = () => new ApiError("invalid_oauth_state", "This Xero connect link is not valid (expired, used, or started by someone else): start again from Integrations");

export const integrations = new OpenAPIHono<AppEnv>()
  .openapi(routes.list, async (c) => {
    const { db } = scopeOf(c);
    return c.json({ items: [await integrationOf(db, c.env.ENVIRONMENT)] }, 200);
  })
  .openapi(routes.connect, async (c) => {
    const principal = c.get("principal");
    // The callback comes back through the browser: only a signed-in person can finish a connect.
    if (principal?.kind !== "user") throw new ApiError("forbidden", "Connecting Xero needs a signed-in admin (not an API key)");
    const url = await startConnect(c.env, actionContext(c), principal.userId);
    return c.redirect(url, 302);
  })
  .openapi(routes.status, async (c) => c.json(await status(scopeOf(c).db, c.env.ENVIRONMENT), 200))
  .openapi(routes.disconnect, async (c) => {
    const ctx = actionContext(c);
    await disconnect(c.env, ctx);
    return c.json(await integrationOf(ctx.db, c.env.ENVIRONMENT), 200);
  })
  .openapi(routes.getMappings, async (c) => c.json(await getMappings(scopeOf(c).db, c.env.ENVIRONMENT), 200))
  .openapi(routes.putMappings, (c) => {
    const body = c.req.valid("json");
    return respond(c, 200, (ctx) => putMappings(c.env, ctx, body));
  })
  .openapi(routes.options, async (c) => c.json(await mappingOptions(c.env, scopeOf(c).entity), 200))
  .openapi(routes.sync, async (c) => {
    const ctx = actionContext(c);
    const connection = await findConnection(ctx.db, "xero");
    if (!connection || connection.environment !== c.env.ENVIRONMENT) throw new DomainError("integration_not_connected", "Connect Xero before syncing");
    // The body is optional: an empty POST syncs what is PENDING.
    const text = await c.req.text();
    let raw: unknown = {};
    try {
      raw = text.trim() ? JSON.parse(text) : {};
    } catch {
      throw new ApiError("invalid_request", "The body is not JSON");
    }
    const parsed = syncBody.safeParse(raw);
    if (!parsed.success) throw validationError(parsed.error);
    const requeued = parsed.data.retryFailed ? await requeue(ctx.db, ctx.actor, ctx.requestId) : 0;
    const added = parsed.data.includeExisting ? await backfill(ctx.db, ctx.actor, ctx.requestId) : 0;
    await requestSync(c.env, ctx.entity.id);
    return c.json({ queued: true as const, requeued, added }, 202);
  })
  .openapi(routes.preflight, async (c) => c.json(await invoicePreflight(c.env, actionContext(c), c.req.valid("param").id), 200))
  .openapi(routes.retryOne, async (c) => {
    const ctx = actionContext(c);
    const { type, id } = c.req.valid("param");
    const requeued = await requeue(ctx.db, ctx.actor, ctx.requestId, { type, id });
    await requestSync(c.env, ctx.entity.id);
    return c.json({ queued: true as const, requeued, added: 0 }, 202);
  });

/** The callback lives outside any entity's path: the state names the entity, the session names the user. */
export const integrationCallbacks = new OpenAPIHono<AppEnv>().openapi(routes.callback, async (c) => {
  const query = c.req.valid("query");
  const parsed = parseState(query.state);
  // A state minted in another environment (sandbox ↔ production) is refused before anything is looked up.
  if (!parsed || parsed.environment !== c.env.ENVIRONMENT) throw badState();
  const presented = presentedCredential(c.req.raw.headers);
  if (!presented?.credential || !("session" in presented.credential)) throw new ApiError("unauthenticated", "Sign in, then connect Xero again");
  const access = await resolveEntityAccess(c.env.CONTROL, presented.credential, parsed.entityId, c.env.ENVIRONMENT);
  if (!access || access.principal.kind !== "user") throw new ApiError("unauthenticated", "Sign in, then connect Xero again");
  if (!access.entity) throw badState();
  const entity = access.entity;
  const db = c.env[entity.binding] as D1Database | undefined;
  if (!db || entity.status !== "ACTIVE") throw new ApiError("entity_unavailable", `Entity '${entity.slug}' is not available right now`);
  const { codeVerifier, redirectUri } = await takeState(c.env, entity, db, query.state, access.principal.userId).catch((error: unknown) => {
    throw error instanceof DomainError ? badState() : error;
  });
  const page = (params: Record<string, string>) => `${originOf(c)}/${entity.slug}/integrations?${new URLSearchParams(params)}`;
  // The state was the user's, but they must still be allowed to connect now.
  if (!can(access.roles, "integrations:connect")) return c.redirect(page({ xero: "error", code: "forbidden" }), 302);
  if (query.error) return c.redirect(page({ xero: "error", code: query.error === "access_denied" ? "access_denied" : "consent_failed" }), 302);
  if (!query.code) return c.redirect(page({ xero: "error", code: "consent_failed" }), 302);
  const result = await establish(c.env, entity, { code: query.code, codeVerifier, redirectUri, actor: actorOf(access.principal), requestId: c.get("requestId") });
  return c.redirect(page(result.ok ? { xero: "connected" } : { xero: "error", code: result.code }), 302);
});

