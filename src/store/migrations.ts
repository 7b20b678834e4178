/**
 * Versioned schema migrations, applied in order inside one transaction each. Never edit a released
 * migration: add a new one. `PRAGMA user_version` records the last applied version.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'question log and feedback',
    sql: `
      CREATE TABLE question_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        asked_at TEXT NOT NULL,
        platform TEXT NOT NULL,
        user_hash TEXT NOT NULL,
        channel_id TEXT NOT NULL DEFAULT '',
        question TEXT NOT NULL,
        normalized TEXT NOT NULL,
        answered INTEGER NOT NULL,
        confidence REAL NOT NULL,
        passage_id TEXT
      );
      CREATE INDEX question_log_unanswered ON question_log (answered, normalized);

      CREATE TABLE feedback (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        platform TEXT NOT NULL,
        user_hash TEXT NOT NULL,
        question_log_id INTEGER REFERENCES question_log (id) ON DELETE SET NULL,
        passage_id TEXT NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        UNIQUE (platform, user_hash, question_log_id, passage_id)
      );
    `,
  },
  {
    version: 2,
    name: 'daily fact digests',
    // One subscription per channel (re-subscribing updates it). `active_since` bounds which scheduled
    // times can be due, so subscribing at 10:00 never "catches up" the 09:00 digest. Deliveries are
    // unique per (subscription, local date): that row is the claim that makes posting exactly-once.
    sql: `
      CREATE TABLE digest_subscription (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        platform TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count BETWEEN 1 AND 5),
        days TEXT NOT NULL CHECK (days IN ('daily', 'weekdays')),
        seed TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        active_since TEXT NOT NULL,
        paused_reason TEXT,
        paused_at TEXT,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (platform, channel_id)
      );

      CREATE TABLE digest_rotation (
        subscription_id INTEGER PRIMARY KEY REFERENCES digest_subscription (id) ON DELETE CASCADE,
        cycle INTEGER NOT NULL,
        position INTEGER NOT NULL,
        fact_order TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE digest_delivery (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        subscription_id INTEGER NOT NULL REFERENCES digest_subscription (id) ON DELETE CASCADE,
        local_date TEXT NOT NULL,
        scheduled_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        claimed_at TEXT,
        claimed_by TEXT,
        next_attempt_at TEXT,
        sent_at TEXT,
        cycle INTEGER,
        first_position INTEGER,
        last_position INTEGER,
        total INTEGER,
        fact_ids TEXT,
        platform_ref TEXT,
        message TEXT,
        UNIQUE (subscription_id, local_date)
      );
      CREATE INDEX digest_delivery_status ON digest_delivery (status, next_attempt_at);
    `,
  },
  {
    version: 3,
    name: 'processed platform events',
    // Slack retries an event (same event_id) and a request can be replayed (same body and signature):
    // the first process to insert the key handles it, so two processes on one file agree. Rows older
    // than the retry window are deleted as new ones arrive.
    sql: `
      CREATE TABLE processed_event (
        key TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        seen_at TEXT NOT NULL
      );
      CREATE INDEX processed_event_seen ON processed_event (seen_at);
    `,
  },
];
