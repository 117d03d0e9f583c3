// Control-plane reads and writes: users, sessions, entities registry, memberships, API keys.
import { and, asc, eq, getTableColumns, gt, isNull, lt, or, sql, type Placeholder } from "drizzle-orm";
import type { Role } from "../domain/access.ts";
import { isRole } from "../domain/access.ts";
import type { EntityRecord, Environment, Principal } from "../env.ts";
import { newId, randomToken, sha256Hex } from "../lib/crypto.ts";
import { orm, preparedFor, type Orm } from "./orm.ts";
import { apiKeys, controlAudit, entities, liveTokens, memberships, sessions, signInFailures, users } from "./schema/control.ts";

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const LIVE_TOKEN_TTL_MS = 60 * 1000;

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
export async function createSession(db: D1Database, userId: string, environment: Environment) {
  const token = `ks_${environment}_${randomToken()}`;
  const now = Date.now();
  await orm(db)
    .insert(sessions)
    .values({
      id: newId("ses"),
      tokenHash: await sha256Hex(token),
      userId,
      environment,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + SESSION_TTL_MS).toISOString(),
    });
  return { token, expiresAt: new Date(now + SESSION_TTL_MS) };
}

export async function deleteSession(db: D1Database, token: string) {
  await orm(db).delete(sessions).where(eq(sessions.tokenHash, await sha256Hex(token)));
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

export async function principalFromApiKey(db: D1Database, key: string, environment: Environment): Promise<Principal | null> {
  if (!key.startsWith(`kk_${environment}_`)) return null;
  const row = await orm(db)
    .select({ id: apiKeys.id, name: apiKeys.name, entityId: apiKeys.entityId, role: apiKeys.role })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, await sha256Hex(key)), eq(apiKeys.environment, environment), isNull(apiKeys.revokedAt)))
    .get();
  if (!row || !isRole(row.role)) return null;
  return { kind: "api_key", keyId: row.id, name: row.name, entityId: row.entityId, role: row.role };
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
  input: { entityId: string; name: string; role: Role; environment: Environment; createdBy: string; requestId: string },
) {
  const id = newId("key");
  const key = `kk_${input.environment}_${randomToken()}`;
  const at = new Date().toISOString();
  const d = orm(db);
  // The key and its audit row in one batch: the audit lives in the control plane with the key.
  await d.batch([
    d.insert(apiKeys).values({
      id,
      entityId: input.entityId,
      name: input.name,
      role: input.role,
      keyHash: await sha256Hex(key),
      keyPrefix: key.slice(0, 16),
      environment: input.environment,
      createdBy: input.createdBy,
      createdAt: at,
    }),
    d.insert(controlAudit).values({
      id: newId("aud"),
      at,
      actor: input.createdBy,
      action: "api_key.created",
      entityId: input.entityId,
      subjectType: "api_key",
      subjectId: id,
      data: { name: input.name, role: input.role },
      requestId: input.requestId,
    }),
  ]);
  return { id, name: input.name, role: input.role, key, createdAt: at };
}

export async function createLiveToken(db: D1Database, entityId: string, principal: Principal) {
  const token = `kl_${randomToken()}`;
  const expiresAt = new Date(Date.now() + LIVE_TOKEN_TTL_MS).toISOString();
  const d = orm(db);
  await d.batch([
    d.delete(liveTokens).where(lt(liveTokens.expiresAt, new Date().toISOString())),
    d.insert(liveTokens).values({ tokenHash: await sha256Hex(token), entityId, principal, expiresAt }),
  ]);
  return { token, expiresAt };
}

export async function principalFromLiveToken(db: D1Database, token: string, entityId: string): Promise<Principal | null> {
  const row = await orm(db)
    .select({ principal: liveTokens.principal })
    .from(liveTokens)
    .where(and(eq(liveTokens.tokenHash, await sha256Hex(token)), eq(liveTokens.entityId, entityId), gt(liveTokens.expiresAt, new Date().toISOString())))
    .get();
  return row?.principal ?? null;
}

// ---- failed sign-in rate limit: a fixed window per (email, client) ----
export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

