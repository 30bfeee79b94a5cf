import Crypto
import Foundation
import CaseWatchModel

/// The per-subscriber token of one-click unsubscribe links: `<subscriber id>.<HMAC>`.
///
/// Unguessable without the secret (`http.token_secret_env`, or one generated once and kept in the
/// store), and checkable without storing anything per subscriber.
package struct UnsubscribeToken: Sendable {
    private let key: SymmetricKey

    package init(secret: String) {
        key = SymmetricKey(data: Array(secret.utf8))
    }

    package func token(for subscriberID: String) -> String {
        "\(subscriberID).\(mac(subscriberID))"
    }

    /// The subscriber a genuine token names; nil for a forged or altered one.
    package func subscriberID(from token: String) -> String? {
        guard let dot = token.lastIndex(of: ".") else { return nil }
        let id = String(token[..<dot])
        let given = Array(token[token.index(after: dot)...].utf8)
        let expected = Array(mac(id).utf8)
        guard given.count == expected.count else { return nil }
        // Constant time: compare every byte whatever the first difference.
        let difference = zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
        return difference == 0 ? id : nil
    }

    /// The unsubscribe address under `baseURL`.
    package func url(baseURL: String, subscriberID: String) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return "\(base)/unsubscribe?token=\(token(for: subscriberID))"
    }

    private func mac(_ id: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("unsubscribe\u{0}\(id)".utf8), using: key)
        return Base32.lowercase(Array(code).prefix(20))
    }
}
