import type { Context, MiddlewareHandler } from "hono";
import { actorOf } from "../actions/context.ts";
import type { ChangeSet } from "../db/changes.ts";
import { principalFromApiKey, principalFromSession, resolveEntityAccess } from "../db/control.ts";
import { storedResponse, storeResponse, type StoredResponse } from "../db/idempotency.ts";
import { can, type Permission } from "../domain/access.ts";
import { presentedCredential, unauthenticatedMessage, type Credential } from "../credentials.ts";
import type { AppEnv, EntityScope, Principal } from "../env.ts";
import { newId, sha256Hex } from "../lib/crypto.ts";
import { ApiError } from "./errors.ts";

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

async function principalOf(c: Context<AppEnv>, credential: Credential): Promise<Principal | null> {
  return "apiKey" in credential
    ? principalFromApiKey(c.env.CONTROL, credential.apiKey, c.env.ENVIRONMENT)
    : principalFromSession(c.env.CONTROL, credential.session, c.env.ENVIRONMENT);
}

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const presented = presentedCredential(c.req.raw.headers);
  const principal = presented?.credential ? await principalOf(c, presented.credential) : null;
  if (!presented || !principal) throw new ApiError("unauthenticated", unauthenticatedMessage(presented));
  if (presented.via === "cookie") assertSameOrigin(c);
  c.set("principal", principal);
  c.set("authVia", presented.via);
  await next();
};

/**
 * Entity routes: credential -> membership (or the key's own entity) -> that entity's own D1 binding,
 * resolved in one control-plane query.
 */
export const entityAccess: MiddlewareHandler<AppEnv> = async (c, next) => {
  const idOrSlug = c.req.param("entity") ?? "";
  const presented = presentedCredential(c.req.raw.headers);
  const access = presented?.credential ? await resolveEntityAccess(c.env.CONTROL, presented.credential, idOrSlug, c.env.ENVIRONMENT) : null;
  if (!presented || !access) throw new ApiError("unauthenticated", unauthenticatedMessage(presented));
  if (presented.via === "cookie") assertSameOrigin(c);
  c.set("principal", access.principal);
  c.set("authVia", presented.via);
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

function replay(row: StoredResponse, bodyHash: string) {
  if (row.bodyHash !== bodyHash) {
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
    c.res = replay(existing, bodyHash);
    return;
  }
  const state: PendingIdempotency = { principal, key, bodyHash, stored: false };
  pending.set(c.req.raw, state);
  await next();
  // Responses not written inside a change batch (2xx only) are stored after the fact.
  if (!state.stored && c.res.status < 300 && c.res.status >= 200) {
    const body = await c.res.clone().text();
    await storeResponse(db, { principal, key, method: c.req.method, path: new URL(c.req.url).pathname, bodyHash, status: c.res.status, body });
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
  return row ? replay(row, state.bodyHash) : null;
}
