// Queries and change rows of an entity's integration: its connection, OAuth states in flight, sync state.
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { ChangeSet } from "./changes.ts";
import { orm } from "./orm.ts";
import { integrationConnections, integrationMappings, oauthStates, products, syncObjects, taxRates, type ConnectionState } from "./schema/entity.ts";

export type ConnectionRow = typeof integrationConnections.$inferSelect;
export type OAuthStateRow = typeof oauthStates.$inferSelect;
export type SyncObjectRow = typeof syncObjects.$inferSelect;

/** What events and audit rows say about a connection: never a token. */
export const connectionFacts = (row: Pick<ConnectionRow, "provider" | "tenantId" | "tenantName" | "state">) => ({
  provider: row.provider,
  tenantId: row.tenantId,
  tenantName: row.tenantName,
  state: row.state,
});

export async function findConnection(db: D1Database, provider: string): Promise<ConnectionRow | null> {
  return (await orm(db).select().from(integrationConnections).where(eq(integrationConnections.provider, provider)).get()) ?? null;
}

export function recordConnectStarted(changes: ChangeSet, state: OAuthStateRow) {
  // Expired states of earlier attempts go in the same batch: the table holds only connects in flight.
  changes.add(changes.orm.delete(oauthStates).where(lt(oauthStates.expiresAt, changes.at)));
  changes.add(changes.orm.insert(oauthStates).values(state));
  changes.record({ kind: "integration.connect_started", subject: { type: "integration", id: state.provider }, data: { provider: state.provider, userId: state.userId, expiresAt: state.expiresAt } });
}

/** Take a state: it is deleted as it is read (single use), and only by the user and environment it was made for. */
export async function consumeOAuthState(db: D1Database, o: { stateHash: string; userId: string; environment: string }): Promise<OAuthStateRow | null> {
  const rows = await orm(db)
    .delete(oauthStates)
    .where(and(eq(oauthStates.stateHash, o.stateHash), eq(oauthStates.userId, o.userId), eq(oauthStates.environment, o.environment)))
    .returning();
  return rows[0] ?? null;
}

/** Store a (re)connection; the token version goes on from the one it replaces, so no stale refresh lands on it. */
export function recordConnected(changes: ChangeSet, connected: Omit<ConnectionRow, "tokenVersion" | "pulledThrough">, previous: ConnectionRow | null) {
  // The inbound pull goes on from where it was for the same organisation; another one starts afresh.
  const row = { ...connected, pulledThrough: previous && previous.tenantId === connected.tenantId ? previous.pulledThrough : null };
  const values = { ...row, tokenVersion: (previous?.tokenVersion ?? 0) + 1 };
  changes.add(changes.orm.insert(integrationConnections).values(values).onConflictDoUpdate({ target: integrationConnections.provider, set: { ...row, tokenVersion: sql`${integrationConnections.tokenVersion} + 1` } }));
  changes.record({
    kind: previous ? "integration.reconnected" : "integration.connected",
    subject: { type: "integration", id: row.provider },
    data: { ...connectionFacts(row), connectedBy: row.connectedBy, ...(previous && previous.tenantId !== row.tenantId ? { previousTenantId: previous.tenantId } : {}) },
    before: previous ? connectionFacts(previous) : null,
  });
}

/** New tokens from a refresh, stored only over the version they were refreshed from. */
export function recordRefreshed(changes: ChangeSet, from: ConnectionRow, tokens: { accessToken: string; refreshToken: string; accessExpiresAt: string; scopes: string }) {
  changes.guard(
    changes.orm
      .update(integrationConnections)
      .set({ ...tokens, tokenVersion: from.tokenVersion + 1, refreshedAt: changes.at, updatedAt: changes.at, lastError: null })
      .where(and(eq(integrationConnections.provider, from.provider), eq(integrationConnections.tokenVersion, from.tokenVersion), eq(integrationConnections.state, "CONNECTED"))),
    "token_version_conflict",
    "The connection's tokens changed while they were being refreshed",
  );
  changes.record({ kind: "integration.refreshed", subject: { type: "integration", id: from.provider }, data: { provider: from.provider, tenantId: from.tenantId, accessExpiresAt: tokens.accessExpiresAt } });
}

