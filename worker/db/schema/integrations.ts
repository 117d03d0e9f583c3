// An entity's accounting integration lives in its own database (DESIGN §2): the connection (tokens sealed
// with AES-GCM, never in the clear), the short-lived OAuth states of connects in flight, and the sync state
// of each object sent to Xero.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export type ConnectionState = "CONNECTED" | "RECONNECT_REQUIRED";
export type SyncState = "PENDING" | "SYNCED" | "FAILED";

/** One connection per provider ("xero") per entity. */
export const integrationConnections = sqliteTable("integration_connections", {
  provider: text("provider").primaryKey(),
  /** The environment that made it; a row read in another environment is refused. */
  environment: text("environment").notNull(),
  tenantId: text("tenant_id").notNull(),
  tenantName: text("tenant_name").notNull(),
  /** Xero's id of the app ↔ organisation connection (DELETE /connections/{id} on disconnect). */
  connectionId: text("connection_id").notNull(),
  state: text("state").$type<ConnectionState>().notNull(),
  /** AES-GCM sealed (worker/lib/seal.ts), bound to entity, environment and provider. */
  accessToken: text("access_token").notNull(),
  refreshToken: text("refresh_token").notNull(),
  accessExpiresAt: text("access_expires_at").notNull(),
  scopes: text("scopes").notNull(),
  /** Bumped by every token write: a refresh is stored only over the tokens it started from. */
  tokenVersion: integer("token_version").notNull(),
  connectedBy: text("connected_by").notNull(),
  connectedAt: text("connected_at").notNull(),
  refreshedAt: text("refreshed_at"),
  lastError: text("last_error"),
  updatedAt: text("updated_at").notNull(),
  /** The inbound pull's watermark: Xero invoices modified since then are asked for next (If-Modified-Since); null before the first pull. */
  pulledThrough: text("pulled_through"),
});

/** A connect in flight: single-use, short-lived, bound to the user, the entity and the PKCE verifier. */
export const oauthStates = sqliteTable(
  "oauth_states",
  {
    /** SHA-256 of the state the browser carries (the state itself is never stored). */
    stateHash: text("state_hash").primaryKey(),
    provider: text("provider").notNull(),
    environment: text("environment").notNull(),
    userId: text("user_id").notNull(),
    /** Sealed like the tokens. */
    codeVerifier: text("code_verifier").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [index("oauth_states_expiry").on(t.expiresAt)],
);

/** Each object the sync sends (contact, invoice, credit note, payment): where it stands in Xero. */
export const syncObjects = sqliteTable(
  "sync_objects",
  {
    provider: text("provider").notNull(),
    objectType: text("object_type").notNull(),
    objectId: text("object_id").notNull(),
    xeroId: text("xero_id"),
    state: text("state").$type<SyncState>().notNull(),
    error: text("error"),
    syncedAt: text("synced_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.objectType, t.objectId] }), index("sync_objects_state").on(t.provider, t.state, t.updatedAt)],
);

/** How Kontor's records book into Xero (API.md "PUT /integrations/xero/mappings"); checked against the organisation it names. */
export interface XeroMappings {
  defaultRevenueAccount: string;
  paymentAccount: string | null;
  taxTypes: Record<string, string>;
  products: Record<string, { accountCode?: string; itemCode?: string }>;
  /** A tracking category option every line is tagged with (e.g. Region: UK); absent in rows from before it existed. */
  tracking?: XeroTracking | null;
}

/** One of the organisation's tracking categories and one of its options, by name (as Xero's line items take them). */
export interface XeroTracking {
  category: string;
  option: string;
}

export const integrationMappings = sqliteTable("integration_mappings", {
  provider: text("provider").primaryKey(),
  /** The organisation the mappings were checked against: a reconnect to another one makes them stale. */
  tenantId: text("tenant_id").notNull(),
  mappings: text("mappings", { mode: "json" }).$type<XeroMappings>().notNull(),
  rev: integer("rev").notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: text("updated_at").notNull(),
});
