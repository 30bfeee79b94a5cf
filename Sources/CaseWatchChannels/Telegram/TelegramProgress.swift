import CaseWatchPipeline
import Foundation

/// Telegram progress kept by this process only (a channel composed without a store: `send-test`, tests of the
/// transport alone): a retry by the same process goes on where the last attempt stopped.
package final class TelegramProgress: TelegramProgressStore, @unchecked Sendable {  // the vars are guarded by `lock`
    package static let shared = TelegramProgress()

    private let lock = NSLock()
    private var sentParts: [String: Int] = [:]
    private var migrations: [String: String] = [:]

    package init() {}

    package func telegramPartsSent(messageID: String) -> Int {
        lock.withLock { sentParts[messageID] ?? 0 }
    }

    package func recordTelegramParts(messageID: String, sent: Int, of total: Int, now: Date) {
        lock.withLock { sentParts[messageID] = sent < total ? sent : nil }
    }

    package func telegramChatMigration(of chatID: String) -> String? {
        lock.withLock { migrations[chatID] }
    }

    package func recordTelegramChatMigration(from old: String, to new: String, now: Date) {
        lock.withLock { migrations[old] = new }
    }
}
