import GRDB

extension SQLiteMigration {
    /// The entries waiting to be sent, in the order they are claimed: a claim reads the first rows of this index
    /// instead of sorting every pending entry.
    static let v9 = SQLiteMigration(name: "v9-due-queue") { db in
        try db.execute(sql: """
            CREATE INDEX outbox_queue ON outbox (next_attempt_at, id) WHERE state IN ('pending', 'retrying');
            """)
    }
}
