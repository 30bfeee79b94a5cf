import GRDB

extension SQLiteMigration {
    /// Each digest subscriber's last slot and the last event it held.
    static let v3 = SQLiteMigration(name: "v3-digests") { db in
        try db.execute(sql: """
            CREATE TABLE digest_state (
                subscriber_id TEXT PRIMARY KEY NOT NULL,
                last_slot_at REAL NOT NULL,
                last_event_seq INTEGER NOT NULL
            );
            """)
    }
}
