import Curl
import Foundation
import CaseWatchModel
import CaseWatchPipeline

/// Signed webhooks over HTTP through libcurl: sent by the delivery engine on the multi interface
/// (``HTTPChannelTransport``), or one at a time on a keep-alive handle of the transport's own.
final class WebhookTransport: HTTPChannelTransport {
    private let timeout: TimeInterval
    /// Where the receivers may be: a refused address is a dead letter at once, with the guard's reason.
    private let network: NetworkGuard
    private var handle: EasyHandle?
    /// Secrets and signing keys parsed once per variable for the transport's life (a cycle).
    private let keyring: WebhookKeyring

    init(timeout: TimeInterval, network: NetworkGuard, environment: ProcessEnvironment) {
        self.timeout = timeout
        self.network = network
        keyring = WebhookKeyring(environment: environment)
    }

    func send(_ job: DeliveryJob, at now: Date) -> SendResult {
        transfer(job, at: now).perform(on: &handle)
    }

    func transfer(_ job: DeliveryJob, at now: Date) -> HTTPTransfer {
        let (variables, secrets, signingKey) = keyring.keys(for: job.draft.secretEnv)
        guard !secrets.isEmpty else {
            return .settled(SendResult(outcome: .retryable(reason: "no whsec_ secret in $\(variables.secrets)")))
        }
        if let name = variables.signingKey, signingKey == nil {
            // Named but missing: sending without the v1a signature would fail receivers that verify only it.
            return .settled(SendResult(outcome: .retryable(reason: "no whsk_ signing key in $\(name)")))
        }
        let request = HTTPRequest(
            method: .post, url: job.draft.recipient,
            headers: WebhookRequest.headers(job: job, secrets: secrets, signingKey: signingKey, at: now),
            body: job.draft.payload, connectTimeout: min(timeout, 10), timeout: timeout, responseLimit: 4096,
            network: network)
        return .request(request) { answer in
            switch answer {
            case .success(let response):
                SendResult(outcome: Self.outcome(of: response, now: now), code: response.status)
            case .failure(let refusal as NetworkRefusal):
                SendResult(outcome: .permanent(reason: "\(refusal)"))
            case .failure(let error):
                SendResult(outcome: .retryable(reason: "\(error)"))
            }
        }
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
    package static func headers(job: DeliveryJob, secrets: [WebhookSecret], signingKey: WebhookSigningKey? = nil,
                                at now: Date) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("content-type", "application/json"), ("user-agent", "CaseWatch/1")]
        headers.reserveCapacity(5)
        headers += WebhookSignature.headers(id: job.draft.messageID, timestamp: Int(now.timeIntervalSince1970),
                                            body: job.draft.payload, secrets: secrets, signingKey: signingKey)
        return headers
    }
}
