import CaseWatchPipeline
import Foundation

extension MemoryStateStore: TelegramProgressStore {
    package func telegramPartsSent(messageID: String) throws -> Int {
        access { $0.telegramSplits[messageID] ?? 0 }
    }

    package func recordTelegramParts(messageID: String, sent: Int, of total: Int, now: Date) throws {
        access { $0.telegramSplits[messageID] = sent < total ? sent : nil }
    }

    package func telegramChatMigration(of chatID: String) throws -> String? {
        access { $0.telegramMigrations[chatID] }
    }

    package func recordTelegramChatMigration(from old: String, to new: String, now: Date) throws {
        access { $0.telegramMigrations[old] = new }
    }
}
