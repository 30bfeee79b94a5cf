import GRDB

extension StateStore {
    /// The outbox, its attempt log and the suppressions (unsubscribes, disabled webhooks).
    static func registerOutboxMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL,
                    subscriber_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    generation INTEGER NOT NULL DEFAULT 0,
                    recipient TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    secret_env TEXT,
                    state TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    last_error TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    UNIQUE (event_id, subscriber_id, channel, generation)
                );
                CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
                CREATE TABLE attempt (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    outbox_id INTEGER NOT NULL REFERENCES outbox (id),
                    started_at TEXT NOT NULL,
                    duration_ms INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    code INTEGER,
                    detail TEXT NOT NULL
                );
                CREATE INDEX attempt_by_outbox ON attempt (outbox_id);
                CREATE TABLE suppression (
                    subscriber_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    PRIMARY KEY (subscriber_id, channel)
                );
                """)
        }
    }

    /// The bulky parts moved out of the rows that change: an outbox row is rewritten on every state
    /// change, and SQLite rewrites a row whole, so the message itself lives in its own table; case
    /// snapshots become an ordinary rowid table, much cheaper to fill with rows of a kilobyte.
    static func registerPayloadMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-payloads-apart") { db in
            try db.execute(sql: """
                CREATE TABLE outbox_payload (
                    outbox_id INTEGER PRIMARY KEY REFERENCES outbox (id),
                    payload BLOB NOT NULL
                );
                INSERT INTO outbox_payload (outbox_id, payload) SELECT id, payload FROM outbox;
                ALTER TABLE outbox DROP COLUMN payload;

                CREATE TABLE case_snapshot_v5 (
                    id TEXT PRIMARY KEY NOT NULL,
                    digest BLOB NOT NULL,
                    json BLOB NOT NULL,
                    recorded_at TEXT NOT NULL,
                    feed TEXT
                );
                INSERT INTO case_snapshot_v5 (id, digest, json, recorded_at, feed)
                    SELECT id, digest, json, recorded_at, feed FROM case_snapshot;
                DROP TABLE case_snapshot;
                ALTER TABLE case_snapshot_v5 RENAME TO case_snapshot;
                CREATE INDEX case_snapshot_by_feed ON case_snapshot (feed) WHERE feed IS NOT NULL;
                """)
        }
    }

    /// Lines that many outbox payloads share (one alert's body sent to a whole audience), kept once, and the
    /// payloads that name them, each as its own octets and a layout (see `PayloadLayout`). Those payloads live
    /// in a table of their own, not in `outbox_payload`, so that a CaseWatch from before this migration, run on
    /// this store, never sends one without its shared lines: it does not see those entries at all.
    static func registerSharedLinesMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-shared-lines") { db in
            try db.execute(sql: """
                CREATE TABLE outbox_lines (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    digest BLOB NOT NULL UNIQUE,
                    bytes BLOB NOT NULL
                );
                CREATE TABLE outbox_laid_out_payload (
                    outbox_id INTEGER PRIMARY KEY REFERENCES outbox (id),
                    own BLOB NOT NULL,
                    layout TEXT NOT NULL
                );
                """)
        }
    }

    /// The entries waiting to be sent, in the order they are claimed: a claim reads the first rows of this
    /// index instead of sorting every pending entry.
    static func registerDueQueueMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-due-queue") { db in
            try db.execute(sql: """
                CREATE INDEX outbox_queue ON outbox (next_attempt_at, id) WHERE state IN ('pending', 'retrying');
                """)
        }
    }
}
