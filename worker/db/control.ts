// Control-plane reads and writes: users, sessions, entities registry, memberships, API keys.
import { and, asc, desc, eq, getTableColumns, gt, inArray, isNull, lt, lte, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { Role } from "../domain/access.ts";
import { isRole } from "../domain/access.ts";
import type { EntityRecord, Environment, Principal } from "../env.ts";
import { newId, randomToken, sha256Hex } from "../lib/crypto.ts";
import { orm, preparedFor, type Orm } from "./orm.ts";
import { apiKeys, controlAudit, entities, liveTokens, memberships, sessions, signInFailures, users } from "./schema/control.ts";

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Long enough to fetch a token and open the socket; a token opens one socket only. */
export const LIVE_TOKEN_TTL_MS = 30 * 1000;
/** lastUsedAt is written at most this often per key: a write per request would double the hot path's D1 work. */
export const API_KEY_TOUCH_MS = 60 * 1000;

/** A control-plane change's audit row (control_audit), for the same batch as the change. */
export interface AuditOf {
  actor: string;
  requestId: string | null;
}

const auditRow = (d: Orm, at: string, audit: AuditOf, row: { action: string; entityId: string | null; subjectType: string; subjectId: string; data: Record<string, unknown> }) =>
  d.insert(controlAudit).values({ id: newId("aud"), at, actor: audit.actor, requestId: audit.requestId, ...row });

/** Raised by a control-plane batch whose guard matched nothing (the `batch_guards` view, migration 0002). */
const lostGuard = (error: unknown) => (error instanceof Error ? error.message : String(error)).includes("batch_guard:");

/** A live API key: not revoked, not past its expiry. */
const liveKey = (now: string | Placeholder): SQL => and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)))!;

/** The registry columns an EntityRecord carries. */
const { createdAt: _createdAt, ...entityColumns } = getTableColumns(entities);

/**
 * Kept for callers that read raw `entities` rows (snake_case); our own reads come typed from drizzle.
 */
export function entityFromRow(row: Record<string, unknown>): EntityRecord {
  return Object.fromEntries(Object.entries(entityColumns).map(([key, column]) => [key, row[column.name]])) as EntityRecord;
}

const rolesOf = (roles: unknown[] | null | undefined): Role[] => (roles ?? []).filter(isRole);

/** `{entity}` in a path is an id or a slug; only entities of this environment exist here. */
const entityNamed = (idOrSlug: string | Placeholder, environment: Environment | Placeholder) =>
  and(or(eq(entities.id, idOrSlug), eq(entities.slug, idOrSlug)), eq(entities.environment, environment));

export async function findUserByEmail(db: D1Database, email: string) {
  return (
    (await orm(db)
      .select({ id: users.id, email: users.email, name: users.name, password_hash: users.passwordHash })
      .from(users)
      .where(eq(users.email, email))
      .get()) ?? null
  );
}

/** Creates a session and returns its bearer token (only its hash is stored). Tokens name their environment. */
export async function createSession(db: D1Database, userId: string, environment: Environment, audit: AuditOf) {
  const token = `ks_${environment}_${randomToken()}`;
  const now = Date.now();
  const id = newId("ses");
  const at = new Date(now).toISOString();
  const expiresAt = new Date(now + SESSION_TTL_MS).toISOString();
  const d = orm(db);
  await d.batch([
    d.insert(sessions).values({ id, tokenHash: await sha256Hex(token), userId, environment, createdAt: at, expiresAt }),
    auditRow(d, at, audit, { action: "session.created", entityId: null, subjectType: "session", subjectId: id, data: { userId, expiresAt } }),
  ]);
  return { id, token, expiresAt: new Date(expiresAt) };
}

/**
 * Ends the session of `token`, with the live tokens minted from it, in one batch with its audit row.
 * The session's id and user are returned so its sockets can be closed; null when there was none.
 */
export async function endSession(db: D1Database, token: string, environment: Environment, audit: Omit<AuditOf, "actor">) {
  const d = orm(db);
  const row = await d
    .select({ id: sessions.id, userId: sessions.userId })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, await sha256Hex(token)), eq(sessions.environment, environment)))
    .get();
  if (!row) return null;
  const at = new Date().toISOString();
  await d.batch([
    d.delete(sessions).where(eq(sessions.id, row.id)),
    d.delete(liveTokens).where(eq(liveTokens.sessionId, row.id)),
    auditRow(d, at, { actor: JSON.stringify({ type: "user", id: row.userId }), requestId: audit.requestId }, {
      action: "session.ended",
      entityId: null,
      subjectType: "session",
      subjectId: row.id,
      data: { userId: row.userId },
    }),
  ]);
  return row;
}

