import GRDB

extension SQLiteMigration {
    /// Telegram's progress between processes: how many messages of a split entry were sent, and the chats that moved
    /// to a new id (`migrate_to_chat_id`), so that the next run's retry sends only the rest, to the new chat.
    static let v14 = SQLiteMigration(name: "v14-telegram-progress") { db in
        try db.execute(sql: """
            CREATE TABLE telegram_split (
                message_id TEXT PRIMARY KEY,
                parts_sent INTEGER NOT NULL,
                parts INTEGER NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE telegram_chat_migration (
                chat_id TEXT PRIMARY KEY,
                migrated_to TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            """)
    }
}
