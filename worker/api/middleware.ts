import type { Context, MiddlewareHandler } from "hono";
import { actorOf } from "../actions/context.ts";
import type { ChangeSet } from "../db/changes.ts";
import { apiKeyTouchDue, principalFromApiKey, principalFromSession, resolveEntityAccess, touchApiKey } from "../db/control.ts";
import { completeReservation, IN_PROGRESS, releaseReservation, reserveKey, storedResponse, storeResponse, type StoredResponse } from "../db/idempotency.ts";
import { can, type Permission } from "../domain/access.ts";
import { presentedCredential, unauthenticatedMessage, type Credential } from "../credentials.ts";
import type { AppEnv, EntityScope, Principal } from "../env.ts";
import { newId, sha256Hex } from "../lib/crypto.ts";
import { grantedEarlyReads, rememberEntity, startEarlyReads } from "./early-reads.ts";
import { ApiError } from "./errors.ts";

const SUBMIT_ROUTE = /^\/api\/v1\/entities\/[^/]+\/quotes\/[^/]+\/submit$/;

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
  if ("session" in credential) return principalFromSession(c.env.CONTROL, credential.session, c.env.ENVIRONMENT);
  const found = await principalFromApiKey(c.env.CONTROL, credential.apiKey, c.env.ENVIRONMENT);
  if (!found) return null;
  const { lastUsedAt, ...principal } = found;
  await touchKeyIfDue(c, principal.keyId, lastUsedAt);
  return principal;
}

/** lastUsedAt at most once a minute per key, after the response: not a write per request. */
async function touchKeyIfDue(c: Context<AppEnv>, keyId: string, lastUsedAt: string | null) {
  if (!apiKeyTouchDue(lastUsedAt)) return;
  const touching = touchApiKey(c.env.CONTROL, keyId).catch((error: unknown) => console.error("api key touch failed", error));
  try {
    c.executionCtx.waitUntil(touching);
  } catch {
    await touching; // no execution context (the app called directly)
  }
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
  // A submit resolves its approvers among the entity's members: they come with the access check.
  const members = c.req.method === "POST" && SUBMIT_ROUTE.test(c.req.path);
  const checking = presented?.credential ? resolveEntityAccess(c.env.CONTROL, presented.credential, idOrSlug, c.env.ENVIRONMENT, { members }) : null;
  const early = checking ? startEarlyReads(c, idOrSlug, presented!.credential!) : null;
  const access = await checking;
  if (!presented || !access) throw new ApiError("unauthenticated", unauthenticatedMessage(presented));
  if (presented.via === "cookie") assertSameOrigin(c);
  c.set("principal", access.principal);
  c.set("authVia", presented.via);
  if (access.principal.kind === "api_key") await touchKeyIfDue(c, access.principal.keyId, access.lastUsedAt);
  // Not a member and does not exist look the same: no probing for other tenants.
  if (!access.entity) throw new ApiError("entity_not_found", `Entity '${idOrSlug}' not found`);
  const db = c.env[access.entity.binding] as D1Database | undefined;
  if (!db || access.entity.status !== "ACTIVE") {
    throw new ApiError("entity_unavailable", `Entity '${access.entity.slug}' is not available right now`);
  }
  c.set("scope", { entity: access.entity, db, roles: access.roles, actor: actorOf(access.principal), early: grantedEarlyReads(early, access.entity, access.members) });
  rememberEntity(idOrSlug, access.entity);
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
  db: D1Database;
  principal: string;
  key: string;
  bodyHash: string;
  stored: boolean;
  /** A response that carries a secret is stored (and so replayed) as this returns it. */
  redact?: (body: Record<string, unknown>) => unknown;
  /** The key was reserved before the route's work (`reserveForReplay`). */
  reserved?: boolean;
}
const pending = new WeakMap<Request, PendingIdempotency>();

function principalKey(principal: Principal): string {
  return principal.kind === "user" ? `user:${principal.userId}` : `key:${principal.keyId}`;
}

function replay(row: StoredResponse, bodyHash: string) {
  if (row.bodyHash !== bodyHash) {
    throw new ApiError("idempotency_key_reused", "This Idempotency-Key was already used with a different request");
  }
  if (row.status === IN_PROGRESS) throw inProgress();
  return new Response(row.response, {
    status: row.status,
    headers: { "content-type": "application/json; charset=utf-8", "idempotent-replayed": "true" },
  });
}

const inProgress = () => new ApiError("idempotency_key_in_use", "A request with this Idempotency-Key is still in progress; retry shortly");

/**
 * Idempotency-Key for the routes `where` scopes: it names the database the records live in (the
 * entity's) and whose keys they are (a user, an API key, a public link's token).
 */
export function idempotencyWith(where: (c: Context<AppEnv>) => Promise<{ db: D1Database; principal: string } | null>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (c.req.method !== "POST" || key === undefined) return next();
    if (key.length === 0 || key.length > 255) {
      throw new ApiError("invalid_request", "Idempotency-Key must be 1 to 255 characters", {
        details: [{ path: "headers.idempotency-key", message: "1 to 255 characters" }],
      });
    }
    const scope = await where(c);
    if (!scope) return next(); // the route answers (e.g. 404 for an unknown public token)
    const { db, principal } = scope;
    const body = await c.req.text();
    const bodyHash = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${body}`);
    const existing = await storedResponse(db, principal, key);
    if (existing) {
      c.res = replay(existing, bodyHash);
      return;
    }
    const state: PendingIdempotency = { db, principal, key, bodyHash, stored: false };
    pending.set(c.req.raw, state);
    await next();
    const ok = c.res.status < 300 && c.res.status >= 200;
    if (state.reserved && !ok) await releaseReservation(db, principal, key);
    // Responses not written inside a change batch (2xx only) are stored after the fact.
    if (!state.stored && ok) {
      const sent = (await c.res.clone().json()) as Record<string, unknown>;
      const body = state.redact ? state.redact(sent) : sent;
      const record = { principal, key, method: c.req.method, path: new URL(c.req.url).pathname, bodyHash, status: c.res.status, body };
      if (state.reserved) await completeReservation(db, record, new Date().toISOString());
      else await storeResponse(db, record);
    }
  };
}

/** Entity routes: the keys are the caller's, in the entity's database. */
export const idempotency = idempotencyWith(async (c) => ({ db: scopeOf(c).db, principal: principalKey(c.get("principal")!) }));

/**
 * This route's response carries a secret (an API key, a live token) and its work is not in the
 * entity's database: the Idempotency-Key record keeps `redact(body)` instead, so the secret is never
 * stored and a replay shows it redacted; and the key is reserved before the work, so two concurrent
 * requests with one key cannot both do it (the second gets 409 `idempotency_key_in_use`).
 */
export async function reserveForReplay(c: Context<AppEnv>, redact: (body: Record<string, unknown>) => unknown) {
  const state = pending.get(c.req.raw);
  if (!state) return;
  state.redact = redact;
  const request = { principal: state.principal, key: state.key, method: c.req.method, path: new URL(c.req.url).pathname, bodyHash: state.bodyHash };
  if (!(await reserveKey(state.db, request, new Date().toISOString()))) throw inProgress();
  state.reserved = true;
}

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
    body: state.redact ? state.redact(body as Record<string, unknown>) : body,
  });
}

/** A concurrent request with the same key committed first: answer with its stored response. */
export async function replayAfterRace(c: Context<AppEnv>): Promise<Response | null> {
  const state = pending.get(c.req.raw);
  if (!state) return null;
  const row = await storedResponse(state.db, state.principal, state.key);
  return row ? replay(row, state.bodyHash) : null;
}
