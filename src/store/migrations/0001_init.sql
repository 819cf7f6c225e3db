-- Jobs: one row per job, children included. seq is the integer id (ArangoDB dialect) and never reused.
CREATE TABLE jobs (
  seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
  id                  TEXT    NOT NULL UNIQUE,
  type                TEXT    NOT NULL,
  kind                TEXT    NOT NULL,
  description         TEXT    NOT NULL,
  namespace           TEXT    NOT NULL,
  owner               TEXT,
  state               TEXT    NOT NULL,
  state_value         TEXT    NOT NULL,
  in_process          INTEGER NOT NULL,
  progress_percent    REAL    NOT NULL DEFAULT 0,
  progress_message    TEXT    NOT NULL DEFAULT '',
  own_progress        INTEGER NOT NULL DEFAULT 0,
  prompt              TEXT,
  answers             TEXT    NOT NULL DEFAULT '[]',
  input               TEXT,
  result              TEXT,
  error               TEXT,
  resources           TEXT    NOT NULL DEFAULT '[]',
  parent_id           TEXT,
  failure_policy      TEXT    NOT NULL,
  attempts            INTEGER NOT NULL DEFAULT 0,
  max_attempts        INTEGER NOT NULL,
  backoff             TEXT    NOT NULL,
  timeout_ms          INTEGER,
  run_at              INTEGER NOT NULL,
  priority            INTEGER NOT NULL DEFAULT 0,
  idempotency_key     TEXT,
  lease               TEXT,
  cancel_requested_at INTEGER,
  created_at          INTEGER NOT NULL,
  started_at          INTEGER,
  finished_at         INTEGER,
  updated_at          INTEGER NOT NULL,
  received_at         INTEGER,
  expires_at          INTEGER,
  deadline_at         INTEGER,
  log_seq             INTEGER NOT NULL DEFAULT 0,
  machine_version     TEXT    NOT NULL,
  snapshot            TEXT
);

-- Every stored deadline (run_at, timeout, prompt, cancel grace, lease, retention) fires from here.
CREATE INDEX jobs_deadline ON jobs (deadline_at) WHERE deadline_at IS NOT NULL;
CREATE INDEX jobs_parent ON jobs (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX jobs_queued ON jobs (type, priority DESC, seq) WHERE state = 'queued';
CREATE INDEX jobs_working ON jobs (in_process, state) WHERE state IN ('running', 'cancelling');
CREATE INDEX jobs_namespace ON jobs (namespace, seq);
CREATE INDEX jobs_state ON jobs (state, seq);
CREATE UNIQUE INDEX jobs_idempotency ON jobs (namespace, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The transition log, kept with its job (deleted with it).
CREATE TABLE transitions (
  job_id     TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  event      TEXT    NOT NULL,
  from_state TEXT    NOT NULL,
  to_state   TEXT    NOT NULL,
  payload    TEXT,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
