-- Control plane of one environment: who may do what in which entity.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id),
  environment TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE entities (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  legal_name TEXT NOT NULL,
  country TEXT NOT NULL,
  currency TEXT NOT NULL,
  timezone TEXT NOT NULL,
  binding TEXT NOT NULL UNIQUE,
  environment TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'ACTIVE',
  created_at TEXT NOT NULL
);

CREATE TABLE memberships (
  user_id TEXT NOT NULL REFERENCES users(id),
  entity_id TEXT NOT NULL REFERENCES entities(id),
  roles TEXT NOT NULL, -- JSON array of roles
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, entity_id)
);
CREATE INDEX memberships_entity ON memberships(entity_id);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  entity_id TEXT NOT NULL REFERENCES entities(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  key_prefix TEXT NOT NULL,
  environment TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_keys_entity ON api_keys(entity_id);

-- Short-lived tokens for WebSocket clients that cannot send the cookie.
CREATE TABLE live_tokens (
  token_hash TEXT PRIMARY KEY,
  entity_id TEXT NOT NULL,
  principal TEXT NOT NULL, -- JSON of the principal that asked for it
  expires_at TEXT NOT NULL
);

-- Failed sign-ins per (email, client) window, for rate limiting.
CREATE TABLE sign_in_failures (
  key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  failures INTEGER NOT NULL
);

-- Audit of control-plane changes (API keys, memberships): entity audit lives in each entity DB.
CREATE TABLE control_audit (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_id TEXT,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  data TEXT NOT NULL,
  request_id TEXT
);

-- A guarded batch inserts changes() here; the CHECK aborts the whole batch when a guard matched nothing.
CREATE TABLE batch_guards (matched INTEGER NOT NULL CHECK (matched = 1));
