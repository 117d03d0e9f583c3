// The control plane of one environment, exactly as migrations/control/*.sql create it
// (tests/worker/schema.test.ts checks that they agree).
import { customType, index, integer, primaryKey, sqliteTable, sqliteView, text } from "drizzle-orm/sqlite-core";
import type { Environment, Principal } from "../../env.ts";

/** `email TEXT COLLATE NOCASE`: drizzle has no collation option, so the collation rides on the type. */
const textNoCase = customType<{ data: string; driverData: string }>({ dataType: () => "text COLLATE NOCASE" });

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: textNoCase("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: text("created_at").notNull(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    environment: text("environment").$type<Environment>().notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const entities = sqliteTable("entities", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  legalName: text("legal_name").notNull(),
  country: text("country").notNull(),
  currency: text("currency").notNull(),
  timezone: text("timezone").notNull(),
  binding: text("binding").notNull().unique(),
  environment: text("environment").$type<Environment>().notNull(),
  status: text("status").notNull().default("ACTIVE"),
  createdAt: text("created_at").notNull(),
});

export const memberships = sqliteTable(
  "memberships",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    entityId: text("entity_id")
      .notNull()
      .references(() => entities.id),
    /** role names; unknown ones are ignored on read */
    roles: text("roles", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.entityId] }), index("memberships_entity").on(t.entityId)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    entityId: text("entity_id")
      .notNull()
      .references(() => entities.id),
    name: text("name").notNull(),
    role: text("role").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    keyPrefix: text("key_prefix").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("api_keys_entity").on(t.entityId)],
);

/** Short-lived tokens for WebSocket clients that cannot send the cookie. */
export const liveTokens = sqliteTable("live_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  entityId: text("entity_id").notNull(),
  principal: text("principal", { mode: "json" }).$type<Principal>().notNull(),
  expiresAt: text("expires_at").notNull(),
});

/** Failed sign-ins per (email, client) window, for rate limiting. */
export const signInFailures = sqliteTable("sign_in_failures", {
  key: text("key").primaryKey(),
  windowStart: integer("window_start").notNull(),
  failures: integer("failures").notNull(),
});

/** Audit of control-plane changes (API keys, memberships): entity audit lives in each entity DB. */
export const controlAudit = sqliteTable("control_audit", {
  id: text("id").primaryKey(),
  at: text("at").notNull(),
  actor: text("actor").notNull(),
  action: text("action").notNull(),
  entityId: text("entity_id"),
  subjectType: text("subject_type").notNull(),
  subjectId: text("subject_id").notNull(),
  data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  requestId: text("request_id"),
});

/** See entity.ts: the trigger (migration 0002) is SQL only, so the view is `existing()`. */
export const batchGuards = sqliteView("batch_guards", { matched: integer("matched") }).existing();
