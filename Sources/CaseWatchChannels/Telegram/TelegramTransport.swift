import CaseWatchModel
import CaseWatchPipeline
import Curl
import Foundation

/// Telegram messages over HTTP through libcurl: one keep-alive connection per lane to the Bot API server.
///
/// The bot's token is part of every request's path, so every text this transport returns (curl's errors name the
/// URL) has it removed first.
final class TelegramTransport: ChannelTransport {
    private let apiURL: String
    private let timeout: TimeInterval
    /// Where the Bot API server may be: a refused address is a dead letter at once, with the guard's reason.
    private let network: NetworkGuard
    private let environment: ProcessEnvironment
    private var handle: EasyHandle?

    init(apiURL: String, timeout: TimeInterval, network: NetworkGuard, environment: ProcessEnvironment) {
        self.apiURL = apiURL
        self.timeout = timeout
        self.network = network
        self.environment = environment
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        let variable = job.draft.secretEnv ?? "?"
        guard let token = environment[variable], !token.isEmpty else {
            return SendResult(outcome: .retryable(reason: "no bot token in $\(variable)"))
        }
        let url = "\(apiURL)/bot\(token)/sendMessage"
        let result = TelegramDelivery.send(job, progress: .shared) { chatID, text in
            let request = HTTPRequest(
                method: .post, url: url, headers: [("content-type", "application/json"), ("user-agent", "CaseWatch/1")],
                body: TelegramMessage.body(chatID: chatID, text: text), connectTimeout: min(timeout, 10),
                timeout: timeout, responseLimit: 16 * 1024, network: network)
            do {
                let handle = try self.handle ?? EasyHandle()
                self.handle = handle
                let response = try handle.perform(request)
                return TelegramAnswer(status: response.status, body: response.body)
            } catch let refusal as NetworkRefusal {
                return TelegramAnswer(failure: "\(refusal)", permanent: true)
            } catch {
                self.handle = nil
                return TelegramAnswer(failure: "\(error)")
            }
        }
        var outcome = result.outcome
        let redacted = SecretRedaction.redact(outcome.detail, secrets: [token])
        if redacted != outcome.detail { outcome = outcome.withDetail(redacted) }
        return SendResult(outcome: outcome, code: result.code)
    }
}

/// What the Bot API answered to one request (or why no answer came).
struct TelegramAnswer {
    var status: Int?
    var ok = false
    var errorCode: Int?
    var description: String?
    var retryAfter: TimeInterval?
    var migrateTo: String?
    /// The message's id in the chat, when it was sent.
    var messageID: Int?
    var failure: String?
    /// The failure cannot heal by itself (the network guard refused the server's address): a dead letter.
    var permanent = false

    init(failure: String, permanent: Bool = false) {
        self.failure = failure
        self.permanent = permanent
    }

    /// `{"ok":true,"result":{Message}}` or `{"ok":false,"error_code":…,"description":…,"parameters":{…}}`.
    init(status: Int, body: [UInt8]) {
        self.status = status
        let answer = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        ok = (answer["ok"] as? Bool) == true && (200..<300).contains(status)
        errorCode = (answer["error_code"] as? NSNumber)?.intValue
        description = (answer["description"] as? String).map {
            String($0.prefix(300)).split(whereSeparator: \.isNewline).joined(separator: " ")
        }
        messageID = ((answer["result"] as? [String: Any])?["message_id"] as? NSNumber)?.intValue
        let parameters = answer["parameters"] as? [String: Any] ?? [:]
        retryAfter = (parameters["retry_after"] as? NSNumber)?.doubleValue
        migrateTo = (parameters["migrate_to_chat_id"] as? NSNumber).map { String($0.int64Value) }
    }
}

