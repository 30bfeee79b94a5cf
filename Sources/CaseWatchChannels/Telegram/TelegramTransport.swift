import CaseWatchModel
import CaseWatchPipeline
import Curl
import Foundation

/// Telegram messages over HTTP through libcurl's event loop for the Bot API server's host
/// (``HTTPEventLoop/loop(for:)``), whose connections are pooled and reused across lanes.
///
/// The bot's token is part of every request's path, so every text this transport returns (curl's errors name the
/// URL) has it removed first.
final class TelegramTransport: ChannelTransport {
    private let apiURL: String
    private let timeout: TimeInterval
    /// Where the Bot API server may be: a refused address is a dead letter at once, with the guard's reason.
    private let network: NetworkGuard
    private let environment: ProcessEnvironment
    private let progress: any TelegramProgressStore
    private let pacing: TelegramPacing

    init(apiURL: String, timeout: TimeInterval, network: NetworkGuard, environment: ProcessEnvironment,
         progress: any TelegramProgressStore, pacing: TelegramPacing) {
        self.apiURL = apiURL
        self.timeout = timeout
        self.network = network
        self.environment = environment
        self.progress = progress
        self.pacing = pacing
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        let variable = job.draft.secretEnv ?? "?"
        guard let token = environment[variable], !token.isEmpty else {
            return SendResult(outcome: .retryable(reason: "no bot token in $\(variable)"))
        }
        let url = "\(apiURL)/bot\(token)/sendMessage"
        let loop = HTTPEventLoop.loop(for: url)
        let result = TelegramDelivery.send(job, progress: progress, pacing: pacing) { chatID, text in
            let request = HTTPRequest(
                method: .post, url: url, headers: [("content-type", "application/json"), ("user-agent", "CaseWatch/1")],
                body: TelegramMessage.body(chatID: chatID, text: text), connectTimeout: min(timeout, 10),
                timeout: timeout, responseLimit: 16 * 1024, network: network)
            do {
                let response = try loop.perform(request)
                return TelegramAnswer(status: response.status, body: response.body)
            } catch let refusal as NetworkRefusal {
                return TelegramAnswer(failure: "\(refusal)", permanent: true)
            } catch {
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
