import GRDB

extension SQLiteMigration {
    /// The bulky parts moved out of the rows that change: an outbox row is rewritten on every state change, and
    /// SQLite rewrites a row whole, so the message itself lives in its own table; case snapshots become an ordinary
    /// rowid table, much cheaper to fill with rows of a kilobyte.
    static let v5 = SQLiteMigration(name: "v5-payloads-apart") { db in
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
