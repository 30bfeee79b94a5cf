import Crypto
import Foundation

/// A Standard Webhooks signing secret: `whsec_` followed by the base64 of the key, of at least 24 bytes (192 bits,
/// as the specification asks).
package struct WebhookSecret: Sendable {
    /// The shortest key accepted, in bytes.
    package static let minimumBytes = 24

    package let key: [UInt8]
    /// The key as the signing code takes it, made once per secret rather than once per delivery.
    package let symmetricKey: SymmetricKey

    /// Parses one `whsec_…` secret.
    package init?(_ text: String) {
        guard text.hasPrefix("whsec_"), let key = Data(base64Encoded: String(text.dropFirst(6))),
              key.count >= Self.minimumBytes
        else {
            return nil
        }
        self.key = Array(key)
        symmetricKey = SymmetricKey(data: key)
    }

    /// Every secret in an environment value (several, space-separated, during a rotation).
    package static func all(in value: String) -> [WebhookSecret] {
        value.split(whereSeparator: \.isWhitespace).compactMap { WebhookSecret(String($0)) }
    }

    /// What is wrong with an environment value, without ever repeating the value.
    package static func problems(in value: String) -> [String] {
        let parts = value.split(whereSeparator: \.isWhitespace)
        var problems: [String] = []
        for (index, part) in parts.enumerated() where WebhookSecret(String(part)) == nil {
            let which = parts.count > 1 ? " (secret \(index + 1) of \(parts.count))" : ""
            if part.hasPrefix("whsec_"), let key = Data(base64Encoded: String(part.dropFirst(6))) {
                problems.append("is too short: its key has \(key.count) bytes, and Standard Webhooks asks for at least "
                                + "\(Self.minimumBytes) (make one with: echo whsec_$(head -c 32 /dev/urandom | base64))"
                                + which)
            } else {
                problems.append("is not a whsec_ secret with a base64 key of at least \(Self.minimumBytes) bytes\(which)")
            }
        }
        return problems
    }
}
