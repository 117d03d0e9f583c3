// The control plane's verbs (DESIGN.md §2): who may see which entity, sessions, API keys, live
// tokens. They live in the control D1, not an entity's, so they take it explicitly.
import type { EntityEvent } from "../../party/protocol.ts";
import {
  clearSignInFailures,
  createApiKey as insertApiKey,
  createLiveToken,
  createSession,
  entitiesOf,
  findUserByEmail,
  recordSignInFailure,
  signInBlockedFor,
} from "../db/control.ts";
import { latestSeq, readEvents } from "../db/events.ts";
import type { Role } from "../domain/access.ts";
import { DomainError } from "../domain/errors.ts";
import type { Environment, Principal } from "../env.ts";
import { DUMMY_PASSWORD_HASH, sha256Hex, verifyPassword } from "../lib/crypto.ts";
import type { ActionContext } from "./context.ts";

export interface ControlPlane {
  control: D1Database;
  environment: Environment;
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
 * Sign in with email and password. Failures are limited per (email, client); unknown emails are
 * verified against a dummy hash, so timing does not reveal who has an account.
 */
export async function signIn(cp: ControlPlane, input: { email: string; password: string; client: string }) {
  const limitKey = await sha256Hex(`${input.email.toLowerCase()}|${input.client}`);
  const retryAfter = await signInBlockedFor(cp.control, limitKey);
  if (retryAfter > 0) return { ok: false as const, retryAfter };
  const user = await findUserByEmail(cp.control, input.email);
  const ok = await verifyPassword(input.password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) {
    await recordSignInFailure(cp.control, limitKey);
    throw new DomainError("invalid_credentials", "Email or password is wrong");
  }
  await clearSignInFailures(cp.control, limitKey);
  const session = await createSession(cp.control, user.id, cp.environment);
  return { ok: true as const, session, user: { id: user.id, email: user.email, name: user.name } };
}

/** A new API key of this entity; the key itself is in the result only, its hash in the control plane. */
export function createApiKey(cp: ControlPlane, ctx: ActionContext, input: { name: string; role: Role }) {
  return insertApiKey(cp.control, {
    entityId: ctx.entity.id,
    name: input.name,
    role: input.role,
    environment: cp.environment,
    createdBy: JSON.stringify(ctx.actor),
    requestId: ctx.requestId ?? "",
  });
}

/** A short-lived token a socket presents to /parties/entity-room/<entityId>. */
export async function liveToken(cp: ControlPlane, ctx: ActionContext, principal: Principal) {
  return { ...(await createLiveToken(cp.control, ctx.entity.id, principal)), entityId: ctx.entity.id };
}

/** The entity's events after `after`, in seq order, and the cursor of the next page. */
export async function events(ctx: ActionContext, after: number, limit: number): Promise<{ items: EntityEvent[]; after: string | null }> {
  const items = await readEvents(ctx.db, after, limit);
  return { items, after: items.length === limit ? String(items[items.length - 1].seq) : null };
}

export const currentSeq = async (ctx: ActionContext) => ({ seq: await latestSeq(ctx.db) });
