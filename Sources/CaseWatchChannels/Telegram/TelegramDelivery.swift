import CaseWatchModel
import CaseWatchPipeline
import Foundation

/// One entry's messages sent in order, as SPEC reads the Bot API's answers: 429 waits `parameters.retry_after`
/// without using up the retry schedule; 403 (the bot was blocked, kicked, or may not write there) and 400 "chat not
/// found" disable the chat; a 400 with `parameters.migrate_to_chat_id` (a group that became a supergroup) is sent
/// again to the new chat, and said in the outcome; another 400 (Telegram refused the message itself) is a dead
/// letter, since the same bytes would be refused again; anything else is retried.
///
/// The messages of a split entry go to their chat `pacing.interval` apart (Telegram takes about one a second per
/// chat). How many were sent, and the chats that moved, are kept in `progress` (the store), so that a retry, by this
/// process or another, sends only the rest, to the chat's new id.
enum TelegramDelivery {
    static func send(_ job: DeliveryJob, progress: any TelegramProgressStore, pacing: TelegramPacing = .telegram,
                     post: (_ chatID: String, _ text: String) -> TelegramAnswer) -> SendResult
    {
        let parts = TelegramMessage.parts(String(decoding: job.draft.payload, as: UTF8.self))
        guard !parts.isEmpty else { return SendResult(outcome: .permanent(reason: "the message is empty")) }
        let messageID = job.draft.messageID
        let original = job.draft.recipient
        var chatID = currentChat(of: original, progress: progress)
        var notes: [String] = []
        if chatID != original { notes.append("sent to chat \(chatID), which chat \(original) became") }
        // Unknown (the store could not be read) counts as none sent: at-least-once, as everywhere in CaseWatch.
        var index = min((try? progress.telegramPartsSent(messageID: messageID)) ?? 0, parts.count - 1)
        if index > 0 { notes.append("messages 1 to \(index) of \(parts.count) were sent by an earlier attempt") }
        var last: TelegramAnswer?
        var migrations = 0
        var lastSentTo: String?
        while index < parts.count {
            if lastSentTo == chatID { pacing.sleep(pacing.interval) }
            let answer = post(chatID, parts[index])
            last = answer
            if answer.ok {
                index += 1
                lastSentTo = chatID
                try? progress.recordTelegramParts(messageID: messageID, sent: index, of: parts.count, now: Date())
                continue
            }
            if let migrated = answer.migrateTo, migrations < 2 {
                migrations += 1
                try? progress.recordTelegramChatMigration(from: chatID, to: migrated, now: Date())
                notes.append("chat \(chatID) became chat \(migrated) (migrate_to_chat_id): "
                             + "set telegram.chat_id to \(migrated)")
                chatID = migrated
                continue
            }
            let which = parts.count > 1 ? " (message \(index + 1) of \(parts.count))" : ""
            let detail = describe(answer) + which + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; "))
            return SendResult(outcome: outcome(of: answer, detail: detail), code: answer.status)
        }
        var detail = "HTTP \(last?.status ?? 200): \(parts.count) message(s) to chat \(chatID)"
        if let id = last?.messageID { detail += ", last message_id \(id)" }
        if !notes.isEmpty { detail += "; " + notes.joined(separator: "; ") }
        return SendResult(outcome: .delivered(detail: detail), code: last?.status)
    }

    /// The id `chatID` goes by now, following the moves recorded (at most four, so that a loop cannot hold a lane).
    static func currentChat(of chatID: String, progress: any TelegramProgressStore) -> String {
        var current = chatID
        for _ in 0..<4 {
            guard let next = (try? progress.telegramChatMigration(of: current)) ?? nil, next != current else { break }
            current = next
        }
        return current
    }

    private static func describe(_ answer: TelegramAnswer) -> String {
        if let failure = answer.failure { return failure }
        var text = "HTTP \(answer.status ?? 0)"
        if let description = answer.description { text += ": \(description)" }
        return text
    }

    private static func outcome(of answer: TelegramAnswer, detail: String) -> DeliveryOutcome {
        if answer.failure != nil, answer.permanent { return .permanent(reason: detail) }
        guard answer.failure == nil, let status = answer.status else { return .retryable(reason: detail) }
        let description = (answer.description ?? "").lowercased()
        switch status {
        case 429:
            return .retryable(reason: detail, retryAfter: answer.retryAfter)
        case 403:
            return .gone(reason: detail)
        case 400 where description.contains("chat not found"):
            return .gone(reason: detail)
        case 400:
            return .permanent(reason: detail)
        default:
            return .retryable(reason: detail)
        }
    }
}
