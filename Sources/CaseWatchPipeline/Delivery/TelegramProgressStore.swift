import Foundation

/// What Telegram deliveries keep between attempts: how many messages of a split entry were sent already (so that a
/// retry sends only the rest), and which chats moved to a new id (`migrate_to_chat_id`, a group that became a
/// supergroup). Kept in the store, so that a retry by another process (the next `run --once`, another node) goes
/// on where the last attempt stopped and sends to the chat's new id.
///
/// Blocking, called on the delivery lanes' own threads, as claim sessions are.
package protocol TelegramProgressStore: Sendable {
    /// How many messages of the entry with `messageID` were sent already; 0 when none or all were.
    func telegramPartsSent(messageID: String) throws -> Int
    /// Records that the first `sent` of the entry's `total` messages were sent; all of them forgets the entry.
    func recordTelegramParts(messageID: String, sent: Int, of total: Int, now: Date) throws
    /// The id chat `chatID` moved to, when it moved (one step; a chat that moved twice has two).
    func telegramChatMigration(of chatID: String) throws -> String?
    /// Records that chat `old` is now chat `new`.
    func recordTelegramChatMigration(from old: String, to new: String, now: Date) throws
}
