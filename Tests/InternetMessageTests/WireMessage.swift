import Foundation

/// An encoded message read back at the byte level, for the checks Python's parser would forgive.
struct WireMessage {
    let bytes: [UInt8]

    /// The lines without their CRLF.
    var lines: [String] {
        var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The lines of the top-level header section.
    var headerLines: [String] { Array(lines.prefix { !$0.isEmpty }) }

    /// Whether some CR is not followed by LF, or some LF not preceded by CR.
    var hasBareLineBreak: Bool {
        bytes.indices.contains { index in
            let byte = bytes[index]
            if byte == UInt8(ascii: "\r") { return index + 1 == bytes.count || bytes[index + 1] != UInt8(ascii: "\n") }
            if byte == UInt8(ascii: "\n") { return index == 0 || bytes[index - 1] != UInt8(ascii: "\r") }
            return false
        }
    }

    /// The longest line in octets.
    var longestLine: Int { lines.map(\.utf8.count).max() ?? 0 }

    /// The lines of the first header field called `name`: its first line and its continuation lines.
    func fieldLines(_ name: String) -> [String] {
        let prefix = name.lowercased() + ":"
        let start = headerLines.drop { !$0.lowercased().hasPrefix(prefix) }
        guard let first = start.first else { return [] }
        return [first] + start.dropFirst().prefix { $0.hasPrefix(" ") || $0.hasPrefix("\t") }
    }

    /// The unfolded value of the first header field called `name` (the CRLFs of folding removed, RFC 5322 §2.2.3).
    func field(_ name: String) -> String? {
        let lines = fieldLines(name)
        return lines.isEmpty ? nil : String(lines.joined().dropFirst(name.count + 1))
    }

    /// Every RFC 2047 encoded-word in the header section, in order.
    var encodedWords: [String] {
        headerLines.flatMap { line in line.matches(of: /=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=/).map { String($0.output) } }
    }

    /// The octets an `=?UTF-8?B?…?=` word carries, or nil if it is not one.
    static func payload(ofEncodedWord word: String) -> Data? {
        guard let match = word.wholeMatch(of: /=\?UTF-8\?B\?([A-Za-z0-9+\/=]*)\?=/) else { return nil }
        return Data(base64Encoded: String(match.output.1))
    }

    /// The multipart boundary named in the top-level `Content-Type`, if any.
    var boundary: String? {
        field("Content-Type")?.firstMatch(of: /boundary="([^"]+)"/).map { String($0.output.1) }
    }

    /// The lines of each body part (each part's header lines, blank line and base64 lines); the whole body when the
    /// message is not multipart.
    var partLines: [[String]] {
        let body = Array(lines.drop { !$0.isEmpty }.dropFirst())
        guard let boundary else { return [body] }
        var parts: [[String]] = []
        for line in body {
            if line == "--" + boundary || line == "--" + boundary + "--" {
                parts.append([])
            } else if !parts.isEmpty {
                parts[parts.count - 1].append(line)
            }
        }
        return parts.filter { !$0.isEmpty }
    }

    /// The decoded base64 content of each part.
    var decodedParts: [Data] {
        partLines.map { part in
            let encoded = part.drop { !$0.isEmpty }.joined()
            return Data(base64Encoded: encoded) ?? Data()
        }
    }

    /// `octets` as text if they are valid UTF-8, nil otherwise (decoding replaces invalid sequences with U+FFFD, so
    /// the text encodes back to the same octets only if there were none).
    static func utf8Text(_ octets: Data) -> String? {
        let text = String(decoding: octets, as: UTF8.self)
        return Data(text.utf8) == octets ? text : nil
    }
}
