-- Quotes, their lines (stable ids, fractional positions), published versions and applied op batches.
CREATE TABLE quotes (
  id TEXT PRIMARY KEY,
  quote_number TEXT NOT NULL UNIQUE,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  title TEXT NOT NULL,
  currency TEXT NOT NULL,
  deal_type TEXT NOT NULL,
  expiry_days INTEGER,
  notes TEXT,
  status TEXT NOT NULL,
  approval_status TEXT NOT NULL,
  approved_rev INTEGER,
  version INTEGER NOT NULL,
  published_version INTEGER,
  public_token TEXT UNIQUE,
  published_at TEXT,
  expires_at TEXT,
  accepted_at TEXT,
  accepted_by TEXT,
  archived_at TEXT,
  billing_schedule_id TEXT,
  totals TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  rev INTEGER NOT NULL
);
CREATE INDEX quotes_customer ON quotes(customer_id, id);
CREATE INDEX quotes_status ON quotes(status, id);

CREATE TABLE quote_lines (
  quote_id TEXT NOT NULL REFERENCES quotes(id),
  id TEXT NOT NULL,
  position TEXT NOT NULL,
  price_id TEXT NOT NULL,
  quantity TEXT NOT NULL,
  discount TEXT,
  description TEXT,
  PRIMARY KEY (quote_id, id)
);

-- What the customer link shows: the document as it was at each publish.
CREATE TABLE quote_versions (
  quote_id TEXT NOT NULL REFERENCES quotes(id),
  version INTEGER NOT NULL,
  document TEXT NOT NULL,
  published_at TEXT NOT NULL,
  PRIMARY KEY (quote_id, version)
);

-- Every applied co-editing batch, so a batch resent after a lost ack is acked again, not re-applied.
CREATE TABLE quote_ops (
  actor_id TEXT NOT NULL,
  client_op_id TEXT NOT NULL,
  quote_id TEXT NOT NULL,
  rev INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (actor_id, client_op_id)
);
