// Sign-in / sign-out (API.md "Sign in") and the caller's own profile.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { signIn, signOut } from "../actions/access.ts";
import type { AppEnv } from "../env.ts";
import { roomsOf } from "../live.ts";
import { ApiError } from "./errors.ts";
import { SESSION_COOKIE } from "../credentials.ts";
import { assertSameOrigin, authenticate } from "./middleware.ts";
import { errorResponses, jsonBody, jsonResponse } from "./schemas.ts";

const userSchema = z.object({ id: z.string(), email: z.string(), name: z.string() }).openapi("User");

const signInRoute = createRoute({
  method: "post",
  path: "/auth/sign-in/email",
  tags: ["Auth"],
  summary: "Sign in with email and password; sets the HttpOnly session cookie",
  request: jsonBody(z.strictObject({ email: z.email().max(254), password: z.string().min(1).max(1024) }).openapi("SignIn")),
  responses: { 200: jsonResponse(z.object({ user: userSchema }), "Signed in"), ...errorResponses },
});

const signOutRoute = createRoute({
  method: "post",
  path: "/auth/sign-out",
  tags: ["Auth"],
  summary: "End the session",
  responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), "Signed out"), ...errorResponses },
});

/**
 * Who is signing in, for the rate limit: only what the platform sets. At the edge Cloudflare writes
 * CF-Connecting-IP itself (a client cannot choose it); locally (wrangler dev, tests) any client can
 * send that header, so every local request is the one client "local".
 */
export function clientOf(request: Request, environment: AppEnv["Bindings"]["ENVIRONMENT"]): string {
  if (environment === "local") return "local";
  return request.headers.get("cf-connecting-ip") ?? "unknown";
}

export const auth = new OpenAPIHono<AppEnv>()
  .openapi(signInRoute, async (c) => {
    assertSameOrigin(c); // no login CSRF either
    const { email, password } = c.req.valid("json");
    const result = await signIn({ control: c.env.CONTROL, environment: c.env.ENVIRONMENT }, { email, password, client: clientOf(c.req.raw, c.env.ENVIRONMENT) }, c.get("requestId"));
    if (!result.ok) {
      throw new ApiError("rate_limited", "Too many failed sign-ins; try again later", { headers: { "retry-after": String(result.retryAfter) } });
    }
    setCookie(c, SESSION_COOKIE, result.session.token, {
      httpOnly: true,
      sameSite: "Lax",
      secure: new URL(c.req.url).protocol === "https:",
      path: "/",
      expires: result.session.expiresAt,
    });
    return c.json({ user: result.user }, 200);
  })
  .openapi(signOutRoute, async (c) => {
    assertSameOrigin(c);
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await signOut({ control: c.env.CONTROL, environment: c.env.ENVIRONMENT, rooms: roomsOf(c.env) }, token, c.get("requestId"));
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ ok: true as const }, 200);
  });

const meRoute = createRoute({
  method: "get",
  path: "/me",
  tags: ["Auth"],
  summary: "The signed-in user and the environment this deployment is",
  middleware: [authenticate] as const,
  responses: {
    200: jsonResponse(
      z.object({
        user: userSchema.nullable(),
        apiKey: z.object({ id: z.string(), name: z.string(), entityId: z.string(), role: z.string() }).nullable(),
        environment: z.enum(["local", "sandbox", "production"]),
        environments: z.record(z.string(), z.string()),
      }),
      "Who you are",
    ),
    ...errorResponses,
  },
});

export const me = new OpenAPIHono<AppEnv>().openapi(meRoute, (c) => {
  const principal = c.get("principal")!;
  const environments: Record<string, string> = {
    sandbox: c.env.SANDBOX_URL,
    production: c.env.PRODUCTION_URL,
  };
  if (c.env.ENVIRONMENT === "local") environments.local = c.env.LOCAL_URL ?? new URL(c.req.url).origin;
  return c.json(
    {
      user: principal.kind === "user" ? { id: principal.userId, email: principal.email, name: principal.name } : null,
      apiKey:
        principal.kind === "api_key"
          ? { id: principal.keyId, name: principal.name, entityId: principal.entityId, role: principal.role }
          : null,
      environment: c.env.ENVIRONMENT,
      environments,
    },
    200,
  );
});
