// XeroConnection: one Durable Object per entity's Xero connection, the one writer of its tokens. It stores
// a new connection, hands out access tokens, refreshing them before they expire — one refresh at a time,
// however many callers wait (Xero rotates refresh tokens: two concurrent refreshes would lose the
// connection) — marks the connection RECONNECT_REQUIRED when Xero refuses the refresh, and holds the
// organisation's call budget, and the lease that lets one sync run at a time write to the organisation (so
// two runs never send the same object twice or out of order). D1 keeps the tokens (sealed); the object
// keeps only what is in flight.
import { DurableObject } from "cloudflare:workers";
import type { Actor } from "../../../party/protocol.ts";
import { ChangeSet } from "../../db/changes.ts";
import { findConnection, recordConnected, recordDisconnected, recordRefreshed, recordState, type ConnectionRow } from "../../db/integrations.ts";
import { DomainError } from "../../domain/errors.ts";
import type { EntityRecord, Env } from "../../env.ts";
import { publishEvents } from "../../live.ts";
import { seal, unseal } from "../../lib/seal.ts";
import { budgetOf, observe, take, type Budget, type LimitHeaders } from "./budget.ts";
import { sealedFor, xeroConfig, type XeroConfig } from "./config.ts";
import { accessTokenClaims, deleteConnection, exchangeCode, refreshTokens, revoke, tenantConnections, type TokenSet } from "./oauth.ts";

export const PROVIDER = "xero";
/** Refresh when less than this is left of an access token (Xero's live 30 minutes). */
export const REFRESH_MARGIN_MS = 2 * 60_000;
const SYSTEM: Actor = { type: "system", id: "xero", name: "Xero connection" };

/** RPC results carry codes, not thrown errors (an error's fields do not survive the RPC boundary). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string; retryAfterMs?: number };
const fail = (code: string, message: string, retryAfterMs?: number): { ok: false; code: string; message: string; retryAfterMs?: number } => ({ ok: false, code, message, ...(retryAfterMs ? { retryAfterMs } : {}) });

export interface ConnectInput {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  actor: Actor;
  requestId: string | null;
}

export interface ConnectionFacts {
  tenantId: string;
  tenantName: string;
  state: ConnectionRow["state"];
}

/** How long a sync run's lease lasts without a renewal (each chunk renews it; a chunk takes seconds). */
export const SYNC_LEASE_MS = 60_000;

interface SyncLease {
  run: string;
  until: number;
}

export interface AccessGrant {
  accessToken: string;
  tenantId: string;
}

/** The object of an entity's connection (named by environment and entity: one per connection). */
export function connectionObject(env: Env, entity: EntityRecord) {
  return env.XeroConnection.get(env.XeroConnection.idFromName(`${env.ENVIRONMENT}:${entity.id}:${PROVIDER}`));
}

export class XeroConnection extends DurableObject<Env> {
  private refreshing: Promise<Outcome<AccessGrant>> | null = null;
  private budget: Budget | null = null;

  private db(entity: EntityRecord): D1Database {
    const db = this.env[entity.binding] as D1Database | undefined;
    if (!db) throw new DomainError("entity_unavailable", `Entity '${entity.slug}' is not available right now`);
    return db;
  }

  private async commit(entity: EntityRecord, changes: ChangeSet) {
    const events = await changes.commit();
    await publishEvents(this.env, entity, events);
  }

  private async sealTokens(config: XeroConfig, entity: EntityRecord, tokens: TokenSet, now: number) {
    return {
      accessToken: await seal(config.key, tokens.accessToken, sealedFor(config, entity, "access")),
      refreshToken: await seal(config.key, tokens.refreshToken, sealedFor(config, entity, "refresh")),
      accessExpiresAt: new Date(now + tokens.expiresIn * 1000).toISOString(),
      scopes: tokens.scope,
    };
  }

