import Foundation
import CaseWatchRendering

/// Reads back the text parts of a message CaseWatch built, for `preview`: the parts of a
/// `multipart/alternative` (or the single body), decoded from base64 or quoted-printable.
enum MIMEParts {
    struct Part {
        var contentType: String
        var body: String
    }

    static func decode(_ bytes: [UInt8]) -> [Part] {
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        guard let (headers, body) = split(text) else { return [] }
        let contentType = header("content-type", in: headers) ?? "text/plain"
        guard contentType.lowercased().hasPrefix("multipart/"), let boundary = parameter("boundary", in: contentType)
        else {
            return [Part(contentType: contentType, body: decodeBody(body, encoding: header("content-transfer-encoding", in: headers)))]
        }
        return body.components(separatedBy: "--\(boundary)").dropFirst().compactMap { chunk in
            guard !chunk.hasPrefix("--"), let (partHeaders, partBody) = split(String(chunk.drop { $0 == "\n" })) else {
                return nil
            }
            return Part(contentType: header("content-type", in: partHeaders) ?? "text/plain",
                        body: decodeBody(partBody, encoding: header("content-transfer-encoding", in: partHeaders)))
        }
    }

    private static func split(_ text: String) -> (String, String)? {
        guard let range = text.range(of: "\n\n") else { return nil }
        return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
    }

    /// An unfolded header's value.
    private static func header(_ name: String, in block: String) -> String? {
        let unfolded = block.replacingOccurrences(of: "\n ", with: " ").replacingOccurrences(of: "\n\t", with: " ")
        for line in unfolded.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    private static func parameter(_ name: String, in value: String) -> String? {
        for piece in value.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name { return pair[1].trimmingCharacters(in: ["\""]) }
        }
        return nil
    }

    private static func decodeBody(_ body: String, encoding: String?) -> String {
        switch encoding?.lowercased() {
        case "base64":
            let data = Data(base64Encoded: body.filter { !$0.isWhitespace }) ?? Data()
            return String(decoding: data, as: UTF8.self)
        case "quoted-printable":
            return quotedPrintable(body)
        default:
            return body
        }
    }

    private static func quotedPrintable(_ body: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(body.replacingOccurrences(of: "=\n", with: "").utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "="), index + 2 < input.count,
               let value = UInt8(String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