/** The entities of this environment a user is a member of: the rooms that may hold their sockets. */
export async function memberEntityIds(db: D1Database, userId: string, environment: Environment): Promise<string[]> {
  const rows = await orm(db)
    .select({ id: entities.id })
    .from(memberships)
    .innerJoin(entities, eq(entities.id, memberships.entityId))
    .where(and(eq(memberships.userId, userId), eq(entities.environment, environment)));
  return rows.map((r) => r.id);
}

/** Removes a user's membership of an entity, in one batch with its audit row; false when there was none. */
export async function deleteMembership(db: D1Database, input: { userId: string; entityId: string }, audit: AuditOf): Promise<boolean> {
  const d = orm(db);
  const at = new Date().toISOString();
  try {
    await d.batch([
      d.delete(memberships).where(and(eq(memberships.userId, input.userId), eq(memberships.entityId, input.entityId))),
      d.run(sql`INSERT INTO batch_guards (matched) VALUES (changes())`),
      auditRow(d, at, audit, { action: "membership.removed", entityId: input.entityId, subjectType: "membership", subjectId: `${input.userId}:${input.entityId}`, data: { userId: input.userId } }),
    ]);
  } catch (error) {
    if (lostGuard(error)) return false;
    throw error;
  }
  return true;
}

/** A session of another environment never authenticates here, even if its row were present. */
export async function principalFromSession(db: D1Database, token: string, environment: Environment): Promise<Principal | null> {
  if (!token.startsWith(`ks_${environment}_`)) return null;
  const row = await orm(db)
    .select({ sessionId: sessions.id, userId: users.id, email: users.email, name: users.name })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, await sha256Hex(token)), eq(sessions.environment, environment), gt(sessions.expiresAt, new Date().toISOString())))
    .get();
  if (!row) return null;
  return { kind: "user", userId: row.userId, email: row.email, name: row.name, sessionId: row.sessionId };
}

/** A live key's principal, and when its use was last recorded (see `touchApiKey`). */
export async function principalFromApiKey(db: D1Database, key: string, environment: Environment): Promise<(Extract<Principal, { kind: "api_key" }> & { lastUsedAt: string | null }) | null> {
  if (!key.startsWith(`kk_${environment}_`)) return null;
  const row = await orm(db)
    .select({ id: apiKeys.id, name: apiKeys.name, entityId: apiKeys.entityId, role: apiKeys.role, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, await sha256Hex(key)), eq(apiKeys.environment, environment), liveKey(new Date().toISOString())))
    .get();
  if (!row || !isRole(row.role)) return null;
  return { kind: "api_key", keyId: row.id, name: row.name, entityId: row.entityId, role: row.role, lastUsedAt: row.lastUsedAt };
}

/** `{entity}` in a path is an id or a slug; only entities of this environment exist here. */
export async function findEntity(db: D1Database, idOrSlug: string, environment: Environment): Promise<EntityRecord | null> {
  return (await orm(db).select(entityColumns).from(entities).where(entityNamed(idOrSlug, environment)).get()) ?? null;
}

/** The entity plus the roles the principal holds in it, in one query; null when it has none. */
export async function entityWithRoles(
  db: D1Database,
  principal: Principal,
  idOrSlug: string,
  environment: Environment,
): Promise<{ entity: EntityRecord; roles: Role[] } | null> {
  if (principal.kind === "api_key") {
    const entity = await findEntity(db, idOrSlug, environment);
    if (!entity || entity.id !== principal.entityId) return null;
    return { entity, roles: [principal.role] };
  }
  const row = await orm(db)
    .select({ entity: entityColumns, roles: memberships.roles })
    .from(entities)
    .innerJoin(memberships, and(eq(memberships.entityId, entities.id), eq(memberships.userId, principal.userId)))
    .where(entityNamed(idOrSlug, environment))
    .get();
  if (!row) return null;
  const roles = rolesOf(row.roles);
  if (roles.length === 0) return null;
  return { entity: row.entity, roles };
}

