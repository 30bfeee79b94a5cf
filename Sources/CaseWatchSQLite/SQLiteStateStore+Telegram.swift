import CaseWatchModel
import CaseWatchPipeline
import Foundation
import GRDB

/// Telegram's progress on SQLite, read and written on the delivery lanes' threads.
extension SQLiteStateStore: TelegramProgressStore {
    package func telegramPartsSent(messageID: String) throws -> Int {
        try writeBlocking { db in
            try Int.fetchOne(db, sql: "SELECT parts_sent FROM telegram_split WHERE message_id = ?",
                             arguments: [messageID]) ?? 0
        }
    }

    package func recordTelegramParts(messageID: String, sent: Int, of total: Int, now: Date) throws {
        try writeBlocking { db in
            guard sent < total else {
                try db.execute(sql: "DELETE FROM telegram_split WHERE message_id = ?", arguments: [messageID])
                return
            }
            try db.execute(sql: """
                INSERT INTO telegram_split (message_id, parts_sent, parts, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (message_id) DO UPDATE SET parts_sent = excluded.parts_sent, parts = excluded.parts,
                    updated_at = excluded.updated_at
                """, arguments: [messageID, sent, total, Timestamp.iso8601(now)])
        }
    }

    package func telegramChatMigration(of chatID: String) throws -> String? {
        try writeBlocking { db in
            try String.fetchOne(db, sql: "SELECT migrated_to FROM telegram_chat_migration WHERE chat_id = ?",
                                arguments: [chatID])
        }
    }

    package func recordTelegramChatMigration(from old: String, to new: String, now: Date) throws {
        try writeBlocking { db in
            try db.execute(sql: """
                INSERT INTO telegram_chat_migration (chat_id, migrated_to, created_at) VALUES (?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET migrated_to = excluded.migrated_to, created_at = excluded.created_at
                """, arguments: [old, new, Timestamp.iso8601(now)])
        }
    }
}
