// The entities a caller may see, and per-entity plumbing: API keys, live tokens, the event stream.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import * as access from "../actions/access.ts";
import { ROLES } from "../domain/access.ts";
import type { AppEnv } from "../env.ts";
import { requirePermission } from "./middleware.ts";
import { actionContext, read } from "./respond.ts";
import { entityParam, errorResponses, jsonBody, jsonResponse, listOf } from "./schemas.ts";

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

const createApiKeyRoute = createRoute({
  method: "post",
  path: "/entities/{entity}/api-keys",
  tags: ["Entities"],
  summary: "Create an API key for this entity (admin only); the key is shown once",
  middleware: [requirePermission("api_keys:manage")] as const,
  request: {
    params: entityParam,
    ...jsonBody(z.strictObject({ name: z.string().trim().min(1).max(100), role: z.enum(ROLES) }).openapi("CreateApiKey")),
  },
  responses: {
    201: jsonResponse(
      z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES), key: z.string(), createdAt: z.string() }).openapi("ApiKey"),
      "The key, shown this once",
    ),
    ...errorResponses,
  },
});

const liveTokenRoute = createRoute({
  method: "post",
  path: "/entities/{entity}/live-token",
  tags: ["Live"],
  summary: "A short-lived token for /parties/entity-room/{entityId}?token=",
  request: { params: entityParam },
  responses: {
    201: jsonResponse(z.object({ token: z.string(), expiresAt: z.string(), entityId: z.string() }), "Token"),
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

const controlPlane = (c: Context<AppEnv>): access.ControlPlane => ({ control: c.env.CONTROL, environment: c.env.ENVIRONMENT });

export const entities = new OpenAPIHono<AppEnv>()
  .openapi(listEntitiesRoute, async (c) => c.json({ items: await access.visibleEntities(controlPlane(c), c.get("principal")!), pagination: { after: null } }, 200))
  .openapi(createApiKeyRoute, async (c) => c.json(await access.createApiKey(controlPlane(c), actionContext(c), c.req.valid("json")), 201))
  .openapi(liveTokenRoute, async (c) => c.json(await access.liveToken(controlPlane(c), actionContext(c), c.get("principal")!), 201))
  .openapi(listEventsRoute, async (c) => {
    const { after, limit } = c.req.valid("query");
    const page = await access.events(actionContext(c), after, limit);
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(latestEventRoute, (c) => read(c, access.currentSeq));
