import Crypto
import Foundation
import CaseWatchModel

/// Standard Webhooks signing: `webhook-id`, `webhook-timestamp` and `webhook-signature`
/// (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one entry per active secret, and with a signing key
/// `v1a,<base64 Ed25519 signature of "id.timestamp.body">` after them, space-separated).
package enum WebhookSignature {
    /// The signed headers for one attempt; the timestamp (and so the signature) is fresh each time.
    package static func headers(id: String, timestamp: Int, body: [UInt8], secrets: [WebhookSecret],
                                signingKey: WebhookSigningKey? = nil) -> [(name: String, value: String)]
    {
        var signatures = secrets.map { "v1," + sign(id: id, timestamp: timestamp, body: body, secret: $0) }
        if let signingKey {
            signatures.append("v1a," + sign(id: id, timestamp: timestamp, body: body, key: signingKey))
        }
        return [
            ("webhook-id", id),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signatures.joined(separator: " ")),
        ]
    }

    /// The base64 Ed25519 signature of `id.timestamp.body` under `key`.
    package static func sign(id: String, timestamp: Int, body: [UInt8], key: WebhookSigningKey) -> String {
        key.sign(Array("\(id).\(timestamp).".utf8) + body)
    }

    /// The base64 HMAC-SHA256 of `id.timestamp.body` under `secret`.
    package static func sign(id: String, timestamp: Int, body: [UInt8], secret: WebhookSecret) -> String {
        var hmac = HMAC<SHA256>(key: secret.symmetricKey)
        var prefix = "\(id).\(timestamp)."
        prefix.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        hmac.update(data: body)
        return Data(hmac.finalize()).base64EncodedString()
    }

    /// The `webhook-id` of one event for one subscriber: the same on every retry, so receivers can drop
    /// a copy; `generation` is raised by an operator's replay, which is meant to arrive again.
    package static func messageID(eventID: String, subscriberID: String, generation: Int = 0) -> String {
        var hash = SHA256()
        hash.update(data: Array("\(eventID)\u{0}\(subscriberID)\u{0}\(generation)".utf8))
        return "msg_" + Base32.lowercase(Array(hash.finalize()).prefix(16)).prefix(26)
    }
}
