import Crypto
import Foundation
import CaseWatchModel

/// The per-subscriber token of the links in every e-mail (one-click unsubscribe, the preference page):
/// `<subscriber id>.<HMAC>`.
///
/// Unguessable without a key, and checkable without storing anything per subscriber. Keys rotate: the first key
/// signs new links, and every key verifies (`http.token_secret_env` holds them space-separated; the key CaseWatch
/// generated and kept in the store before any was configured stays among them), so no link already sent stops
/// working by accident.
package struct UnsubscribeToken: Sendable {
    /// What a link is for: a token made for one purpose is refused for the other.
    package enum Purpose: String, Sendable {
        case unsubscribe, preferences
    }

    private let signing: SymmetricKey
    private let verifying: [SymmetricKey]
    private let purpose: Purpose
    private let keys: LinkKeys

    package init(secret: String, purpose: Purpose = .unsubscribe) {
        self.init(keys: LinkKeys(signing: secret, verifying: [secret]), purpose: purpose)
    }

    package init(keys: LinkKeys, purpose: Purpose = .unsubscribe) {
        self.keys = keys
        signing = SymmetricKey(data: Array(keys.signing.utf8))
        verifying = keys.verifying.map { SymmetricKey(data: Array($0.utf8)) }
        self.purpose = purpose
    }

    /// The same keys, for links of another purpose.
    package func withPurpose(_ purpose: Purpose) -> UnsubscribeToken {
        UnsubscribeToken(keys: keys, purpose: purpose)
    }

    package func token(for subscriberID: String) -> String {
        "\(subscriberID).\(mac(subscriberID, key: signing))"
    }

    /// The subscriber a genuine token names; nil for a forged or altered one.
    package func subscriberID(from token: String) -> String? {
        guard let dot = token.lastIndex(of: ".") else { return nil }
        let id = String(token[..<dot])
        let given = Array(token[token.index(after: dot)...].utf8)
        var genuine = false
        for key in verifying {
            let expected = Array(mac(id, key: key).utf8)
            guard given.count == expected.count else { continue }
            // Constant time: compare every byte whatever the first difference.
            let difference = zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
            genuine = genuine || difference == 0
        }
        return genuine ? id : nil
    }

    /// The subscriber id a token claims, genuine or not (to answer a refused link in its reader's language).
    package static func claimedSubscriberID(in token: String) -> String? {
        token.lastIndex(of: ".").map { String(token[..<$0]) }
    }

    /// The link under `baseURL`: `/unsubscribe?token=…` or `/preferences?token=…`.
    package func url(baseURL: String, subscriberID: String) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return "\(base)/\(purpose.rawValue)?token=\(token(for: subscriberID))"
    }

    private func mac(_ id: String, key: SymmetricKey) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("\(purpose.rawValue)\u{0}\(id)".utf8), using: key)
        return Base32.lowercase(Array(code).prefix(20))
    }
}

/// The keys of the links in e-mails: the one that signs, and all that verify.
package struct LinkKeys: Sendable, Equatable {
    package var signing: String
    package var verifying: [String]

    package init(signing: String, verifying: [String]) {
        self.signing = signing
        self.verifying = verifying
    }

    /// From the configured keys (space-separated, the first signs) and the key generated before any was
    /// configured, if there is one: it keeps verifying.
    package static func from(configured: String?, generated: String?) -> LinkKeys? {
        let keys = (configured ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard let first = keys.first ?? generated else { return nil }
        var verifying = keys.isEmpty ? [first] : keys
        if let generated, !verifying.contains(generated) { verifying.append(generated) }
        return LinkKeys(signing: first, verifying: verifying)
    }
}
