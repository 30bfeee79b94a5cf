import Foundation

/// The human-readable form of an outbox entry, for `casewatch preview`.
public enum Preview {
    /// An e-mail: its header block, then each part decoded; a webhook: the request line, the signed
    /// headers (signed now) and the body.
    public static func render(_ draft: OutboxDraft, environment: ProcessEnvironment) -> String {
        switch draft.channel {
        case .email:
            return email(draft.payload)
        case .webhook:
            let secrets = draft.secretEnv.map { WebhookSecret.all(in: environment[$0] ?? "") } ?? []
            let job = DeliveryJob(outboxID: 0, draft: draft, attempts: 0)
            let headers = WebhookRequest.headers(job: job, secrets: secrets, at: Date())
            return (["POST \(draft.recipient)"] + headers.map { "\($0.name): \($0.value)" } + [""]).joined(separator: "\n")
                + String(decoding: draft.payload, as: UTF8.self)
        }
    }

    static func email(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        guard let split = text.range(of: "\n\n") else { return text }
        var output = String(text[..<split.lowerBound]) + "\n"
        for part in MIMEParts.decode(bytes) {
            output += "\n--- \(part.contentType) (decoded) ---\n" + part.body
        }
        return output
    }
}
