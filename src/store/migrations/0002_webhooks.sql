-- Webhooks: a job may name a callback; deliveries wait in an outbox until they are acknowledged.
ALTER TABLE jobs ADD COLUMN callback TEXT;

CREATE TABLE webhook_deliveries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id      TEXT    NOT NULL,
  url         TEXT    NOT NULL,
  event       TEXT    NOT NULL,
  body        TEXT    NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  next_at     INTEGER NOT NULL,
  done_at     INTEGER,
  last_status INTEGER,
  last_error  TEXT
);
CREATE INDEX webhook_due ON webhook_deliveries (next_at) WHERE done_at IS NULL;

-- Small settings jobd keeps for itself (the generated webhook signing secret).
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
