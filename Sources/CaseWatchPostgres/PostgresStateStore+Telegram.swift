import CaseWatchModel
import CaseWatchPipeline
import Foundation
import PostgresNIO

/// Telegram's progress on PostgreSQL, shared by every node: a retry by another node goes on where the last stopped.
extension PostgresStateStore: TelegramProgressStore {
    package func telegramPartsSent(messageID: String) throws -> Int {
        try blocking {
            try await self.rows("SELECT parts_sent FROM telegram_split WHERE message_id = \(messageID)")
                .first?.decode(Int.self) ?? 0
        }
    }

    package func recordTelegramParts(messageID: String, sent: Int, of total: Int, now: Date) throws {
        let stamp = Timestamp.iso8601(now)
        try blocking {
            if sent >= total {
                try await self.execute("DELETE FROM telegram_split WHERE message_id = \(messageID)")
            } else {
                try await self.execute("""
                    INSERT INTO telegram_split (message_id, parts_sent, parts, updated_at)
                    VALUES (\(messageID), \(sent), \(total), \(stamp))
                    ON CONFLICT (message_id) DO UPDATE SET parts_sent = excluded.parts_sent, parts = excluded.parts,
                        updated_at = excluded.updated_at
                    """)
            }
        }
    }

    package func telegramChatMigration(of chatID: String) throws -> String? {
        try blocking {
            try await self.rows("SELECT migrated_to FROM telegram_chat_migration WHERE chat_id = \(chatID)")
                .first?.decode(String.self)
        }
    }

    package func recordTelegramChatMigration(from old: String, to new: String, now: Date) throws {
        let stamp = Timestamp.iso8601(now)
        try blocking {
            try await self.execute("""
                INSERT INTO telegram_chat_migration (chat_id, migrated_to, created_at) VALUES (\(old), \(new), \(stamp))
                ON CONFLICT (chat_id) DO UPDATE SET migrated_to = excluded.migrated_to, created_at = excluded.created_at
                """)
        }
    }
}
