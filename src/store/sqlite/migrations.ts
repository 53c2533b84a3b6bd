import type Database from 'better-sqlite3';

/**
 * Numbered schema steps; `PRAGMA user_version` records how many have run. Append only: a step that has shipped is
 * never edited, so every existing database can be brought forward.
 * Times are epoch milliseconds; a destination's missing thread is '' so it can be part of a key.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    verb TEXT NOT NULL,
    line TEXT NOT NULL,
    outcome TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    detail TEXT
  );
  CREATE INDEX audit_by_time ON audit (at DESC, id DESC);

  CREATE TABLE action_refs (
    id TEXT PRIMARY KEY,
    line TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX action_refs_by_expiry ON action_refs (expires_at);

  CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    thread_id TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL,
    filter TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (platform, channel_id, thread_id, topic, filter)
  );
  CREATE INDEX subscriptions_by_topic ON subscriptions (topic);

  CREATE TABLE mutes (
    platform TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    thread_id TEXT NOT NULL DEFAULT '',
    pattern TEXT NOT NULL,
    until INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (platform, channel_id, thread_id, pattern)
  );

  CREATE TABLE cursors (
    watcher_id TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE alerts (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    dest TEXT NOT NULL,
    platform TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    thread_id TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('post', 'update', 'reply')),
    message TEXT NOT NULL,
    alert_key TEXT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_error TEXT,
    posted_message_id TEXT,
    settled_at INTEGER,
    UNIQUE (key, dest)
  );
  CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

  CREATE TABLE posted_refs (
    alert_key TEXT NOT NULL,
    platform TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    posted_at INTEGER NOT NULL,
    PRIMARY KEY (alert_key, platform, channel_id)
  );
  `,
  // 2: what a mute held back, so its end can be summarised.
  `
  ALTER TABLE mutes ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE mutes ADD COLUMN held_titles TEXT NOT NULL DEFAULT '[]';
  `,
  // 3: webhook deliveries already accepted, kept past the signature's time window so a replay is recognised.
  `
  CREATE TABLE webhook_deliveries (
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (source, id)
  );
  CREATE INDEX webhook_deliveries_by_expiry ON webhook_deliveries (expires_at);
  `,
  // 4: an audited command's positional args as a JSON array, so a query matches whole values (who retried a run)
  // rather than splitting the redacted line. Entries written before stay without; they are only listed.
  `
  ALTER TABLE audit ADD COLUMN args TEXT;
  CREATE INDEX audit_by_verb_args ON audit (verb, args, outcome, at DESC);
  `,
  // 5: per-key alert state was never read or written outside its own test: incidents live in the watchers' cursors
  // and in posted_refs.
  `
  DROP TABLE alerts;
  `,
];

/** Brings the schema to the latest version, one transaction per step. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the state database is at schema version ${current}, newer than this bot's ${MIGRATIONS.length}: upgrade the bot`,
    );
  }
  MIGRATIONS.slice(current).forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + i + 1}`);
    })();
  });
  return MIGRATIONS.length;
}
