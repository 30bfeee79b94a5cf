import Foundation

/// A UTF-8 text body as a MIME entity: `text/<subtype>; charset=utf-8`, base64-encoded.
///
/// Base64 rather than quoted-printable: the bodies are mostly Cyrillic and accented Latin, for which base64 is the
/// shorter; its lines are always 76 characters (RFC 2045 §6.8) whatever the text's own lines; and its alphabet
/// cannot form the `=_` that starts every ``MIMEBoundary``.
struct TextPart {
    /// `Content-Type` and `Content-Transfer-Encoding`, each ending in CRLF.
    let headerFields: [UInt8]
    /// Whole base64 lines taken from an earlier body that starts the same way (see ``BodyEncodingCache``): the first
    /// `reusedCount` octets of `reusedLines`.
    let reusedLines: SharedLines?
    let reusedCount: Int
    /// The text in canonical form (see ``canonicalOctets(of:)``), after the octets of the reused lines.
    private let octets: [UInt8]

    private static let plainFields = fields(subtype: "plain")
    private static let htmlFields = fields(subtype: "html")

    private static func fields(subtype: String) -> [UInt8] {
        Array("Content-Type: text/\(subtype); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n".utf8)
    }

    /// `subtype` is `plain` or `html`; `cache`, when given, supplies the base64 this text shares with an earlier one.
    init(subtype: String, text: String, cache: BodyEncodingCache? = nil) {
        switch subtype {
        case "plain": headerFields = Self.plainFields
        case "html": headerFields = Self.htmlFields
        default: headerFields = Self.fields(subtype: subtype)
        }
        if let cache, let (lines, count, rest) = cache.split(text, subtype: subtype) {
            reusedLines = lines
            reusedCount = count
            octets = rest
        } else {
            reusedLines = nil
            reusedCount = 0
            octets = Self.canonicalOctets(of: text)
        }
    }

    /// The length of ``writeBody(to:)``'s output.
    var encodedBodyLength: Int { reusedCount + Base64.linesLength(ofOctets: octets.count) }

    /// Writes the base64 of the text in lines of 76 characters each ending in CRLF; returns the bytes written.
    func writeBody(to out: UnsafeMutablePointer<UInt8>) -> Int {
        let reused = reusedCount
        reusedLines?.bytes.withUnsafeBufferPointer { lines in
            if let base = lines.baseAddress { out.initialize(from: base, count: reused) }
        }
        return reused + octets.withUnsafeBufferPointer { Base64.encodeLines($0, to: out + reused) }
    }

    /// `text` in UTF-8 with every line ending (LF, CR or CRLF) made CRLF, the canonical form of text that RFC 2046
    /// §4.1.1 requires before a body is base64-encoded.
    static func canonicalOctets(of text: String) -> [UInt8] {
        text.withUTF8Bytes { canonicalOctets($0, after: UnsafeBufferPointer(start: nil, count: 0)) }
    }

    /// `prefix` (already canonical), then the canonical form of `input`, which starts a line or follows an octet
    /// other than CR.
    static func canonicalOctets(_ input: UnsafeBufferPointer<UInt8>, after prefix: UnsafeBufferPointer<UInt8>)
        -> [UInt8]
    {
        guard let base = input.baseAddress, !input.isEmpty else { return Array(prefix) }
        if memchr(base, Int32(UInt8(ascii: "\r")), input.count) == nil {
            return lineFeedsToCRLF(input, after: prefix)
        }
        // Each line ending grows by one octet at most.
        var lineEnds = 0
        for octet in input where octet == UInt8(ascii: "\n") || octet == UInt8(ascii: "\r") { lineEnds += 1 }
        return [UInt8](unsafeUninitializedCapacity: prefix.count + input.count + lineEnds) { out, written in
            if let start = prefix.baseAddress { out.baseAddress!.initialize(from: start, count: prefix.count) }
            var count = prefix.count
            var afterCR = false
            for octet in input {
                if octet == UInt8(ascii: "\n") {
                    if !afterCR {
                        out[count] = UInt8(ascii: "\r")
                        out[count + 1] = UInt8(ascii: "\n")
                        count += 2
                    }
                } else if octet == UInt8(ascii: "\r") {
                    out[count] = UInt8(ascii: "\r")
                    out[count + 1] = UInt8(ascii: "\n")
                    count += 2
                } else {
                    out[count] = octet
                    count += 1
                }
                afterCR = octet == UInt8(ascii: "\r")
            }
            written = count
        }
    }

    /// Text without CR: each LF becomes CRLF, the runs between them copied whole.
    private static func lineFeedsToCRLF(_ input: UnsafeBufferPointer<UInt8>, after prefix: UnsafeBufferPointer<UInt8>)
        -> [UInt8]
    {
        let base = input.baseAddress!
        let end = base + input.count
        var lineFeeds = 0
        var position = base
        while let found = nextLineFeed(from: position, end: end) {
            lineFeeds += 1
            position = found + 1
        }
        return [UInt8](unsafeUninitializedCapacity: prefix.count + input.count + lineFeeds) { out, written in
            var target = out.baseAddress!
            if let start = prefix.baseAddress {
                target.initialize(from: start, count: prefix.count)
                target += prefix.count
            }
            var position = base
            while let found = nextLineFeed(from: position, end: end) {
                target.initialize(from: position, count: found - position)
                target += found - position
                target[0] = UInt8(ascii: "\r")
                target[1] = UInt8(ascii: "\n")
                target += 2
                position = found + 1
            }
            target.initialize(from: position, count: end - position)
            target += end - position
            written = target - out.baseAddress!
        }
    }

    @inline(__always)
    static func nextLineFeed(from start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        let found = memchr(start, Int32(UInt8(ascii: "\n")), end - start)
        return found.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
    }
}
