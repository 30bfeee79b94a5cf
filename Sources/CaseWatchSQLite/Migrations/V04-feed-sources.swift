import GRDB

extension SQLiteMigration {
    /// Which feed each case came from, and each feed's last error.
    static let v4 = SQLiteMigration(name: "v4-feed-sources") { db in
        try db.execute(sql: """
            ALTER TABLE case_snapshot ADD COLUMN feed TEXT;
            CREATE INDEX case_snapshot_by_feed ON case_snapshot (feed) WHERE feed IS NOT NULL;
            ALTER TABLE source_state ADD COLUMN last_error TEXT;
            """)
    }
}
