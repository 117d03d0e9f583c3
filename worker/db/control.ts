// Control-plane reads and writes: users, sessions, entities registry, memberships, API keys.
import type { Role } from "../domain/access.ts";
import { isRole } from "../domain/access.ts";
import type { EntityRecord, Environment, Principal } from "../env.ts";
import { newId, randomToken, sha256Hex } from "../lib/crypto.ts";

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const LIVE_TOKEN_TTL_MS = 60 * 1000;

interface EntityRow {
  id: string;
  slug: string;
  name: string;
  legal_name: string;
  country: string;
  currency: string;
  timezone: string;
  binding: string;
  environment: Environment;
  status: string;
}

export function entityFromRow(row: EntityRow): EntityRecord {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    legalName: row.legal_name,
    country: row.country,
    currency: row.currency,
    timezone: row.timezone,
    binding: row.binding,
    environment: row.environment,
    status: row.status,
  };
}

export async function findUserByEmail(db: D1Database, email: string) {
  return db
    .prepare("SELECT id, email, name, password_hash FROM users WHERE email = ?")
    .bind(email)
    .first<{ id: string; email: string; name: string; password_hash: string }>();
}

/** Creates a session and returns its bearer token (only its hash is stored). Tokens name their environment. */
export async function createSession(db: D1Database, userId: string, environment: Environment) {
  const token = `ks_${environment}_${randomToken()}`;
  const now = Date.now();
  await db
    .prepare("INSERT INTO sessions (id, token_hash, user_id, environment, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(newId("ses"), await sha256Hex(token), userId, environment, new Date(now).toISOString(), new Date(now + SESSION_TTL_MS).toISOString())
    .run();
  return { token, expiresAt: new Date(now + SESSION_TTL_MS) };
}

export async function deleteSession(db: D1Database, token: string) {
  await db.prepare("DELETE FROM sessions WHERE token_hash = ?").bind(await sha256Hex(token)).run();
}

/** A session of another environment never authenticates here, even if its row were present. */
export async function principalFromSession(db: D1Database, token: string, environment: Environment): Promise<Principal | null> {
  if (!token.startsWith(`ks_${environment}_`)) return null;
  const row = await db
    .prepare(
      `SELECT s.id AS session_id, u.id AS user_id, u.email, u.name
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ? AND s.environment = ? AND s.expires_at > ?`,
    )
    .bind(await sha256Hex(token), environment, new Date().toISOString())
    .first<{ session_id: string; user_id: string; email: string; name: string }>();
  if (!row) return null;
  return { kind: "user", userId: row.user_id, email: row.email, name: row.name, sessionId: row.session_id };
}

export async function principalFromApiKey(db: D1Database, key: string, environment: Environment): Promise<Principal | null> {
  if (!key.startsWith(`kk_${environment}_`)) return null;
  const row = await db
    .prepare("SELECT id, name, entity_id, role FROM api_keys WHERE key_hash = ? AND environment = ? AND revoked_at IS NULL")
    .bind(await sha256Hex(key), environment)
    .first<{ id: string; name: string; entity_id: string; role: string }>();
  if (!row || !isRole(row.role)) return null;
  return { kind: "api_key", keyId: row.id, name: row.name, entityId: row.entity_id, role: row.role };
}

/** `{entity}` in a path is an id or a slug; only entities of this environment exist here. */
export async function findEntity(db: D1Database, idOrSlug: string, environment: Environment): Promise<EntityRecord | null> {
  const row = await db
    .prepare("SELECT * FROM entities WHERE (id = ?1 OR slug = ?1) AND environment = ?2")
    .bind(idOrSlug, environment)
    .first<EntityRow>();
  return row ? entityFromRow(row) : null;
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
  const row = await db
    .prepare(
      `SELECT e.*, m.roles AS member_roles FROM entities e
         JOIN memberships m ON m.entity_id = e.id AND m.user_id = ?1
        WHERE (e.id = ?2 OR e.slug = ?2) AND e.environment = ?3`,
    )
    .bind(principal.userId, idOrSlug, environment)
    .first<EntityRow & { member_roles: string }>();
  if (!row) return null;
  const roles = (JSON.parse(row.member_roles) as unknown[]).filter(isRole);
  if (roles.length === 0) return null;
  return { entity: entityFromRow(row), roles };
}

export async function entitiesOf(db: D1Database, principal: Principal, environment: Environment) {
  if (principal.kind === "api_key") {
    const row = await db
      .prepare("SELECT * FROM entities WHERE id = ? AND environment = ?")
      .bind(principal.entityId, environment)
      .first<EntityRow>();
    return row ? [{ entity: entityFromRow(row), roles: [principal.role] as Role[] }] : [];
  }
  const { results } = await db
    .prepare(
      `SELECT e.*, m.roles AS member_roles FROM entities e
         JOIN memberships m ON m.entity_id = e.id
        WHERE m.user_id = ? AND e.environment = ?
        ORDER BY e.name`,
    )
    .bind(principal.userId, environment)
    .all<EntityRow & { member_roles: string }>();
  return results
    .map((row) => ({ entity: entityFromRow(row), roles: (JSON.parse(row.member_roles) as unknown[]).filter(isRole) }))
    .filter((e) => e.roles.length > 0);
}

export async function createApiKey(
  db: D1Database,
  input: { entityId: string; name: string; role: Role; environment: Environment; createdBy: string; requestId: string },
) {
  const id = newId("key");
  const key = `kk_${input.environment}_${randomToken()}`;
  const at = new Date().toISOString();
  await db.batch([
    db
      .prepare(
        "INSERT INTO api_keys (id, entity_id, name, role, key_hash, key_prefix, environment, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(id, input.entityId, input.name, input.role, await sha256Hex(key), key.slice(0, 16), input.environment, input.createdBy, at),
    db
      .prepare(
        "INSERT INTO control_audit (id, at, actor, action, entity_id, subject_type, subject_id, data, request_id) VALUES (?, ?, ?, 'api_key.created', ?, 'api_key', ?, ?, ?)",
      )
      .bind(newId("aud"), at, input.createdBy, input.entityId, id, JSON.stringify({ name: input.name, role: input.role }), input.requestId),
  ]);
  return { id, name: input.name, role: input.role, key, createdAt: at };
}

export async function createLiveToken(db: D1Database, entityId: string, principal: Principal) {
  const token = `kl_${randomToken()}`;
  const expiresAt = new Date(Date.now() + LIVE_TOKEN_TTL_MS).toISOString();
  await db.batch([
    db.prepare("DELETE FROM live_tokens WHERE expires_at < ?").bind(new Date().toISOString()),
    db
      .prepare("INSERT INTO live_tokens (token_hash, entity_id, principal, expires_at) VALUES (?, ?, ?, ?)")
      .bind(await sha256Hex(token), entityId, JSON.stringify(principal), expiresAt),
  ]);
  return { token, expiresAt };
}

export async function principalFromLiveToken(db: D1Database, token: string, entityId: string): Promise<Principal | null> {
  const row = await db
    .prepare("SELECT principal FROM live_tokens WHERE token_hash = ? AND entity_id = ? AND expires_at > ?")
    .bind(await sha256Hex(token), entityId, new Date().toISOString())
    .first<{ principal: string }>();
  return row ? (JSON.parse(row.principal) as Principal) : null;
}

// ---- failed sign-in rate limit: a fixed window per (email, client) ----
export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

export async function signInBlockedFor(db: D1Database, key: string): Promise<number> {
  const row = await db
    .prepare("SELECT window_start, failures FROM sign_in_failures WHERE key = ?")
    .bind(key)
    .first<{ window_start: number; failures: number }>();
  if (!row) return 0;
  const retryAt = row.window_start + SIGN_IN_WINDOW_MS;
  if (row.failures >= SIGN_IN_MAX_FAILURES && retryAt > Date.now()) return Math.ceil((retryAt - Date.now()) / 1000);
  return 0;
}

export async function recordSignInFailure(db: D1Database, key: string) {
  const now = Date.now();
  await db
    .prepare(
      `INSERT INTO sign_in_failures (key, window_start, failures) VALUES (?1, ?2, 1)
       ON CONFLICT(key) DO UPDATE SET
         failures = CASE WHEN window_start + ?3 <= ?2 THEN 1 ELSE failures + 1 END,
         window_start = CASE WHEN window_start + ?3 <= ?2 THEN ?2 ELSE window_start END`,
    )
    .bind(key, now, SIGN_IN_WINDOW_MS)
    .run();
}

export async function clearSignInFailures(db: D1Database, key: string) {
  await db.prepare("DELETE FROM sign_in_failures WHERE key = ?").bind(key).run();
}

type AccessRow = EntityRow & { member_roles: string | null; found: string | null };

/**
 * The hot path of every entity-scoped request: credential -> principal -> entity -> roles, in ONE
 * control-plane query. `entity` is null when it does not exist here or the principal has no roles in it.
 */
export async function resolveEntityAccess(
  db: D1Database,
  credential: { session: string } | { apiKey: string },
  idOrSlug: string,
  environment: Environment,
): Promise<{ principal: Principal; entity: EntityRecord | null; roles: Role[] } | null> {
  const now = new Date().toISOString();
  if ("session" in credential) {
    if (!credential.session.startsWith(`ks_${environment}_`)) return null;
    const row = await db
      .prepare(
        `SELECT s.id AS session_id, u.id AS user_id, u.email AS user_email, u.name AS user_name,
                e.*, e.id AS found, m.roles AS member_roles
           FROM sessions s JOIN users u ON u.id = s.user_id
           LEFT JOIN entities e ON (e.id = ?2 OR e.slug = ?2) AND e.environment = ?3
           LEFT JOIN memberships m ON m.entity_id = e.id AND m.user_id = u.id
          WHERE s.token_hash = ?1 AND s.environment = ?3 AND s.expires_at > ?4`,
      )
      .bind(await sha256Hex(credential.session), idOrSlug, environment, now)
      .first<AccessRow & { session_id: string; user_id: string; user_email: string; user_name: string }>();
    if (!row) return null;
    const principal: Principal = { kind: "user", userId: row.user_id, email: row.user_email, name: row.user_name, sessionId: row.session_id };
    const roles = row.member_roles ? (JSON.parse(row.member_roles) as unknown[]).filter(isRole) : [];
    return { principal, entity: row.found && roles.length ? entityFromRow(row) : null, roles };
  }
  if (!credential.apiKey.startsWith(`kk_${environment}_`)) return null;
  const row = await db
    .prepare(
      `SELECT k.id AS key_id, k.name AS key_name, k.entity_id AS key_entity, k.role AS key_role, e.*, e.id AS found
         FROM api_keys k
         LEFT JOIN entities e ON e.id = k.entity_id AND (e.id = ?2 OR e.slug = ?2) AND e.environment = ?3
        WHERE k.key_hash = ?1 AND k.environment = ?3 AND k.revoked_at IS NULL`,
    )
    .bind(await sha256Hex(credential.apiKey), idOrSlug, environment)
    .first<AccessRow & { key_id: string; key_name: string; key_entity: string; key_role: string }>();
  if (!row || !isRole(row.key_role)) return null;
  const principal: Principal = { kind: "api_key", keyId: row.key_id, name: row.key_name, entityId: row.key_entity, role: row.key_role };
  return { principal, entity: row.found ? entityFromRow(row) : null, roles: [row.key_role] };
}
