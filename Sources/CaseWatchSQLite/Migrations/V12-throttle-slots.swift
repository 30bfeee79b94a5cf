import GRDB

extension SQLiteMigration {
    /// Per-endpoint rates: each throttled key's next free slot (see `Throttle`), keyed by a hash of the endpoint so
    /// that the table holds no address.
    static let v12 = SQLiteMigration(name: "v12-throttle-slots") { db in
        try db.execute(sql: """
            CREATE TABLE throttle_slot (
                key TEXT PRIMARY KEY,
                next_free_at REAL NOT NULL
            );
            """)
    }
}
