import CaseWatchModel
import CaseWatchPipeline
import Curl
import Foundation

/// Matrix messages over HTTP through libcurl: sent by the delivery engine on the multi interface
/// (``HTTPChannelTransport``), or one at a time on a keep-alive handle of the transport's own.
final class MatrixTransport: HTTPChannelTransport {
    private let timeout: TimeInterval
    /// Where the homeservers may be: a refused address is a dead letter at once, with the guard's reason.
    private let network: NetworkGuard
    private let environment: ProcessEnvironment
    private var handle: EasyHandle?

    init(timeout: TimeInterval, network: NetworkGuard, environment: ProcessEnvironment) {
        self.timeout = timeout
        self.network = network
        self.environment = environment
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        transfer(job, at: now).perform(on: &handle)
    }

    func transfer(_ job: DeliveryJob, at now: Date) -> HTTPTransfer {
        let variable = job.draft.secretEnv ?? "?"
        guard let token = environment[variable], !token.isEmpty else {
            return .settled(SendResult(outcome: .retryable(reason: "no access token in $\(variable)")))
        }
        let request = HTTPRequest(
            method: .put, url: MatrixMessage.url(job.draft),
            headers: [("content-type", "application/json"), ("authorization", "Bearer \(token)"),
                      ("user-agent", "CaseWatch/1")],
            body: job.draft.payload, connectTimeout: min(timeout, 10), timeout: timeout, responseLimit: 4096,
            network: network)
        return .request(request) { answer in
            switch answer {
            case .success(let response):
                let outcome = MatrixMessage.outcome(status: response.status, body: response.body,
                                                    retryAfterHeader: response.header("retry-after"), now: now)
                return SendResult(outcome: outcome, code: response.status)
            case .failure(let refusal as NetworkRefusal):
                return SendResult(outcome: .permanent(reason: "\(refusal)"))
            case .failure(let error):
                return SendResult(outcome: .retryable(reason: SecretRedaction.redact("\(error)", secrets: [token])))
            }
        }
    }
}

/// The embedded default for Matrix: each message written as JSON (method, URL, body), without the token.
final class MatrixFileTransport: ChannelTransport {
    private let directory: URL

    init(directory: URL) {
        self.directory = directory
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        var writer = JSONWriter(capacity: job.draft.payload.count + 512)
        writer.object { json in
            json.field("method", "PUT")
            json.field("url", MatrixMessage.url(job.draft))
            json.field("access_token_env", job.draft.secretEnv)
            json.key("body")
            json.raw(job.draft.payload)
        }
        let name = FileName.safe(job.draft.messageID) + ".json"
        return AtomicFile.deliver(Data(writer.bytes), as: name, in: directory)
    }
}

extension MatrixMessage {
    /// The client-server API's answer, read as SPEC says: 200 delivered (with the event's id); 429
    /// `M_LIMIT_EXCEEDED` waits `retry_after_ms` without using up the retry schedule; 403 `M_FORBIDDEN` (the bot
    /// is not, or no longer, in the room) disables the room; anything else is retried.
    package static func outcome(status: Int, body: [UInt8], retryAfterHeader: String?, now: Date) -> DeliveryOutcome {
        let answer = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        if (200..<300).contains(status) {
            let eventID = answer["event_id"] as? String
            return .delivered(detail: "HTTP \(status)" + (eventID.map { " \($0)" } ?? ""))
        }
        let errcode = answer["errcode"] as? String
        let error = answer["error"] as? String
        var detail = "HTTP \(status)"
        if let errcode { detail += " \(errcode)" }
        if let error { detail += ": " + error.prefix(200).split(whereSeparator: \.isNewline).joined(separator: " ") }
        switch (status, errcode) {
        case (403, "M_FORBIDDEN"?):
            return .gone(reason: detail)
        case (429, _):
            // `retry_after_ms` in the body (every version of the API), or a `Retry-After` header (v1.10 on).
            let milliseconds = (answer["retry_after_ms"] as? NSNumber)?.doubleValue
            let wait = milliseconds.map { $0 / 1000 } ?? retryAfterHeader.flatMap { RetryAfter.seconds($0, now: now) }
            return .retryable(reason: detail, retryAfter: wait)
        default:
            return .retryable(reason: detail)
        }
    }
}
