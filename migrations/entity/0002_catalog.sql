-- The entity's product catalog. Prices are immutable once created (as in Stripe): a change is a new
-- price, and the old one is archived, so quotes and schedules that use a price never change under them.
CREATE TABLE products (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  tax_category TEXT,
  search TEXT NOT NULL,
  archived_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  rev INTEGER NOT NULL
);

CREATE TABLE prices (
  id TEXT PRIMARY KEY,
  product_id TEXT NOT NULL REFERENCES products(id),
  name TEXT NOT NULL,
  currency TEXT NOT NULL,
  billing_frequency TEXT NOT NULL,
  billing_type TEXT NOT NULL,
  pricing_type TEXT NOT NULL,
  structure TEXT NOT NULL, -- JSON, validated by the pricing engine
  archived_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX prices_product ON prices(product_id, id);
