import Crypto
import Foundation

/// A Standard Webhooks asymmetric signing key: `whsk_` followed by the base64 of the 32-byte Ed25519 seed. It adds a
/// `v1a` signature that receivers verify with the public key (`whpk_…`) alone, holding no secret of their own.
///
/// The 64-byte form some libraries write (the seed, then the public key) is accepted too, when its two halves agree.
package struct WebhookSigningKey: Sendable {
    package let privateKey: Curve25519.Signing.PrivateKey

    /// Parses one `whsk_…` key.
    package init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("whsk_"), let bytes = Data(base64Encoded: String(trimmed.dropFirst(5))),
              bytes.count == 32 || bytes.count == 64,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes.prefix(32))
        else { return nil }
        if bytes.count == 64, key.publicKey.rawRepresentation != bytes.suffix(32) { return nil }
        privateKey = key
    }

    /// `whpk_` and the base64 of the 32-byte public key: what receivers verify `v1a` signatures with.
    package var publicKeyText: String {
        "whpk_" + privateKey.publicKey.rawRepresentation.base64EncodedString()
    }

    /// The base64 Ed25519 signature of `message`.
    package func sign(_ message: [UInt8]) -> String {
        // Signing with a valid key cannot fail; an error here would be swift-crypto's own.
        ((try? privateKey.signature(for: message)) ?? Data()).base64EncodedString()
    }

    /// What is wrong with an environment value, without ever repeating the value; empty when it is a key.
    package static func problems(in value: String) -> [String] {
        guard WebhookSigningKey(value) == nil else { return [] }
        return ["is not a whsk_ signing key (whsk_ and the base64 of a 32-byte Ed25519 seed; make one with: "
                + "echo whsk_$(head -c 32 /dev/urandom | base64))"]
    }
}

extension WebhookSigningKey: CustomStringConvertible {
    /// The public key only.
    package var description: String { "webhook signing key \(publicKeyText)" }
}
