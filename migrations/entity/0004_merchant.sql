-- The entity's own details as a seller: legal details, address, tax registrations, bank details, branding.
CREATE TABLE merchant (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  data TEXT NOT NULL, -- JSON, validated at the API edge
  updated_at TEXT NOT NULL,
  rev INTEGER NOT NULL
);