  /** The callback's code → tokens → the organisation this consent connected → the stored connection. */
  async establish(entity: EntityRecord, input: ConnectInput): Promise<Outcome<ConnectionFacts>> {
    const config = await xeroConfig(this.env);
    const exchanged = await exchangeCode(config, { code: input.code, verifier: input.codeVerifier, redirectUri: input.redirectUri });
    if (!exchanged.ok) return fail("token_exchange_failed", `Xero refused the authorization code (${exchanged.error})`);
    const claims = accessTokenClaims(exchanged.tokens.accessToken);
    const authEventId = typeof claims.authentication_event_id === "string" ? claims.authentication_event_id : null;
    const tenants = await tenantConnections(config, exchanged.tokens.accessToken, authEventId);
    if (!tenants) return fail("xero_unavailable", "Xero's connections could not be read");
    const tenant = tenants.find((t) => t.tenantType === "ORGANISATION") ?? tenants[0];
    if (!tenant) return fail("no_organisation", "No Xero organisation was chosen on the consent page");
    const db = this.db(entity);
    const previous = await findConnection(db, PROVIDER);
    const now = Date.now();
    const changes = new ChangeSet(db, input.actor, input.requestId);
    const row = {
      provider: PROVIDER,
      environment: config.environment,
      tenantId: tenant.tenantId,
      tenantName: tenant.tenantName,
      connectionId: tenant.id,
      state: "CONNECTED" as const,
      ...(await this.sealTokens(config, entity, exchanged.tokens, now)),
      connectedBy: input.actor.id,
      connectedAt: changes.at,
      refreshedAt: null,
      lastError: null,
      updatedAt: changes.at,
    };
    recordConnected(changes, row, previous);
    await this.commit(entity, changes);
    // Another organisation, perhaps: its budget starts afresh (in storage too, or the old one is read back).
    this.budget = null;
    await this.ctx.storage.delete("budget");
    return { ok: true, value: { tenantId: tenant.tenantId, tenantName: tenant.tenantName, state: "CONNECTED" } };
  }