export async function entitiesOf(db: D1Database, principal: Principal, environment: Environment) {
  if (principal.kind === "api_key") {
    const entity = await orm(db)
      .select(entityColumns)
      .from(entities)
      .where(and(eq(entities.id, principal.entityId), eq(entities.environment, environment)))
      .get();
    return entity ? [{ entity, roles: [principal.role] as Role[] }] : [];
  }
  const rows = await orm(db)
    .select({ entity: entityColumns, roles: memberships.roles })
    .from(entities)
    .innerJoin(memberships, eq(memberships.entityId, entities.id))
    .where(and(eq(memberships.userId, principal.userId), eq(entities.environment, environment)))
    .orderBy(asc(entities.name));
  return rows.map((row) => ({ entity: row.entity, roles: rolesOf(row.roles) })).filter((e) => e.roles.length > 0);
}

export async function createApiKey(
  db: D1Database,
  input: { entityId: string; name: string; role: Role; environment: Environment; expiresAt: string | null },
  audit: AuditOf,
) {
  const id = newId("key");
  const key = `kk_${input.environment}_${randomToken()}`;
  const at = new Date().toISOString();
  const prefix = key.slice(0, 16);
  const d = orm(db);
  // The key and its audit row in one batch: the audit lives in the control plane with the key.
  await d.batch([
    d.insert(apiKeys).values({
      id,
      entityId: input.entityId,
      name: input.name,
      role: input.role,
      keyHash: await sha256Hex(key),
      keyPrefix: prefix,
      environment: input.environment,
      createdBy: audit.actor,
      createdAt: at,
      expiresAt: input.expiresAt,
    }),
    auditRow(d, at, audit, {
      action: "api_key.created",
      entityId: input.entityId,
      subjectType: "api_key",
      subjectId: id,
      data: { name: input.name, role: input.role, expiresAt: input.expiresAt },
    }),
  ]);
  return { id, name: input.name, role: input.role, prefix, createdAt: at, lastUsedAt: null, expiresAt: input.expiresAt, key };
}

const apiKeyListColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  role: apiKeys.role,
  prefix: apiKeys.keyPrefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
};

/** The entity's keys that are not revoked (expired ones too: an admin sees them to clean up), newest first. */
export async function listApiKeys(db: D1Database, entityId: string, environment: Environment, page: { limit: number; after?: string }) {
  return orm(db)
    .select(apiKeyListColumns)
    .from(apiKeys)
    .where(and(eq(apiKeys.entityId, entityId), eq(apiKeys.environment, environment), isNull(apiKeys.revokedAt), page.after ? lt(apiKeys.id, page.after) : undefined))
    .orderBy(desc(apiKeys.id))
    .limit(page.limit);
}

/** Revokes a key of this entity, with its live tokens, in one batch with its audit row; null when there is no such live key. */
export async function revokeApiKey(db: D1Database, input: { entityId: string; id: string; environment: Environment }, audit: AuditOf) {
  const d = orm(db);
  const at = new Date().toISOString();
  const where = and(eq(apiKeys.id, input.id), eq(apiKeys.entityId, input.entityId), eq(apiKeys.environment, input.environment), isNull(apiKeys.revokedAt));
  try {
    const [revoked] = await d.batch([
      d.update(apiKeys).set({ revokedAt: at }).where(where).returning(apiKeyListColumns),
      d.run(sql`INSERT INTO batch_guards (matched) VALUES (changes())`),
      d.delete(liveTokens).where(eq(liveTokens.sessionId, input.id)),
      auditRow(d, at, audit, { action: "api_key.revoked", entityId: input.entityId, subjectType: "api_key", subjectId: input.id, data: {} }),
    ]);
    return revoked[0] ? { ...revoked[0], revokedAt: at } : null;
  } catch (error) {
    if (lostGuard(error)) return null;
    throw error;
  }
}

/** Records that a key was used, unless that was recorded less than API_KEY_TOUCH_MS ago (the WHERE makes it a no-op). */
export async function touchApiKey(db: D1Database, id: string, now = Date.now()) {
  const cutoff = new Date(now - API_KEY_TOUCH_MS).toISOString();
  await orm(db)
    .update(apiKeys)
    .set({ lastUsedAt: new Date(now).toISOString() })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, cutoff))));
}

/** Whether a key last used at `lastUsedAt` is due a touch: checked on the hot path before any write. */
export const apiKeyTouchDue = (lastUsedAt: string | null, now = Date.now()) => lastUsedAt === null || Date.parse(lastUsedAt) < now - API_KEY_TOUCH_MS;

/**
 * A single-use token for a socket of `entityId`, minted from the credential `sessionId` (a session or
 * an API key) and dying with it.
 */
