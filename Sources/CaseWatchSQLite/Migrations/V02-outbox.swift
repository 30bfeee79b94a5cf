import GRDB

extension SQLiteMigration {
    /// The outbox, its attempt log and the suppressions (unsubscribes, disabled webhooks).
    static let v2 = SQLiteMigration(name: "v2-outbox") { db in
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