  /** A live access token for the connection's organisation, refreshed first when it is about to expire. */
  async accessToken(entity: EntityRecord): Promise<Outcome<AccessGrant>> {
    const config = await xeroConfig(this.env);
    const row = await findConnection(this.db(entity), PROVIDER);
    const ready = await this.usable(config, entity, row);
    if (ready) return ready;
    // Single flight: callers that arrive while a refresh runs share its result.
    this.refreshing ??= this.refresh(config, entity).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** The stored token if it is still good; null when it needs a refresh. */
  private async usable(config: XeroConfig, entity: EntityRecord, row: ConnectionRow | null): Promise<Outcome<AccessGrant> | null> {
    if (!row || row.environment !== config.environment) return fail("integration_not_connected", "Xero is not connected");
    if (row.state !== "CONNECTED") return fail("reconnect_required", "Xero needs to be connected again");
    if (Date.parse(row.accessExpiresAt) - Date.now() <= REFRESH_MARGIN_MS) return null;
    const accessToken = await unseal(config.key, row.accessToken, sealedFor(config, entity, "access"));
    if (!accessToken) return fail("reconnect_required", "The stored Xero tokens cannot be read with this environment's key");
    return { ok: true, value: { accessToken, tenantId: row.tenantId } };
  }

  private async refresh(config: XeroConfig, entity: EntityRecord): Promise<Outcome<AccessGrant>> {
    const db = this.db(entity);
    // Read again inside the flight: a refresh that finished a moment ago already rotated the token.
    const row = await findConnection(db, PROVIDER);
    const ready = await this.usable(config, entity, row);
    if (ready) return ready;
    const refreshToken = await unseal(config.key, row!.refreshToken, sealedFor(config, entity, "refresh"));
    const refreshed = refreshToken ? await refreshTokens(config, refreshToken) : ({ ok: false, permanent: true, error: "unreadable refresh token" } as const);
    if (!refreshed.ok) {
      if (!refreshed.permanent) return fail("xero_unavailable", `Xero's token endpoint failed (${refreshed.error}); try again`, refreshed.retryAfterMs ?? 5_000);
      const changes = new ChangeSet(db, SYSTEM, null);
      recordState(changes, row!, "RECONNECT_REQUIRED", `Xero refused the refresh (${refreshed.error})`);
      await this.commit(entity, changes).catch((error: unknown) => console.error("marking the Xero connection failed", entity.id, error));
      return fail("reconnect_required", "Xero refused to refresh the connection: connect it again");
    }
    const changes = new ChangeSet(db, SYSTEM, null);
    recordRefreshed(changes, row!, await this.sealTokens(config, entity, refreshed.tokens, Date.now()));
    await this.commit(entity, changes);
    return { ok: true, value: { accessToken: refreshed.tokens.accessToken, tenantId: row!.tenantId } };
  }

  /** Revoke at Xero (best effort: a dead token must not keep the entity connected) and forget the connection. */
  async disconnect(entity: EntityRecord, actor: Actor, requestId: string | null): Promise<Outcome<ConnectionFacts>> {
    const config = await xeroConfig(this.env);
    const db = this.db(entity);
    const row = await findConnection(db, PROVIDER);
    if (!row) return fail("integration_not_connected", "Xero is not connected");
    const grant = row.state === "CONNECTED" ? await this.accessToken(entity) : null;
    if (grant?.ok) await deleteConnection(config, grant.value.accessToken, row.connectionId);
    const current = (await findConnection(db, PROVIDER)) ?? row;
    const refreshToken = await unseal(config.key, current.refreshToken, sealedFor(config, entity, "refresh"));
    if (refreshToken) await revoke(config, refreshToken);
    const changes = new ChangeSet(db, actor, requestId);
    recordDisconnected(changes, current);
    await this.commit(entity, changes);
    this.budget = null;
    await this.ctx.storage.delete("budget");
    return { ok: true, value: { tenantId: row.tenantId, tenantName: row.tenantName, state: row.state } };
  }

  private async loadBudget(now: number): Promise<Budget> {
    this.budget ??= budgetOf(await this.ctx.storage.get<Partial<Budget>>("budget"), now);
    return this.budget;
  }

  /** Take `calls` from the organisation's budget, or learn how long to wait (the caller retries later). */
  async acquire(calls = 1, now = Date.now()): Promise<{ granted: boolean; waitMs: number }> {
    const taken = take(await this.loadBudget(now), now, calls);
    this.budget = taken.budget;
    await this.ctx.storage.put("budget", this.budget);
    return { granted: taken.waitMs === 0, waitMs: taken.waitMs };
  }

  /**
   * The connection's one sync run at a time: `run` holds the lease until it releases it or `ttlMs` passes
   * without a renewal (a run that died lets the next one in). Claiming again with the same `run` renews it;
   * another run is told how long the holder's lease has left. One method, no I/O between the read and the
   * write: the object's input gate makes the claim atomic.
   */
  async claimSync(run: string, ttlMs = SYNC_LEASE_MS, now = Date.now()): Promise<{ granted: boolean; holder: string | null; waitMs: number }> {
    const lease = await this.ctx.storage.get<SyncLease>("sync-lease");
    if (lease && lease.run !== run && lease.until > now) return { granted: false, holder: lease.run, waitMs: lease.until - now };
    await this.ctx.storage.put("sync-lease", { run, until: now + ttlMs } satisfies SyncLease);
    return { granted: true, holder: run, waitMs: 0 };
  }

  /** Let the next run in (only the holder can). */
  async releaseSync(run: string): Promise<void> {
    const lease = await this.ctx.storage.get<SyncLease>("sync-lease");
    if (lease?.run === run) await this.ctx.storage.delete("sync-lease");
  }

  /** What Xero's answer said about the limits (X-MinLimit-Remaining, X-DayLimit-Remaining, Retry-After). */
  async observe(seen: LimitHeaders, now = Date.now()): Promise<void> {
    this.budget = observe(await this.loadBudget(now), seen, now);
    await this.ctx.storage.put("budget", this.budget);
  }
}