export async function createLiveToken(db: D1Database, entityId: string, principal: Principal, sessionId: string) {
  const token = `kl_${randomToken()}`;
  const expiresAt = new Date(Date.now() + LIVE_TOKEN_TTL_MS).toISOString();
  await orm(db).insert(liveTokens).values({ tokenHash: await sha256Hex(token), entityId, principal, expiresAt, sessionId });
  return { token, expiresAt };
}

/**
 * Spends a live token: ONE statement marks it used, only if it is unused, unexpired, for this entity,
 * and its session (or API key) is still live, so two sockets racing on one token cannot both win.
 * Returns the principal, the credential id and when that credential expires (null: never).
 */
export async function consumeLiveToken(db: D1Database, token: string, entityId: string) {
  const now = new Date().toISOString();
  const liveSession = sql`(SELECT ${sessions.expiresAt} FROM ${sessions} WHERE ${sessions.id} = ${liveTokens.sessionId} AND ${sessions.expiresAt} > ${now})`;
  const liveApiKey = sql`(SELECT coalesce(${apiKeys.expiresAt}, '') FROM ${apiKeys} WHERE ${apiKeys.id} = ${liveTokens.sessionId} AND ${liveKey(now)})`;
  const row = await orm(db)
    .update(liveTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(liveTokens.tokenHash, await sha256Hex(token)),
        eq(liveTokens.entityId, entityId),
        isNull(liveTokens.usedAt),
        gt(liveTokens.expiresAt, now),
        sql`coalesce(${liveSession}, ${liveApiKey}) IS NOT NULL`,
      ),
    )
    .returning({ principal: liveTokens.principal, sessionId: liveTokens.sessionId, expiresAt: sql<string>`coalesce(${liveSession}, ${liveApiKey})` })
    .get();
  if (!row) return null;
  return { principal: row.principal, sessionId: row.sessionId, expiresAt: row.expiresAt || null };
}

/**
 * Which of these credentials (session or API key ids) still give access to `entityId`, and with
 * which roles now: sessions not expired whose user is still a member, keys of the entity neither
 * revoked nor expired. One round trip (D1 binds at most 100 values per statement, so ids go in chunks).
 */
export async function liveCredentials(db: D1Database, entityId: string, sessionIds: string[], now = new Date().toISOString()): Promise<Map<string, Role[]>> {
  const d = orm(db);
  const live = new Map<string, Role[]>();
  const sessionIdsOnly = sessionIds.filter((id) => id.startsWith("ses_"));
  const keyIds = sessionIds.filter((id) => id.startsWith("key_"));
  const queries = [];
  for (let i = 0; i < sessionIdsOnly.length; i += 90) {
    queries.push(
      d
        .select({ id: sessions.id, roles: memberships.roles })
        .from(sessions)
        .innerJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.entityId, entityId)))
        .where(and(inArray(sessions.id, sessionIdsOnly.slice(i, i + 90)), gt(sessions.expiresAt, now))),
    );
  }
  for (let i = 0; i < keyIds.length; i += 90) {
    queries.push(
      d
        .select({ id: apiKeys.id, roles: sql<string[]>`json_array(${apiKeys.role})`.mapWith((v: string) => JSON.parse(v) as string[]) })
        .from(apiKeys)
        .where(and(inArray(apiKeys.id, keyIds.slice(i, i + 90)), eq(apiKeys.entityId, entityId), liveKey(now))),
    );
  }
  if (!queries.length) return live;
  const results = await d.batch(queries as [(typeof queries)[number], ...(typeof queries)[number][]]);
  for (const rows of results) for (const row of rows) live.set(row.id, rolesOf(row.roles));
  return live;
}

/** Every entity of this environment, with the binding of its database (the registry names them). */
export async function entityBindings(db: D1Database, environment: Environment) {
  return orm(db).select({ id: entities.id, binding: entities.binding }).from(entities).where(eq(entities.environment, environment)).orderBy(asc(entities.id));
}

/** Rows of the control plane past their use: expired sessions and live tokens, sign-in windows run out. At most `limit` of each per call. */
export async function purgeControl(db: D1Database, now = Date.now(), limit = 500) {
  const at = new Date(now).toISOString();
  const d = orm(db);
  const oldest = <T extends SQL>(table: string, condition: T) => sql`rowid IN (SELECT rowid FROM ${sql.identifier(table)} WHERE ${condition} LIMIT ${limit})`;
  const [s, l, f] = await d.batch([
    d.delete(sessions).where(oldest("sessions", lte(sessions.expiresAt, at))),
    d.delete(liveTokens).where(oldest("live_tokens", or(lte(liveTokens.expiresAt, at), sql`${liveTokens.usedAt} IS NOT NULL`)!)),
    d.delete(signInFailures).where(oldest("sign_in_failures", sql`${signInFailures.windowStart} + ${SIGN_IN_WINDOW_MS} <= ${now}`)),
  ]);
  return { sessions: s.meta.changes, liveTokens: l.meta.changes, signInFailures: f.meta.changes };
}

