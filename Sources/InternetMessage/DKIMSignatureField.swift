/// A `DKIM-Signature` field (RFC 6376 §3.5) being written: the tags up to an empty `b=`, folded, then the signature.
///
/// The signer hashes ``signingInput(signedHeaders:)`` — the relaxed signed fields and then this field as written up
/// to `b=`, relaxed, without its CRLF (§3.7) — signs the hash, and writes ``completed(signature:)``. A verifier
/// removes the `b=` value from the field it receives and gets the same bytes, since the signature only ever follows
/// `b=`. Lines stay within 76 columns, folded before a tag, between header names or inside base64.
public struct DKIMSignatureField: Sendable {
    static let width = 76

    /// The field up to and including `b=`, folded, without a CRLF.
    public let prefix: [UInt8]
    /// The length of the last line of `prefix`.
    private let column: Int

    /// - Parameters:
    ///   - algorithm: `rsa-sha256` or `ed25519-sha256` (RFC 8463).
    ///   - domain: `d=`, the signing domain, where the public key is published under `selector`.
    ///   - signedFields: `h=`, the names of the signed fields in the order hashed (lower case).
    ///   - bodyHash: `bh=`, the base64 SHA-256 of the relaxed body.
    ///   - timestamp: `t=`, seconds since 1970.
    public init(algorithm: String, domain: String, selector: String, signedFields: [String], bodyHash: String,
                timestamp: Int) {
        var writer = Writer()
        writer.bytes += Array("DKIM-Signature:".utf8)
        writer.column = writer.bytes.count
        for tag in ["v=1;", "a=\(algorithm);", "c=relaxed/relaxed;", "d=\(domain);", "s=\(selector);", "t=\(timestamp);"] {
            writer.append(tag, spaced: true)
        }
        for (index, name) in signedFields.enumerated() {
            let piece = (index == 0 ? "h=" : ":") + name + (index == signedFields.count - 1 ? ";" : "")
            writer.append(piece, spaced: index == 0)
        }
        writer.append("bh=\(bodyHash);", spaced: true)
        writer.append("b=", spaced: true)
        prefix = writer.bytes
        column = writer.column
    }

    /// What is hashed and signed: `signedHeaders` (the relaxed signed fields, see
    /// ``MessageHeaderFields/relaxed(_:of:overSigning:)``), then this field up to `b=`, relaxed, without a CRLF.
    public func signingInput(signedHeaders: [UInt8]) -> [UInt8] {
        signedHeaders + DKIMCanonicalization.relaxedHeader(prefix, terminated: false)
    }

    /// The whole field with the base64 `signature` after `b=`, folded, ending in CRLF.
    public func completed(signature: String) -> [UInt8] {
        var writer = Writer(bytes: prefix, column: column)
        writer.bytes.reserveCapacity(prefix.count + signature.utf8.count + signature.utf8.count / 60 * 3 + 2)
        var characters = signature.utf8[...]
        while !characters.isEmpty {
            var room = Self.width - writer.column
            if room <= 0 {
                writer.fold()
                room = Self.width - writer.column
            }
            let chunk = characters.prefix(room)
            writer.bytes += chunk
            writer.column += chunk.count
            characters = characters.dropFirst(chunk.count)
        }
        writer.bytes += [13, 10]
        return writer.bytes
    }

    /// Appends pieces, folding (CRLF and a space) before one that would pass the width.
    private struct Writer {
        var bytes: [UInt8] = []
        var column = 0

        mutating func append(_ piece: String, spaced: Bool) {
            let length = piece.utf8.count
            if column + (spaced ? 1 : 0) + length > DKIMSignatureField.width {
                fold()
            } else if spaced {
                bytes.append(UInt8(ascii: " "))
                column += 1
            }
            bytes += Array(piece.utf8)
            column += length
        }

        mutating func fold() {
            bytes += [13, 10, UInt8(ascii: " ")]
            column = 1
        }
    }
}
