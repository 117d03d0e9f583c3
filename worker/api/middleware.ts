import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Actor } from "../../party/protocol.ts";
import { ChangeSet } from "../db/changes.ts";
import { principalFromApiKey, principalFromSession, resolveEntityAccess } from "../db/control.ts";
import { can, type Permission } from "../domain/access.ts";
import type { AppEnv, EntityScope, Principal } from "../env.ts";
import { newId, sha256Hex } from "../lib/crypto.ts";
import { ApiError } from "./errors.ts";

export const SESSION_COOKIE = "kontor_session";

export const requestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const id = newId("req");
  c.set("requestId", id);
  await next();
  c.res.headers.set("x-request-id", id);
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cookie-authenticated state changes must come from our own origin. Browsers always send Origin
 * (or Sec-Fetch-Site) on cross-site POSTs; a client that sends neither is not a browser and so
 * cannot be the victim of a forged request.
 */
export function assertSameOrigin(c: Context) {
  if (SAFE_METHODS.has(c.req.method)) return;
  const self = new URL(c.req.url).origin;
  const origin = c.req.header("origin");
  const site = c.req.header("sec-fetch-site");
  if (origin !== undefined ? origin !== self : site !== undefined && site !== "same-origin" && site !== "none") {
    throw new ApiError("csrf_rejected", "Cross-site request refused: state changes must come from this origin");
  }
}

export function actorOf(principal: Principal): Actor {
  return principal.kind === "user"
    ? { type: "user", id: principal.userId, name: principal.name }
    : { type: "api_key", id: principal.keyId, name: principal.name };
}

export async function principalOf(c: Context<AppEnv>): Promise<{ principal: Principal; via: "cookie" | "bearer" } | null> {
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const principal = match ? await principalFromApiKey(c.env.CONTROL, match[1], c.env.ENVIRONMENT) : null;
    return principal ? { principal, via: "bearer" } : null;
  }
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const principal = await principalFromSession(c.env.CONTROL, token, c.env.ENVIRONMENT);
  return principal ? { principal, via: "cookie" } : null;
}

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const found = await principalOf(c);
  if (!found) {
    throw new ApiError(
      "unauthenticated",
      c.req.header("authorization") ? "Invalid or revoked API key" : "Sign in first: no valid session",
    );
  }
  if (found.via === "cookie") assertSameOrigin(c);
  c.set("principal", found.principal);
  c.set("authVia", found.via);
  await next();
};

/**
 * Entity routes: credential -> membership (or the key's own entity) -> that entity's own D1 binding,
 * resolved in one control-plane query.
 */
export const entityAccess: MiddlewareHandler<AppEnv> = async (c, next) => {
  const idOrSlug = c.req.param("entity") ?? "";
  const authorization = c.req.header("authorization");
  let credential: { session: string } | { apiKey: string } | null = null;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match) credential = { apiKey: match[1] };
  } else {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) credential = { session: token };
  }
  const access = credential ? await resolveEntityAccess(c.env.CONTROL, credential, idOrSlug, c.env.ENVIRONMENT) : null;
  if (!access) {
    throw new ApiError("unauthenticated", authorization !== undefined ? "Invalid or revoked API key" : "Sign in first: no valid session");
  }
  if ("session" in credential!) assertSameOrigin(c);
  c.set("principal", access.principal);
  c.set("authVia", "session" in credential! ? "cookie" : "bearer");
  // Not a member and does not exist look the same: no probing for other tenants.
  if (!access.entity) throw new ApiError("entity_not_found", `Entity '${idOrSlug}' not found`);
  const db = c.env[access.entity.binding] as D1Database | undefined;
  if (!db || access.entity.status !== "ACTIVE") {
    throw new ApiError("entity_unavailable", `Entity '${access.entity.slug}' is not available right now`);
  }
  c.set("scope", { entity: access.entity, db, roles: access.roles, actor: actorOf(access.principal) });
  await next();
};

export function scopeOf(c: Context<AppEnv>): EntityScope {
  const scope = c.get("scope");
  if (!scope) throw new Error("entity scope missing: route mounted outside /entities/:entity");
  return scope;
}

export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { roles } = scopeOf(c);
    if (!can(roles, permission)) {
      throw new ApiError("forbidden", `Your role (${roles.join(", ")}) does not allow ${permission}`);
    }
    await next();
  };
}

export function changeSet(c: Context<AppEnv>): ChangeSet {
  const scope = scopeOf(c);
  return new ChangeSet(scope.db, scope.actor, c.get("requestId"));
}

// ---- Idempotency-Key (API.md): the first response is stored per entity for 24 h and replayed ----
interface PendingIdempotency {
  principal: string;
  key: string;
  bodyHash: string;
  stored: boolean;
}
const pending = new WeakMap<Request, PendingIdempotency>();

function principalKey(principal: Principal): string {
  return principal.kind === "user" ? `user:${principal.userId}` : `key:${principal.keyId}`;
}

async function storedResponse(db: D1Database, principal: string, key: string) {
  return db
    .prepare("SELECT body_hash, status, response FROM idempotency_keys WHERE principal = ? AND key = ? AND expires_at > ?")
    .bind(principal, key, new Date().toISOString())
    .first<{ body_hash: string; status: number; response: string }>();
}

function replay(c: Context<AppEnv>, row: { body_hash: string; status: number; response: string }, bodyHash: string) {
  if (row.body_hash !== bodyHash) {
    throw new ApiError("idempotency_key_reused", "This Idempotency-Key was already used with a different request");
  }
  return new Response(row.response, {
    status: row.status,
    headers: { "content-type": "application/json; charset=utf-8", "idempotent-replayed": "true" },
  });
}

export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (key.length === 0 || key.length > 255) {
    throw new ApiError("invalid_request", "Idempotency-Key must be 1 to 255 characters", {
      details: [{ path: "headers.idempotency-key", message: "1 to 255 characters" }],
    });
  }
  const { db } = scopeOf(c);
  const principal = principalKey(c.get("principal")!);
  const body = await c.req.text();
  const bodyHash = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${body}`);
  const existing = await storedResponse(db, principal, key);
  if (existing) {
    c.res = replay(c, existing, bodyHash);
    return;
  }
  const state: PendingIdempotency = { principal, key, bodyHash, stored: false };
  pending.set(c.req.raw, state);
  await next();
  // Responses not written inside a change batch (2xx only) are stored after the fact.
  if (!state.stored && c.res.status < 300 && c.res.status >= 200) {
    const response = await c.res.clone().text();
    await db
      .prepare(
        "INSERT OR IGNORE INTO idempotency_keys (principal, key, method, path, body_hash, status, response, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(principal, key, c.req.method, new URL(c.req.url).pathname, bodyHash, c.res.status, response, new Date().toISOString(), new Date(Date.now() + 86_400_000).toISOString())
      .run();
  }
};

/** Attach the pending Idempotency-Key (if any) to the change batch that produces this response. */
export function rememberIdempotent(c: Context<AppEnv>, changes: ChangeSet, status: number, body: unknown) {
  const state = pending.get(c.req.raw);
  if (!state) return;
  state.stored = true;
  changes.rememberResponse({
    principal: state.principal,
    key: state.key,
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    bodyHash: state.bodyHash,
    status,
    body,
  });
}

/** A concurrent request with the same key committed first: answer with its stored response. */
export async function replayAfterRace(c: Context<AppEnv>): Promise<Response | null> {
  const state = pending.get(c.req.raw);
  if (!state) return null;
  const row = await storedResponse(scopeOf(c).db, state.principal, state.key);
  return row ? replay(c, row, state.bodyHash) : null;
}