// ---- sign-in rate limit: attempts per (email, client) in a fixed window ----
export const SIGN_IN_MAX_ATTEMPTS = 5;
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

/**
 * Counts a sign-in attempt BEFORE the password is checked, in ONE upsert that returns the new count:
 * parallel guesses each get their own number, so only the first SIGN_IN_MAX_ATTEMPTS are verified.
 * A window that has run out starts again at 1. Returns the seconds to wait when over the limit, else 0.
 */
export async function countSignInAttempt(db: D1Database, key: string, now = Date.now()): Promise<number> {
  const expired = sql`${signInFailures.windowStart} + ${SIGN_IN_WINDOW_MS} <= ${now}`;
  const row = await orm(db)
    .insert(signInFailures)
    .values({ key, windowStart: now, failures: 1 })
    .onConflictDoUpdate({
      target: signInFailures.key,
      set: {
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${signInFailures.failures} + 1 END`,
        windowStart: sql`CASE WHEN ${expired} THEN ${now} ELSE ${signInFailures.windowStart} END`,
      },
    })
    .returning({ attempts: signInFailures.failures, windowStart: signInFailures.windowStart })
    .get();
  if (row.attempts <= SIGN_IN_MAX_ATTEMPTS) return 0;
  return Math.max(1, Math.ceil((row.windowStart + SIGN_IN_WINDOW_MS - now) / 1000));
}

export async function clearSignInFailures(db: D1Database, key: string) {
  await orm(db).delete(signInFailures).where(eq(signInFailures.key, key));
}

// ---- the hot path: one prepared query per credential kind and database ----

/**
 * The entity's members as one JSON column of the access query, for the requests that need them (a
 * submit resolves its approvers among them): one control-plane round trip instead of two. Read only
 * when the entity row joined, and handed on only when the access it came with was granted.
 */
const membersColumn = sql<string | null>`(SELECT json_group_array(json_object('userId', mm.user_id, 'name', mu.name, 'email', mu.email, 'roles', json(mm.roles)) ORDER BY mu.name, mu.id) FROM memberships mm JOIN users mu ON mu.id = mm.user_id WHERE mm.entity_id = ${entities.id})`;

function sessionAccessQuery(d: Orm, withMembers = false) {
  const idOrSlug = sql.placeholder("idOrSlug");
  const environment = sql.placeholder("environment");
  return d
    .select({
      sessionId: sessions.id,
      sessionExpiresAt: sessions.expiresAt,
      userId: users.id,
      userEmail: users.email,
      userName: users.name,
      entity: entityColumns,
      roles: memberships.roles,
      members: withMembers ? membersColumn : sql<null>`NULL`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(entities, entityNamed(idOrSlug, environment))
    .leftJoin(memberships, and(eq(memberships.entityId, entities.id), eq(memberships.userId, users.id)))
    .where(and(eq(sessions.tokenHash, sql.placeholder("tokenHash")), eq(sessions.environment, environment), gt(sessions.expiresAt, sql.placeholder("now"))))
    .prepare();
}

function apiKeyAccessQuery(d: Orm, withMembers = false) {
  const environment = sql.placeholder("environment");
  return d
    .select({
      keyId: apiKeys.id,
      keyName: apiKeys.name,
      keyEntity: apiKeys.entityId,
      keyRole: apiKeys.role,
      keyExpiresAt: apiKeys.expiresAt,
      keyLastUsedAt: apiKeys.lastUsedAt,
      entity: entityColumns,
      members: withMembers ? membersColumn : sql<null>`NULL`,
    })
    .from(apiKeys)
    .leftJoin(entities, and(eq(entities.id, apiKeys.entityId), entityNamed(sql.placeholder("idOrSlug"), environment)))
    .where(and(eq(apiKeys.keyHash, sql.placeholder("keyHash")), eq(apiKeys.environment, environment), liveKey(sql.placeholder("now"))))
    .prepare();
}

const sessionAccess = new WeakMap<D1Database, ReturnType<typeof sessionAccessQuery>>();
const sessionAccessWithMembers = new WeakMap<D1Database, ReturnType<typeof sessionAccessQuery>>();
const apiKeyAccess = new WeakMap<D1Database, ReturnType<typeof apiKeyAccessQuery>>();
const apiKeyAccessWithMembers = new WeakMap<D1Database, ReturnType<typeof apiKeyAccessQuery>>();

export type EntityMember = { userId: string; name: string; email: string; roles: Role[] };

export interface EntityAccess {
  principal: Principal;
  entity: EntityRecord | null;
  roles: Role[];
  /** The credential: a session id, or an API key id. */
  sessionId: string;
  /** When the credential stops working (null: an API key without expiry). */
  expiresAt: string | null;
  /** An API key's last recorded use (null for sessions, and for a key never used). */
  lastUsedAt: string | null;
  /** The entity's members, when asked for and access was granted (as `entityMembers` reads them). */
  members?: EntityMember[];
}

/**
 * The hot path of every entity-scoped request: credential -> principal -> entity -> roles, in ONE
 * control-plane query. `entity` is null when it does not exist here or the principal has no roles in it.
 * The queries are drizzle prepared statements, built once per database: a request only binds values.
 */
export async function resolveEntityAccess(
  db: D1Database,
  credential: { session: string } | { apiKey: string },
  idOrSlug: string,
  environment: Environment,
  options: { members?: boolean } = {},
): Promise<EntityAccess | null> {
  if ("session" in credential) {
    if (!credential.session.startsWith(`ks_${environment}_`)) return null;
    const query = options.members ? preparedFor(sessionAccessWithMembers, db, (d) => sessionAccessQuery(d, true)) : preparedFor(sessionAccess, db, sessionAccessQuery);
    const row = await query.get({
      tokenHash: await sha256Hex(credential.session),
      idOrSlug,
      environment,
      now: new Date().toISOString(),
    });
    if (!row) return null;
    const principal: Principal = { kind: "user", userId: row.userId, email: row.userEmail, name: row.userName, sessionId: row.sessionId };
    const roles = rolesOf(row.roles);
    const entity = row.entity && roles.length ? row.entity : null;
    return { principal, entity, roles, sessionId: row.sessionId, expiresAt: row.sessionExpiresAt, lastUsedAt: null, ...membersOf(entity, row.members) };
  }
  if (!credential.apiKey.startsWith(`kk_${environment}_`)) return null;
  const keyQuery = options.members ? preparedFor(apiKeyAccessWithMembers, db, (d) => apiKeyAccessQuery(d, true)) : preparedFor(apiKeyAccess, db, apiKeyAccessQuery);
  const row = await keyQuery.get({
    keyHash: await sha256Hex(credential.apiKey),
    idOrSlug,
    environment,
    now: new Date().toISOString(),
  });
  if (!row || !isRole(row.keyRole)) return null;
  const principal: Principal = { kind: "api_key", keyId: row.keyId, name: row.keyName, entityId: row.keyEntity, role: row.keyRole };
  return { principal, entity: row.entity, roles: [row.keyRole], sessionId: row.keyId, expiresAt: row.keyExpiresAt, lastUsedAt: row.keyLastUsedAt, ...membersOf(row.entity, row.members) };
}

/** The members column, parsed and ordered as `entityMembers` answers — only beside a granted entity. */
function membersOf(entity: EntityRecord | null, column: string | null): { members?: EntityMember[] } {
  if (!entity || column === null) return {};
  return { members: membersWithRoles(JSON.parse(column) as MemberRow[]) };
}

type MemberRow = { userId: string; name: string; email: string; roles: unknown[] };

/** Members with the roles this code knows; one with none is no member. */
const membersWithRoles = (rows: MemberRow[]): EntityMember[] => rows.map((r) => ({ ...r, roles: rolesOf(r.roles) })).filter((m) => m.roles.length > 0);

/** The user ids that are members of an entity (approvers by user must be among them). */
export async function memberUserIds(db: D1Database, entityId: string): Promise<Set<string>> {
  const rows = await orm(db).select({ userId: memberships.userId }).from(memberships).where(eq(memberships.entityId, entityId));
  return new Set(rows.map((r) => r.userId));
}

/** The entity's members with their names and roles (approvers are resolved from them), in name order. */
export async function entityMembers(db: D1Database, entityId: string): Promise<EntityMember[]> {
  const rows = await orm(db)
    .select({ userId: memberships.userId, name: users.name, email: users.email, roles: memberships.roles })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.entityId, entityId))
    .orderBy(asc(users.name), asc(users.id));
  return membersWithRoles(rows);
}
