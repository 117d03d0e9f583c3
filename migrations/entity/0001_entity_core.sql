-- One legal entity's own database. Nothing here joins across entities.

-- The entity's clock: every committed change appends one row.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  actor TEXT NOT NULL,   -- JSON {type,id,name}
  data TEXT NOT NULL,    -- JSON
  at TEXT NOT NULL
);
CREATE INDEX events_subject ON events(subject_id, seq);

CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  before TEXT,  -- JSON, null on create
  after TEXT,   -- JSON
  request_id TEXT
);
CREATE INDEX audit_log_subject ON audit_log(subject_id, at);

CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,
  key TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys(expires_at);

-- Gapless per-entity sequences (quote numbers, invoice numbers, ...), bumped inside the change's batch.
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);

CREATE TABLE batch_guards (matched INTEGER NOT NULL CHECK (matched = 1));

CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  legal_name TEXT NOT NULL,
  email TEXT NOT NULL,
  country TEXT NOT NULL,
  currency TEXT NOT NULL,
  tax_status TEXT NOT NULL,
  tax_id TEXT,
  address TEXT,   -- JSON
  contacts TEXT NOT NULL DEFAULT '[]', -- JSON
  search TEXT NOT NULL, -- lower-cased name + email, for ?q=
  archived_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  rev INTEGER NOT NULL
);