/// One entry's messages sent in order, as SPEC reads the Bot API's answers: 429 waits `parameters.retry_after`
/// without using up the retry schedule; 403 (the bot was blocked, kicked, or may not write there) and 400 "chat not
/// found" disable the chat; a 400 with `parameters.migrate_to_chat_id` (a group that became a supergroup) is sent
/// again to the new chat, and said in the outcome; another 400 (Telegram refused the message itself) is a dead
/// letter, since the same bytes would be refused again; anything else is retried.
enum TelegramDelivery {
    static func send(_ job: DeliveryJob, progress: TelegramProgress,
                     post: (_ chatID: String, _ text: String) -> TelegramAnswer) -> SendResult
    {
        let parts = TelegramMessage.parts(String(decoding: job.draft.payload, as: UTF8.self))
        guard !parts.isEmpty else { return SendResult(outcome: .permanent(reason: "the message is empty")) }
        let original = job.draft.recipient
        var chatID = progress.migration(of: original) ?? original
        var notes: [String] = []
        if chatID != original { notes.append("sent to chat \(chatID), which chat \(original) became") }
        var index = progress.sent(job.draft.messageID)
        if index > 0 { notes.append("messages 1 to \(index) of \(parts.count) were sent by an earlier attempt") }
        var last: TelegramAnswer?
        var migrations = 0
        while index < parts.count {
            let answer = post(chatID, parts[index])
            last = answer
            if answer.ok {
                index += 1
                progress.record(job.draft.messageID, sent: index, of: parts.count)
                continue
            }
            if let migrated = answer.migrateTo, migrations < 2 {
                migrations += 1
                progress.recordMigration(from: chatID, to: migrated)
                notes.append("chat \(chatID) became chat \(migrated) (migrate_to_chat_id): "
                             + "set telegram.chat_id to \(migrated)")
                chatID = migrated
                continue
            }
            let which = parts.count > 1 ? " (message \(index + 1) of \(parts.count))" : ""
            let detail = describe(answer) + which + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; "))
            return SendResult(outcome: outcome(of: answer, detail: detail), code: answer.status)
        }
        progress.record(job.draft.messageID, sent: parts.count, of: parts.count)
        var detail = "HTTP \(last?.status ?? 200): \(parts.count) message(s) to chat \(chatID)"
        if let id = last?.messageID { detail += ", last message_id \(id)" }
        if !notes.isEmpty { detail += "; " + notes.joined(separator: "; ") }
        return SendResult(outcome: .delivered(detail: detail), code: last?.status)
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

/// What this process knows of Telegram deliveries between attempts: how many messages of a split entry were sent
/// (so that a retry sends only the rest), and which chats moved to a new id.
///
/// Kept in memory only: a retry by the same process (the daemon, or a `run --once` whose cycle retries) goes on
/// where the last attempt stopped, but after a restart an entry whose first messages were sent sends them again
/// (at-least-once, as everywhere in CaseWatch).
final class TelegramProgress: @unchecked Sendable {  // every stored var is guarded by `lock`
    static let shared = TelegramProgress()

    private let lock = NSLock()
    private var sentParts: [String: Int] = [:]
    private var migrations: [String: String] = [:]

    func sent(_ messageID: String) -> Int {
        lock.withLock { sentParts[messageID] ?? 0 }
    }

    func record(_ messageID: String, sent: Int, of total: Int) {
        lock.withLock { sentParts[messageID] = sent < total ? sent : nil }
    }

    func migration(of chatID: String) -> String? {
        lock.withLock {
            var current = chatID
            var hops = 0
            while let next = migrations[current], hops < 4 {
                current = next
                hops += 1
            }
            return current == chatID ? nil : current
        }
    }

    func recordMigration(from old: String, to new: String) {
        lock.withLock { migrations[old] = new }
    }
}

/// The embedded default for Telegram: each entry's `sendMessage` requests written as JSON, the token never written.
final class TelegramFileTransport: ChannelTransport {
    private let directory: URL
    private let apiURL: String

    init(directory: URL, apiURL: String) {
        self.directory = directory
        self.apiURL = apiURL
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        let parts = TelegramMessage.parts(String(decoding: job.draft.payload, as: UTF8.self))
        var writer = JSONWriter(capacity: job.draft.payload.count + 512)
        writer.object { json in
            json.field("method", "POST")
            json.field("url", "\(apiURL)/bot<$\(job.draft.secretEnv ?? "?")>/sendMessage")
            json.key("requests")
            json.array { json in
                for part in parts { json.raw(TelegramMessage.body(chatID: job.draft.recipient, text: part)) }
            }
        }
        let name = FileName.safe(job.draft.messageID) + ".json"
        return AtomicFile.deliver(Data(writer.bytes), as: name, in: directory, note: " (\(parts.count) message(s))")
    }
}

extension DeliveryOutcome {
    /// The same outcome with another text (a secret removed from it).
    func withDetail(_ detail: String) -> DeliveryOutcome {
        switch self {
        case .delivered: .delivered(detail: detail)
        case .retryable(_, let retryAfter): .retryable(reason: detail, retryAfter: retryAfter)
        case .permanent: .permanent(reason: detail)
        case .gone: .gone(reason: detail)
        case .bounced: .bounced(reason: detail)
        }
    }
}
