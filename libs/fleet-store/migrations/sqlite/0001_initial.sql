-- fleet-store schema v1 (SQLite). Times are epoch milliseconds; JSON is TEXT.

-- Journal of fleet events. seq is the durable cursor: AUTOINCREMENT never reuses a number, even after purge.
CREATE TABLE events (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,
  kind     TEXT    NOT NULL,
  severity TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  agent_id TEXT,
  payload  TEXT    NOT NULL,
  key      TEXT    UNIQUE
);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_agent_seq ON events (agent_id, seq);

-- Every mutation (FR-015 conflicts, audit, agent history). Arguments never hold secrets.
CREATE TABLE mutations (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at           INTEGER NOT NULL,
  principal    TEXT    NOT NULL,
  session_id   TEXT    NOT NULL,
  tool         TEXT    NOT NULL,
  agent_id     TEXT    NOT NULL,
  arguments    TEXT    NOT NULL,
  outcome      TEXT    NOT NULL,
  coder_status INTEGER
);
CREATE INDEX mutations_agent_at ON mutations (agent_id, at);
CREATE INDEX mutations_at ON mutations (at);

-- Fleet metrics time series, one row per (scope, metric, time). A NULL value is "not known", never 0.
CREATE TABLE samples (
  scope  TEXT    NOT NULL,
  metric TEXT    NOT NULL,
  at     INTEGER NOT NULL,
  value  REAL,
  PRIMARY KEY (scope, metric, at)
) WITHOUT ROWID;
CREATE INDEX samples_at ON samples (at);

-- Queued input. Delivery order: priority_rank DESC, ord, id. Claimed exactly once (state queued → claimed).
CREATE TABLE queue (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_id      TEXT    NOT NULL,
  priority      TEXT    NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  priority_rank INTEGER NOT NULL,
  ord           INTEGER NOT NULL,
  payload       TEXT    NOT NULL,
  principal     TEXT    NOT NULL,
  session_id    TEXT    NOT NULL,
  state         TEXT    NOT NULL CHECK (state IN ('queued', 'claimed', 'delivered', 'failed', 'cancelled')),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  claimed_by    TEXT,
  outcome       TEXT
);
CREATE INDEX queue_agent_order ON queue (agent_id, state, priority_rank DESC, ord, id);
CREATE INDEX queue_state_updated ON queue (state, updated_at);

-- Leases (one watcher/sampler/dispatcher among replicas). epoch is a fencing token.
CREATE TABLE leases (
  name       TEXT    PRIMARY KEY,
  holder     TEXT    NOT NULL,
  expires_at INTEGER NOT NULL,
  epoch      INTEGER NOT NULL
);
