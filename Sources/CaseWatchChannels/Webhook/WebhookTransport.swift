import Curl
import Foundation
import CaseWatchModel
import CaseWatchPipeline

/// Signed webhooks over HTTP through libcurl; one keep-alive connection per worker and receiver.
final class WebhookTransport: ChannelTransport {
    private let timeout: TimeInterval
    private let environment: ProcessEnvironment
    private var handle: EasyHandle?
    /// Secrets parsed once per variable for the lane's life (a cycle).
    private var secrets: [String: [WebhookSecret]] = [:]

    init(timeout: TimeInterval, environment: ProcessEnvironment) {
        self.timeout = timeout
        self.environment = environment
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        let secrets = job.draft.secretEnv.map(secrets(in:)) ?? []
        guard !secrets.isEmpty else {
            return SendResult(outcome: .retryable(reason: "no whsec_ secret in $\(job.draft.secretEnv ?? "?")"),
                              code: nil)
        }
        let request = HTTPRequest(
            method: .post, url: job.draft.recipient,
            headers: WebhookRequest.headers(job: job, secrets: secrets, at: now),
            body: job.draft.payload, connectTimeout: min(timeout, 10), timeout: timeout, responseLimit: 4096)
        do {
            let handle = try self.handle ?? EasyHandle()
            self.handle = handle
            let response = try handle.perform(request)
            return SendResult(outcome: Self.outcome(of: response, now: now), code: response.status)
        } catch {
            handle = nil
            return SendResult(outcome: .retryable(reason: "\(error)"), code: nil)
        }
    }

    private func secrets(in name: String) -> [WebhookSecret] {
        if let known = secrets[name] { return known }
        let parsed = WebhookSecret.all(in: environment[name] ?? "")
        secrets[name] = parsed
        return parsed
    }

    /// SPEC's reading of a receiver's answer: 2xx delivered, 410 gone, 429/503 with `Retry-After`,
    /// everything else retried.
    package static func outcome(of response: HTTPResponse, now: Date) -> DeliveryOutcome {
        if (200..<300).contains(response.status) { return .delivered(detail: "HTTP \(response.status)") }
        let excerpt = String(decoding: response.body.prefix(200), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        let detail = "HTTP \(response.status)" + (excerpt.isEmpty ? "" : ": \(excerpt)")
        switch response.status {
        case 410: return .gone(reason: detail)
        case 429, 503:
            return .retryable(reason: detail, retryAfter: response.header("retry-after").flatMap {
                RetryAfter.seconds($0, now: now)
            })
        default: return .retryable(reason: detail)
        }
    }
}

/// The headers of a webhook attempt: content type, agent, and the Standard Webhooks signature.
package enum WebhookRequest {
    package static func headers(job: DeliveryJob, secrets: [WebhookSecret], at now: Date) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("content-type", "application/json"), ("user-agent", "CaseWatch/1")]
        headers.reserveCapacity(5)
        headers += WebhookSignature.headers(id: job.draft.messageID, timestamp: Int(now.timeIntervalSince1970),
                                            body: job.draft.payload, secrets: secrets)
        return headers
    }
}
