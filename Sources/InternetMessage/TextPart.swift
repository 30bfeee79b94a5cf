import Foundation

/// A UTF-8 text body as a MIME entity: `text/<subtype>; charset=utf-8`, base64-encoded.
///
/// Base64 rather than quoted-printable: the bodies are mostly Cyrillic and accented Latin, for which base64 is the
/// shorter; its lines are always 76 characters (RFC 2045 §6.8) whatever the text's own lines; and its alphabet
/// cannot form the `=_` that starts every ``MIMEBoundary``.
struct TextPart {
    /// `plain` or `html`.
    let subtype: String
    let text: String

    /// `Content-Type` and `Content-Transfer-Encoding`, each ending in CRLF.
    var headerFields: String {
        "Content-Type: text/\(subtype); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
    }

    /// The base64 of the text in canonical form, in lines of 76 characters each ending in CRLF.
    var encodedBody: String {
        let encoded = Array(Data(Self.canonicalOctets(of: text)).base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            String(decoding: encoded[start..<min(start + 76, encoded.count)], as: UTF8.self) + "\r\n"
        }.joined()
    }

    /// `text` in UTF-8 with every line ending (LF, CR or CRLF) made CRLF, the canonical form of text that RFC 2046
    /// §4.1.1 requires before a body is base64-encoded.
    static func canonicalOctets(of text: String) -> [UInt8] {
        var octets: [UInt8] = []
        octets.reserveCapacity(text.utf8.count)
        var afterCR = false
        for octet in text.utf8 {
            if octet == UInt8(ascii: "\n") {
                if !afterCR { octets += [UInt8(ascii: "\r"), UInt8(ascii: "\n")] }
            } else if octet == UInt8(ascii: "\r") {
                octets += [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
            } else {
                octets.append(octet)
            }
            afterCR = octet == UInt8(ascii: "\r")
        }
        return octets
    }
}
