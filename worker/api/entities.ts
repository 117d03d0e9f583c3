// The entities a caller may see, and per-entity plumbing: API keys, live tokens, the event stream.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import * as access from "../actions/access.ts";
import { ROLES } from "../domain/access.ts";
import type { AppEnv, Principal } from "../env.ts";
import { roomsOf } from "../live.ts";
import { reserveForReplay, requirePermission } from "./middleware.ts";
import { actionContext, read } from "./respond.ts";
import { entityParam, errorResponses, idParam, jsonBody, jsonResponse, listOf, paginationQuery } from "./schemas.ts";

const entitySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    legalName: z.string(),
    country: z.string(),
    currency: z.string(),
    timezone: z.string(),
    environment: z.enum(["local", "sandbox", "production"]),
    roles: z.array(z.enum(ROLES)),
  })
  .openapi("Entity");

const listEntitiesRoute = createRoute({
  method: "get",
  path: "/entities",
  tags: ["Entities"],
  summary: "The entities the caller may see, in this environment",
  responses: { 200: jsonResponse(listOf(entitySchema, "EntityList"), "Entities"), ...errorResponses },
});

const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    prefix: z.string().openapi({ description: "The key's first characters, to tell keys apart; not a secret" }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: "Recorded at most once a minute" }),
    expiresAt: z.string().nullable().openapi({ description: "null: the key does not expire" }),
  })
  .openapi("ApiKey");

/** Where a replayed response had a secret: the secret is never stored, so a replay carries null and this flag. */
const redacted = z.literal(true).optional().openapi({ description: "Present (true) on an Idempotency-Key replay: the secret was shown once and is not stored" });

const createApiKeyRoute = createRoute({
  method: "post",
  path: "/entities/{entity}/api-keys",
  tags: ["Entities"],
  summary: "Create an API key for this entity (a signed-in admin only; never with an API key); the key is shown once",
  middleware: [requirePermission("api_keys:manage")] as const,
  request: {
    params: entityParam,
    ...jsonBody(
      z
        .strictObject({
          name: z.string().trim().min(1).max(100),
          role: z.enum(ROLES),
          expiresAt: z.iso.datetime({ offset: true }).optional().openapi({ description: "ISO 8601; in the future. Omit for a key that does not expire" }),
        })
        .openapi("CreateApiKey"),
    ),
  },
  responses: {
    201: jsonResponse(
      apiKeySchema
        .extend({ key: z.string().nullable().openapi({ description: "The key, shown this once (null on a replay)" }), redacted })
        .openapi("CreatedApiKey"),
      "The key, shown this once",
    ),
    ...errorResponses,
  },
});

const listApiKeysRoute = createRoute({
  method: "get",
  path: "/entities/{entity}/api-keys",
  tags: ["Entities"],
  summary: "The entity's API keys that are not revoked, newest first (never the secret; a signed-in admin only)",
  middleware: [requirePermission("api_keys:manage")] as const,
  request: { params: entityParam, query: paginationQuery },
  responses: { 200: jsonResponse(listOf(apiKeySchema, "ApiKeyList"), "API keys"), ...errorResponses },
});

const revokeApiKeyRoute = createRoute({
  method: "delete",
  path: "/entities/{entity}/api-keys/{id}",
  tags: ["Entities"],
  summary: "Revoke an API key at once: it stops authenticating on the next request and its sockets close (a signed-in admin only)",
  middleware: [requirePermission("api_keys:manage")] as const,
  request: { params: idParam },
  responses: {
    200: jsonResponse(apiKeySchema.extend({ revokedAt: z.string() }).openapi("RevokedApiKey"), "Revoked"),
    ...errorResponses,
  },
});

const liveTokenRoute = createRoute({
  method: "post",
  path: "/entities/{entity}/live-token",
  tags: ["Live"],
  summary: "A single-use token for /parties/entity-room/{entityId}?token=, valid 30 s and only while the credential that asked for it lives",
  request: { params: entityParam },
  responses: {
    201: jsonResponse(
      z.object({ token: z.string().nullable().openapi({ description: "null on an Idempotency-Key replay" }), expiresAt: z.string(), entityId: z.string(), redacted }),
      "Token",
    ),
    ...errorResponses,
  },
});

const eventSchema = z
  .object({
    seq: z.number().int(),
    kind: z.string(),
    subject: z.object({ type: z.string(), id: z.string() }),
    actor: z.object({ type: z.string(), id: z.string(), name: z.string().optional() }),
    at: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("Event");

const listEventsRoute = createRoute({
  method: "get",
  path: "/entities/{entity}/events",
  tags: ["Live"],
  summary: "The entity's events after a seq, in seq order",
  request: {
    params: entityParam,
    query: z.object({
      after: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(100).default(25),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(eventSchema), pagination: z.object({ after: z.string().nullable() }) }),
      "Events",
    ),
    ...errorResponses,
  },
});

const latestEventRoute = createRoute({
  method: "get",
  path: "/entities/{entity}/events/latest",
  tags: ["Live"],
  summary: "The entity's current seq: where a fresh client starts its hello",
  request: { params: entityParam },
  responses: { 200: jsonResponse(z.object({ seq: z.number().int() }), "Current seq"), ...errorResponses },
});

const controlPlane = (c: Context<AppEnv>): access.ControlPlane => ({ control: c.env.CONTROL, environment: c.env.ENVIRONMENT, rooms: roomsOf(c.env) });

/** The credential a principal lives by: its session, or the API key itself. */
const sessionIdOf = (principal: Principal) => (principal.kind === "user" ? principal.sessionId : principal.keyId);

export const entities = new OpenAPIHono<AppEnv>()
  .openapi(listEntitiesRoute, async (c) => c.json({ items: await access.visibleEntities(controlPlane(c), c.get("principal")!), pagination: { after: null } }, 200))
  .openapi(createApiKeyRoute, async (c) => {
    await reserveForReplay(c, (body) => ({ ...body, key: null, redacted: true }));
    return c.json(await access.createApiKey(controlPlane(c), actionContext(c), c.req.valid("json")), 201);
  })
  .openapi(listApiKeysRoute, async (c) => {
    const page = await access.listApiKeys(controlPlane(c), actionContext(c), c.req.valid("query"));
    return c.json({ items: page.items.map((k) => ({ ...k, role: k.role as (typeof ROLES)[number] })), pagination: { after: page.after } }, 200);
  })
  .openapi(revokeApiKeyRoute, async (c) => {
    const revoked = await access.revokeApiKey(controlPlane(c), actionContext(c), c.req.valid("param").id);
    return c.json({ ...revoked, role: revoked.role as (typeof ROLES)[number] }, 200);
  })
  .openapi(liveTokenRoute, async (c) => {
    await reserveForReplay(c, (body) => ({ ...body, token: null, redacted: true }));
    const principal = c.get("principal")!;
    return c.json(await access.liveToken(controlPlane(c), actionContext(c), principal, sessionIdOf(principal)), 201);
  })
  .openapi(listEventsRoute, async (c) => {
    const { after, limit } = c.req.valid("query");
    const page = await access.events(actionContext(c), after, limit);
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(latestEventRoute, (c) => read(c, access.currentSeq));