export function recordState(changes: ChangeSet, from: ConnectionRow, state: ConnectionState, error: string) {
  changes.guard(
    changes.orm
      .update(integrationConnections)
      .set({ state, lastError: error, updatedAt: changes.at })
      .where(and(eq(integrationConnections.provider, from.provider), eq(integrationConnections.tokenVersion, from.tokenVersion))),
    "token_version_conflict",
    "The connection changed meanwhile",
  );
  changes.record({ kind: "integration.reconnect_required", subject: { type: "integration", id: from.provider }, data: { ...connectionFacts({ ...from, state }), error }, before: connectionFacts(from) });
}

export function recordDisconnected(changes: ChangeSet, row: ConnectionRow) {
  changes.guard(changes.orm.delete(integrationConnections).where(eq(integrationConnections.provider, row.provider)), "integration_not_connected", "Not connected");
  changes.record({ kind: "integration.disconnected", subject: { type: "integration", id: row.provider }, data: { provider: row.provider, tenantId: row.tenantId, tenantName: row.tenantName }, before: connectionFacts(row), after: null });
}

export async function syncSummary(db: D1Database, provider: string, limit = 100) {
  const [counts, objects, last] = await db.batch([
    db.prepare("SELECT state, count(*) AS n FROM sync_objects WHERE provider = ? GROUP BY state").bind(provider),
    // Each object by the name a finance user knows it by: the customer's, the document's number.
    db.prepare(
      `SELECT s.*, CASE s.object_type
         WHEN 'contact' THEN (SELECT legal_name FROM customers WHERE id = s.object_id)
         WHEN 'invoice' THEN (SELECT invoice_number FROM invoices WHERE id = s.object_id)
         WHEN 'payment' THEN (SELECT invoice_number FROM invoices WHERE id = s.object_id)
         WHEN 'credit_note' THEN (SELECT credit_note_number FROM credit_notes WHERE id = s.object_id)
       END AS label
       FROM sync_objects s WHERE s.provider = ? ORDER BY s.updated_at DESC LIMIT ?`,
    ).bind(provider, limit),
    db.prepare("SELECT max(synced_at) AS at FROM sync_objects WHERE provider = ?").bind(provider),
  ]);
  const byState = Object.fromEntries(((counts?.results ?? []) as { state: string; n: number }[]).map((r) => [r.state, r.n]));
  return {
    pending: Number(byState.PENDING ?? 0),
    failed: Number(byState.FAILED ?? 0),
    lastSyncAt: ((last?.results?.[0] as { at: string | null } | undefined)?.at ?? null) as string | null,
    objects: ((objects?.results ?? []) as Record<string, string | null>[]).map((r) => ({
      type: r.object_type!,
      id: r.object_id!,
      label: r.label ?? null,
      xeroId: r.xero_id ?? null,
      state: r.state as SyncObjectRow["state"],
      error: r.error ?? null,
      syncedAt: r.synced_at ?? null,
    })),
  };
}

export type MappingsRow = typeof integrationMappings.$inferSelect;

export async function findMappings(db: D1Database, provider: string): Promise<MappingsRow | null> {
  return (await orm(db).select().from(integrationMappings).where(eq(integrationMappings.provider, provider)).get()) ?? null;
}

/** Which of these tax rate and product ids the entity has. */
export async function knownIds(db: D1Database, taxRateIds: string[], productIds: string[]) {
  const d = orm(db);
  const [rates, items] = await Promise.all([
    taxRateIds.length ? d.select({ id: taxRates.id }).from(taxRates).where(inArray(taxRates.id, taxRateIds)) : Promise.resolve([]),
    productIds.length ? d.select({ id: products.id }).from(products).where(inArray(products.id, productIds)) : Promise.resolve([]),
  ]);
  return { taxRateIds: new Set(rates.map((r) => r.id)), productIds: new Set(items.map((r) => r.id)) };
}

/** Replace the mappings whole (a PUT), guarded on the revision read before Xero was asked. */
export function recordMappings(changes: ChangeSet, previous: MappingsRow | null, next: Omit<MappingsRow, "rev">) {
  const rev = (previous?.rev ?? 0) + 1;
  if (previous) {
    changes.guard(
      changes.orm.update(integrationMappings).set({ ...next, rev }).where(and(eq(integrationMappings.provider, next.provider), eq(integrationMappings.rev, previous.rev))),
      "rev_conflict",
      "The mappings changed meanwhile; read them again",
    );
  } else {
    changes.add(changes.orm.insert(integrationMappings).values({ ...next, rev }));
  }
  changes.record({ kind: "integration.mappings_updated", subject: { type: "integration", id: next.provider }, data: { provider: next.provider, tenantId: next.tenantId, rev, mappings: next.mappings }, before: previous?.mappings ?? null, after: next.mappings });
  return rev;
}
