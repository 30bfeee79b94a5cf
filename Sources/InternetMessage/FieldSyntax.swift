/// The RFC 5322 character classes and checks that header values go through before they are written.
enum FieldSyntax {
    /// `atext` (RFC 5322 §3.2.3): what an atom or a dot-atom may contain without quoting.
    static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        case "!", "#", "$", "%", "&", "'", "*", "+", "-", "/", "=", "?", "^", "_", "`", "{", "|", "}", "~": true
        default: false
        }
    }

    /// `atext` for one octet of UTF-8: only ASCII octets can be atext.
    @inline(__always)
    static func isAtext(_ octet: UInt8) -> Bool {
        switch octet {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
             UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// `VCHAR` for one octet of UTF-8.
    @inline(__always)
    static func isVisible(_ octet: UInt8) -> Bool {
        (0x21...0x7E).contains(octet)
    }

    /// `dot-atom-text` in octets: runs of atext joined by single dots, none of them empty.
    static func isDotAtomText(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous = UInt8(ascii: ".")
        for octet in text {
            if octet == UInt8(ascii: ".") {
                if previous == UInt8(ascii: ".") { return false }
            } else if !isAtext(octet) {
                return false
            }
            previous = octet
        }
        return previous != UInt8(ascii: ".")
    }

    /// `VCHAR` (RFC 5234 appendix B.1): printable US-ASCII, without the space.
    static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        (0x21...0x7E).contains(scalar.value)
    }

    /// `dot-atom-text` (RFC 5322 §3.2.3): runs of atext joined by single dots, none of them empty.
    static func isDotAtomText(_ text: Substring) -> Bool {
        text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy(isAtext)
        }
    }

    /// Refuses a value with CR, LF or NUL anywhere in it.
    ///
    /// A CR or LF would end the header line and let the rest of the value become a header of its own (a `Bcc:`
    /// smuggled in through a case title); NUL is not allowed in a message at all (RFC 5322 §2.2 and §3.5). The value
    /// is refused rather than cleaned, so whoever supplied it hears about it instead of a mail going out that
    /// nobody wrote.
    static func refuseLineBreaks(in value: String, field: String) throws(MessageError) {
        let clean = value.withUTF8Bytes { octets in
            !octets.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }
        }
        if clean { return }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\r": throw MessageError(field: field, reason: lineBreakReason("a carriage return (CR)"))
            case "\n": throw MessageError(field: field, reason: lineBreakReason("a line feed (LF)"))
            case "\0": throw MessageError(field: field, reason: lineBreakReason("a NUL character"))
            default: continue
            }
        }
    }

    private static func lineBreakReason(_ what: String) -> String {
        "contains \(what), which could end the header and start another; refused, not stripped"
    }

    /// `text` with its control characters written as escapes, safe to quote in an error or a log line.
    static func visible(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            case _ where scalar.properties.generalCategory == .control:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