export async function signInBlockedFor(db: D1Database, key: string): Promise<number> {
  const row = await orm(db)
    .select({ windowStart: signInFailures.windowStart, failures: signInFailures.failures })
    .from(signInFailures)
    .where(eq(signInFailures.key, key))
    .get();
  if (!row) return 0;
  const retryAt = row.windowStart + SIGN_IN_WINDOW_MS;
  if (row.failures >= SIGN_IN_MAX_FAILURES && retryAt > Date.now()) return Math.ceil((retryAt - Date.now()) / 1000);
  return 0;
}

export async function recordSignInFailure(db: D1Database, key: string) {
  const now = Date.now();
  // One upsert: a window that has run out starts again at 1.
  const expired = sql`${signInFailures.windowStart} + ${SIGN_IN_WINDOW_MS} <= ${now}`;
  await orm(db)
    .insert(signInFailures)
    .values({ key, windowStart: now, failures: 1 })
    .onConflictDoUpdate({
      target: signInFailures.key,
      set: {
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${signInFailures.failures} + 1 END`,
        windowStart: sql`CASE WHEN ${expired} THEN ${now} ELSE ${signInFailures.windowStart} END`,
      },
    });
}

export async function clearSignInFailures(db: D1Database, key: string) {
  await orm(db).delete(signInFailures).where(eq(signInFailures.key, key));
}

// ---- the hot path: one prepared query per credential kind and database ----

function sessionAccessQuery(d: Orm) {
  const idOrSlug = sql.placeholder("idOrSlug");
  const environment = sql.placeholder("environment");
  return d
    .select({
      sessionId: sessions.id,
      userId: users.id,
      userEmail: users.email,
      userName: users.name,
      entity: entityColumns,
      roles: memberships.roles,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(entities, entityNamed(idOrSlug, environment))
    .leftJoin(memberships, and(eq(memberships.entityId, entities.id), eq(memberships.userId, users.id)))
    .where(and(eq(sessions.tokenHash, sql.placeholder("tokenHash")), eq(sessions.environment, environment), gt(sessions.expiresAt, sql.placeholder("now"))))
    .prepare();
}

function apiKeyAccessQuery(d: Orm) {
  const environment = sql.placeholder("environment");
  return d
    .select({ keyId: apiKeys.id, keyName: apiKeys.name, keyEntity: apiKeys.entityId, keyRole: apiKeys.role, entity: entityColumns })
    .from(apiKeys)
    .leftJoin(entities, and(eq(entities.id, apiKeys.entityId), entityNamed(sql.placeholder("idOrSlug"), environment)))
    .where(and(eq(apiKeys.keyHash, sql.placeholder("keyHash")), eq(apiKeys.environment, environment), isNull(apiKeys.revokedAt)))
    .prepare();
}

const sessionAccess = new WeakMap<D1Database, ReturnType<typeof sessionAccessQuery>>();
const apiKeyAccess = new WeakMap<D1Database, ReturnType<typeof apiKeyAccessQuery>>();

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
): Promise<{ principal: Principal; entity: EntityRecord | null; roles: Role[] } | null> {
  if ("session" in credential) {
    if (!credential.session.startsWith(`ks_${environment}_`)) return null;
    const row = await preparedFor(sessionAccess, db, sessionAccessQuery).get({
      tokenHash: await sha256Hex(credential.session),
      idOrSlug,
      environment,
      now: new Date().toISOString(),
    });
    if (!row) return null;
    const principal: Principal = { kind: "user", userId: row.userId, email: row.userEmail, name: row.userName, sessionId: row.sessionId };
    const roles = rolesOf(row.roles);
    return { principal, entity: row.entity && roles.length ? row.entity : null, roles };
  }
  if (!credential.apiKey.startsWith(`kk_${environment}_`)) return null;
  const row = await preparedFor(apiKeyAccess, db, apiKeyAccessQuery).get({ keyHash: await sha256Hex(credential.apiKey), idOrSlug, environment });
  if (!row || !isRole(row.keyRole)) return null;
  const principal: Principal = { kind: "api_key", keyId: row.keyId, name: row.keyName, entityId: row.keyEntity, role: row.keyRole };
  return { principal, entity: row.entity, roles: [row.keyRole] };
}
