import Foundation

/// The base64 of earlier bodies, for messages whose bodies start the same way: one alert sent to many readers, each
/// with their own name and link near the end. Pass one cache to ``EmailMessage/encodedSharing(boundarySeed:reusing:)``
/// for each such family of messages (one per template and language, say); the messages are byte for byte what
/// ``EmailMessage/encoded(boundarySeed:)`` gives.
///
/// The first body of each part (plain, HTML) is remembered. A later body is compared with it octet by octet; the
/// base64 lines that hold only the octets they share are copied, and only the rest is encoded. Bodies with CR in
/// them are not remembered (only LF line ends are). Not thread-safe: use one cache from one thread at a time.
public final class BodyEncodingCache {
    /// One remembered body.
    fileprivate struct Body {
        /// The text's UTF-8, without CR.
        let text: [UInt8]
        /// The offsets in `text` of its LFs, in order.
        let lineFeeds: [Int]
        /// The text in canonical form.
        let canonical: [UInt8]
        /// The base64 of `canonical`, in lines of 76 characters each ending in CRLF.
        let lines: SharedLines
    }

    private var bodies: [String: Body] = [:]

    public init() {}

    /// `text`'s base64 lines that it shares with the remembered body of `subtype` (whole lines only: the first
    /// `count` octets of `lines`), and the canonical octets that remain to be encoded after them; nil when nothing
    /// is remembered and `text` cannot be.
    func split(_ text: String, subtype: String) -> (lines: SharedLines, count: Int, rest: [UInt8])? {
        guard let body = bodies[subtype] ?? remember(text, subtype: subtype) else { return nil }
        return text.withUTF8Bytes { octets in
            let shared = Self.commonPrefixLength(octets, body.text)
            // The canonical form of the shared octets is that of the remembered text up to there (it has no CR, so
            // nothing there depends on what follows): one more octet for each LF.
            let canonicalShared = shared + Self.count(of: body.lineFeeds, below: shared)
            let wholeLines = canonicalShared / Base64.octetsPerLine
            let reused = wholeLines * (Base64.octetsPerLine / 3 * 4 + 2)
            let rest = body.canonical.withUnsafeBufferPointer { canonical in
                // The shared octets after the last whole line, then the rest of `text`.
                let tail = canonical[(wholeLines * Base64.octetsPerLine)..<canonicalShared]
                return TextPart.canonicalOctets(UnsafeBufferPointer(rebasing: octets[shared...]),
                                                after: UnsafeBufferPointer(rebasing: tail))
            }
            return (body.lines, reused, rest)
        }
    }

    /// Remembers `text` as the body of `subtype`, unless it has a CR.
    private func remember(_ text: String, subtype: String) -> Body? {
        let body = text.withUTF8Bytes { octets -> Body? in
            guard octets.firstIndex(of: UInt8(ascii: "\r")) == nil else { return nil }
            var lineFeeds: [Int] = []
            if let base = octets.baseAddress {
                var position = base
                while let found = TextPart.nextLineFeed(from: position, end: base + octets.count) {
                    lineFeeds.append(found - base)
                    position = found + 1
                }
            }
            let canonical = TextPart.canonicalOctets(octets, after: UnsafeBufferPointer(start: nil, count: 0))
            let length = Base64.linesLength(ofOctets: canonical.count)
            let lines = [UInt8](unsafeUninitializedCapacity: length) { out, written in
                written = canonical.withUnsafeBufferPointer { Base64.encodeLines($0, to: out.baseAddress!) }
            }
            return Body(text: Array(octets), lineFeeds: lineFeeds, canonical: canonical, lines: SharedLines(lines))
        }
        bodies[subtype] = body
        return body
    }

    /// How many of `sorted` are below `limit`.
    private static func count(of sorted: [Int], below limit: Int) -> Int {
        var (low, high) = (0, sorted.count)
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < limit { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The length of the longest common prefix of `one` and `other`.
    private static func commonPrefixLength(_ one: UnsafeBufferPointer<UInt8>, _ other: [UInt8]) -> Int {
        other.withUnsafeBufferPointer { other in
            let limit = min(one.count, other.count)
            guard limit > 0, let a = one.baseAddress, let b = other.baseAddress else { return 0 }
            var index = 0
            while index + 8 <= limit {
                let x = UnsafeRawPointer(a + index).loadUnaligned(as: UInt64.self)
                let y = UnsafeRawPointer(b + index).loadUnaligned(as: UInt64.self)
                if x != y { break }
                index += 8
            }
            while index < limit, a[index] == b[index] { index += 1 }
            return index
        }
    }
}
