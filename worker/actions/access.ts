// The control plane's verbs (DESIGN.md §2): who may see which entity, sessions, API keys, live
// tokens. They live in the control D1, not an entity's, so they take it explicitly.
import type { Actor, EntityEvent } from "../../party/protocol.ts";
import {
  clearSignInFailures,
  consumeLiveToken,
  countSignInAttempt,
  createApiKey as insertApiKey,
  createLiveToken,
  createSession,
  deleteMembership,
  endSession,
  entitiesOf,
  findUserByEmail,
  listApiKeys as selectApiKeys,
  memberEntityIds,
  revokeApiKey as updateRevoked,
} from "../db/control.ts";
import { latestSeq, readEvents } from "../db/events.ts";
import type { Role } from "../domain/access.ts";
import { DomainError, invalid, notFound } from "../domain/errors.ts";
import type { Environment, Principal } from "../env.ts";
import { DUMMY_PASSWORD_HASH, sha256Hex, verifyPassword } from "../lib/crypto.ts";
import type { Rooms } from "../live.ts";
import type { ActionContext } from "./context.ts";

export interface ControlPlane {
  control: D1Database;
  environment: Environment;
  /** The entity rooms, told to close the sockets of a credential or membership that ended. */
  rooms?: Rooms;
}

/** The entities a principal may see in this environment, with its roles in each. */
export async function visibleEntities(cp: ControlPlane, principal: Principal) {
  const rows = await entitiesOf(cp.control, principal, cp.environment);
  return rows.map(({ entity, roles }) => ({
    id: entity.id,
    slug: entity.slug,
    name: entity.name,
    legalName: entity.legalName,
    country: entity.country,
    currency: entity.currency,
    timezone: entity.timezone,
    environment: entity.environment,
    roles,
  }));
}

/**
 * Sign in with email and password. Attempts are limited per (email, client) and counted before the
 * password is checked, so parallel guesses cannot all be verified; a success clears the count.
 * Unknown emails are verified against a dummy hash, so timing does not reveal who has an account.
 */
export async function signIn(cp: ControlPlane, input: { email: string; password: string; client: string }, requestId: string | null = null) {
  const limitKey = await sha256Hex(`${input.email.toLowerCase()}|${input.client}`);
  const retryAfter = await countSignInAttempt(cp.control, limitKey);
  if (retryAfter > 0) return { ok: false as const, retryAfter };
  const user = await findUserByEmail(cp.control, input.email);
  const ok = await verifyPassword(input.password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) throw new DomainError("invalid_credentials", "Email or password is wrong");
  await clearSignInFailures(cp.control, limitKey);
  const actor = JSON.stringify({ type: "user", id: user.id, name: user.name } satisfies Actor);
  const session = await createSession(cp.control, user.id, cp.environment, { actor, requestId });
  return { ok: true as const, session, user: { id: user.id, email: user.email, name: user.name } };
}

/**
 * End the session of `token` everywhere: its row and its live tokens go in one batch, then every room
 * of the user's entities closes that session's sockets before this resolves.
 */
export async function signOut(cp: ControlPlane, token: string, requestId: string | null = null) {
  const ended = await endSession(cp.control, token, cp.environment, { requestId });
  if (!ended) return;
  await cp.rooms?.closeSockets(await memberEntityIds(cp.control, ended.userId, cp.environment), { sessionIds: [ended.id] });
}

/**
 * Remove a user's membership of an entity (one batch with its audit row), then close that user's
 * sockets in the entity's room. False when there was no such membership.
 */
export async function removeMembership(cp: ControlPlane, input: { userId: string; entityId: string }, by: { actor: Actor; requestId: string | null }) {
  const removed = await deleteMembership(cp.control, input, { actor: JSON.stringify(by.actor), requestId: by.requestId });
  if (removed) await cp.rooms?.closeSockets([input.entityId], { userId: input.userId });
  return removed;
}

/** API keys are managed by a signed-in admin only: a key never creates, lists or revokes keys. */
function assertSignedIn(ctx: ActionContext) {
  if (ctx.actor.type !== "user") throw new DomainError("forbidden", "API keys are managed by a signed-in admin, not with an API key");
}

/** A new API key of this entity; the key itself is in the result only, its hash in the control plane. */
export function createApiKey(cp: ControlPlane, ctx: ActionContext, input: { name: string; role: Role; expiresAt?: string }) {
  assertSignedIn(ctx);
  const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt).toISOString();
  if (expiresAt !== null && Date.parse(expiresAt) <= Date.now()) throw invalid("expiresAt must be in the future", "expiresAt");
  return insertApiKey(
    cp.control,
    { entityId: ctx.entity.id, name: input.name, role: input.role, environment: cp.environment, expiresAt },
    { actor: JSON.stringify(ctx.actor), requestId: ctx.requestId },
  );
}

/** The entity's API keys (never their secrets), newest first. */
export async function listApiKeys(cp: ControlPlane, ctx: ActionContext, page: { limit: number; after?: string }) {
  assertSignedIn(ctx);
  const items = await selectApiKeys(cp.control, ctx.entity.id, cp.environment, page);
  return { items, after: items.length === page.limit ? items[items.length - 1].id : null };
}

/** Revoke a key at once: it stops authenticating on the next request, and its sockets close. */
export async function revokeApiKey(cp: ControlPlane, ctx: ActionContext, id: string) {
  assertSignedIn(ctx);
  const revoked = await updateRevoked(cp.control, { entityId: ctx.entity.id, id, environment: cp.environment }, { actor: JSON.stringify(ctx.actor), requestId: ctx.requestId });
  if (!revoked) throw notFound("API key");
  await cp.rooms?.closeSockets([ctx.entity.id], { sessionIds: [id] });
  return revoked;
}

/** A short-lived, single-use token a socket presents to /parties/entity-room/<entityId>; it dies with `sessionId`. */
export async function liveToken(cp: ControlPlane, ctx: ActionContext, principal: Principal, sessionId: string) {
  return { ...(await createLiveToken(cp.control, ctx.entity.id, principal, sessionId)), entityId: ctx.entity.id };
}

/** Spend a live token for a socket of `entityId`: null when it is used, expired, or its credential ended. */
export const spendLiveToken = (cp: ControlPlane, token: string, entityId: string) => consumeLiveToken(cp.control, token, entityId);

/** The entity's events after `after`, in seq order, and the cursor of the next page. */
export async function events(ctx: ActionContext, after: number, limit: number): Promise<{ items: EntityEvent[]; after: string | null }> {
  const items = await readEvents(ctx.db, after, limit);
  return { items, after: items.length === limit ? String(items[items.length - 1].seq) : null };
}

export const currentSeq = async (ctx: ActionContext) => ({ seq: await latestSeq(ctx.db) });
