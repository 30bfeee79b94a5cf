import GRDB

extension SQLiteMigration {
    /// `channels:` after queueing: the entries stranded on a disabled endpoint whose alert has moved on to the
    /// subscriber's next channel, each once (see `ChannelFallbackStore`).
    static let v13 = SQLiteMigration(name: "v13-channel-fallback") { db in
        try db.execute(sql: """
            CREATE TABLE outbox_fallback (
                outbox_id INTEGER PRIMARY KEY,
                generation INTEGER,
                created_at TEXT NOT NULL
            );
            """)
    }
}
