import GRDB

extension SQLiteMigration {
    /// Opt-outs kept per address rather than per subscriber id (renaming a subscriber no longer lifts them): each
    /// opt-out of the release before becomes one of the address that subscriber's entries were sent to (an
    /// unsubscribe or a 410 always follows a delivery, so every one has an entry). Silences. And two columns for
    /// `Retry-After`: how many attempts were answered with it (they do not use up the retry schedule) and when
    /// the entry first came due (the schedule's span is counted from there).
    static let v11 = SQLiteMigration(name: "v11-safety-catches") { db in
        try db.execute(sql: """
            CREATE TABLE optout (
                channel TEXT NOT NULL,
                address TEXT NOT NULL,
                kind TEXT NOT NULL,
                reason TEXT NOT NULL,
                detail TEXT,
                subscriber_id TEXT,
                created_at TEXT NOT NULL,
                PRIMARY KEY (channel, address)
            );
            INSERT OR IGNORE INTO optout (channel, address, kind, reason, subscriber_id, created_at)
                SELECT s.channel,
                    CASE s.channel WHEN 'email' THEN lower(o.recipient) ELSE o.recipient END,
                    CASE s.channel WHEN 'email' THEN 'unsubscribed' ELSE 'disabled' END,
                    s.reason, s.subscriber_id, s.created_at
                FROM suppression s
                JOIN outbox o ON o.id = (SELECT max(id) FROM outbox WHERE subscriber_id = s.subscriber_id
                                                                      AND channel = s.channel);
            DELETE FROM suppression WHERE EXISTS (
                SELECT 1 FROM outbox o WHERE o.subscriber_id = suppression.subscriber_id
                                         AND o.channel = suppression.channel);
            CREATE TABLE silence (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                matcher TEXT NOT NULL,
                value TEXT NOT NULL,
                starts_at REAL NOT NULL,
                ends_at REAL NOT NULL,
                reason TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE TABLE endpoint_health (
                channel TEXT NOT NULL,
                address TEXT NOT NULL,
                subscriber_id TEXT,
                failing_since REAL,
                last_failure TEXT,
                PRIMARY KEY (channel, address)
            );
            ALTER TABLE event ADD COLUMN has_prior INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE event ADD COLUMN prior_json BLOB;
            ALTER TABLE event ADD COLUMN withdrawn_at TEXT;
            ALTER TABLE event ADD COLUMN withdraw_reason TEXT;
            ALTER TABLE outbox ADD COLUMN deferrals INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE outbox ADD COLUMN first_due_at REAL;
            UPDATE outbox SET first_due_at = CASE state WHEN 'pending' THEN next_attempt_at
                ELSE CAST(strftime('%s', created_at) AS REAL) END;
            """)
    }
}
