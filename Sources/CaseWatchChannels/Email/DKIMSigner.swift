import Crypto
import Foundation
import InternetMessage
import _CryptoExtras

/// Signs outgoing messages with DKIM (RFC 6376): `rsa-sha256`, and optionally a second `ed25519-sha256` signature
/// (RFC 8463), both relaxed/relaxed.
///
/// Signing happens on the exact bytes handed to SMTP (or written by the file transport), right before they go: the
/// store may keep a message as shared lines and reassemble it when it is claimed, so only then are the bytes final.
/// The signature fields are put in front of the message; nothing else changes.
package struct DKIMSigner: Sendable {
    /// One private key with the algorithm it signs with.
    package enum Key: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)

        package var algorithm: String {
            switch self {
            case .rsa: "rsa-sha256"
            case .ed25519: "ed25519-sha256"
            }
        }
    }

    /// The fields signed when present, in this order: what mailbox providers require (From, To, Subject, Date,
    /// Message-ID, and the List-Unsubscribe pair for one-click unsubscribe), the list's id, and what a change would
    /// alter the reading of (threading, the MIME structure).
    package static let signedFieldNames = [
        "from", "to", "subject", "date", "message-id", "list-id", "list-unsubscribe", "list-unsubscribe-post",
        "in-reply-to", "references", "mime-version", "content-type",
    ]
    /// Fields signed once more than present, so that a message that gains one on the way fails verification: a
    /// second From is the classic way to show one sender and be verified as another.
    package static let overSignedFieldNames: Set<String> = ["from", "subject", "list-unsubscribe", "list-unsubscribe-post"]

    package let domain: String
    /// The RSA key's selector; the Ed25519 key's is this with `-ed25519` after it (see ``selector(for:)``).
    package let selector: String
    /// The RSA key first; Gmail and Outlook verify only rsa-sha256.
    package let keys: [Key]

    /// The selector of `key`'s signature (`s=`). Each key needs a DNS name of its own, since a verifier reads one key
    /// record per selector (RFC 8463's example signs with two selectors too): the Ed25519 key's is the RSA one's
    /// with `-ed25519` after it.
    package func selector(for key: Key) -> String {
        switch key {
        case .rsa: selector
        case .ed25519: selector + "-ed25519"
        }
    }

    /// The DNS name of `key`'s TXT record.
    package func recordName(for key: Key) -> String {
        "\(selector(for: key))._domainkey.\(domain)"
    }

    package init(domain: String, selector: String, keys: [Key]) {
        self.domain = domain
        self.selector = selector
        self.keys = keys
    }

    /// `message` with a `DKIM-Signature` field per key in front of it.
    package func signed(_ message: [UInt8], at date: Date) throws -> [UInt8] {
        let header = MessageHeaderFields(message)
        let body = DKIMCanonicalization.relaxedBody(message[header.bodyStart...])
        let bodyHash = Data(SHA256.hash(data: body)).base64EncodedString()
        let (names, signedHeaders) = header.relaxed(Self.signedFieldNames, of: message,
                                                    overSigning: Self.overSignedFieldNames)
        var fields: [UInt8] = []
        fields.reserveCapacity(keys.count * 700)
        for key in keys {
            let field = DKIMSignatureField(algorithm: key.algorithm, domain: domain, selector: selector(for: key),
                                           signedFields: names, bodyHash: bodyHash,
                                           timestamp: Int(date.timeIntervalSince1970))
            let digest = SHA256.hash(data: field.signingInput(signedHeaders: signedHeaders))
            let signature: Data
            switch key {
            case .rsa(let key):
                signature = try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation
            case .ed25519(let key):
                // RFC 8463 §3: Ed25519 signs the SHA-256 hash, not the data itself.
                signature = try key.signature(for: Data(digest))
            }
            fields += field.completed(signature: signature.base64EncodedString())
        }
        return fields + message
    }
}

extension DKIMSigner: CustomStringConvertible, CustomReflectable {
    /// The domain, selector and algorithms, never a key.
    package var description: String {
        "DKIM \(keys.map(\.algorithm).joined(separator: " + ")) for d=\(domain) s=\(selector)"
    }

    package var customMirror: Mirror {
        Mirror(self, children: ["domain": domain, "selector": selector, "algorithms": keys.map(\.algorithm)],
               displayStyle: .struct)
    }
}
